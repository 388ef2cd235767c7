"""Fetch-with-permission helpers for the tag pages: a missing tag is a 404, a tag the user may not wrangle a 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from fanshelf.accounts.models import User
from fanshelf.tags.models import Tag, TagType, tag_from_url_part
from fanshelf.tags.permissions import require_wrangler


def get_tag_or_404(url_part: str) -> Tag:
    """The tag named by a URL segment (escaped with tag_to_url_part), ignoring case."""
    tag = Tag.objects.named(tag_from_url_part(url_part)).select_related("merger").first()
    if tag is None:
        raise Http404("No tag has that name.")
    return tag


def get_tag_for_wrangling(request: HttpRequest, url_part: str) -> Tag:
    """The tag, if the signed-in user may wrangle it."""
    tag = get_tag_or_404(url_part)
    require_wrangler(request.user, tag)
    return tag


def get_fandom_for_wrangling(request: HttpRequest, url_part: str) -> Tag:
    """A fandom whose bins the user may work through (a synonym's URL gives its canonical)."""
    fandom = get_tag_or_404(url_part).filterable
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
