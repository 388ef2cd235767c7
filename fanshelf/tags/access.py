"""Fetch-with-permission helpers for the tag pages: a missing tag is a 404, a tag the user may not wrangle a 403.

An unwrangled tag used only on works the user may not open (drafts, hidden, unrevealed, or restricted for guests)
is missing to them, with the very same 404, unless they may wrangle it: its name alone could confirm that the
work exists (usage.known_to).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from fanshelf.accounts.models import User, is_moderator
from fanshelf.tags.models import Tag, TagType, tag_from_url_part
from fanshelf.tags.permissions import can_wrangle, require_wrangler
from fanshelf.tags.usage import known_to

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

_NO_SUCH_TAG = "No tag has that name."


def get_tag_or_404(url_part: str) -> Tag:
    """The tag named by a URL segment (escaped with tag_to_url_part), ignoring case."""
    tag = Tag.objects.named(tag_from_url_part(url_part)).select_related("merger").first()
    if tag is None:
        raise Http404(_NO_SUCH_TAG)
    return tag


def get_tag_shown_to(url_part: str, viewer: User | AnonymousUser) -> Tag:
    """The tag named by a URL segment, if `viewer` may know of it (usage.known_to) or may wrangle it; otherwise
    the same 404 as for a name no tag has."""
    tag = get_tag_or_404(url_part)
    if tag.under_ban and not is_moderator(viewer):  # as if it did not exist, even to its fandom's wranglers
        raise Http404(_NO_SUCH_TAG)
    if not (known_to(tag, viewer) or can_wrangle(viewer, tag)):
        raise Http404(_NO_SUCH_TAG)
    return tag


def get_tag_for_wrangling(request: HttpRequest, url_part: str) -> Tag:
    """The tag, if the signed-in user may wrangle it (403), and may know of it at all (404)."""
    tag = get_tag_shown_to(url_part, request.user)
    require_wrangler(request.user, tag)
    return tag


def get_fandom_for_wrangling(request: HttpRequest, url_part: str) -> Tag:
    """A fandom whose bins the user may work through (a synonym's URL gives its canonical)."""
    fandom = get_tag_shown_to(url_part, request.user).filterable
    if fandom.type != TagType.FANDOM:
        raise Http404(f"“{fandom.name}” is not a fandom.")
    require_wrangler(request.user, fandom)
    return fandom


def signed_in_user(request: HttpRequest) -> User:
    """The request's user, for views behind login_required."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
