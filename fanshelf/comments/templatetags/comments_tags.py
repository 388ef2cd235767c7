"""What the work page's comment section needs, computed here so works/reading.py stays unaware of comments."""

from __future__ import annotations

import functools
from typing import Any

from django import template
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from fanshelf.accounts.models import Pseud
from fanshelf.comments.actions import GUESTS_OFF
from fanshelf.comments.blocks import blocked_from_work
from fanshelf.comments.forms import CommentForm
from fanshelf.comments.threads import PAGE_PARAM, page_of_threads
from fanshelf.core import switches
from fanshelf.core.memo import Memo
from fanshelf.core.numbers import number_param
from fanshelf.core.pagination import MAX_PAGE
from fanshelf.core.prepared import Prepared
from fanshelf.works.models import CommentPermission

register = template.Library()


def commenting_refusal(work: Any, user: Any) -> str:
    """Why this reader cannot comment here, or "" when they can (the action decides again on posting)."""
    if work.comment_permission == CommentPermission.NOBODY:
        return "This work's creator has turned comments off."
    if not user.is_authenticated and not switches.current().guest_comments:
        return GUESTS_OFF
    if not user.is_authenticated and (work.restricted or work.comment_permission != CommentPermission.ANYONE):
        return "Only registered users can comment on this work."
    if blocked_from_work(user, work):
        return "One of this work's creators has blocked you: you can't comment here."
    return ""


@register.simple_tag(takes_context=True)
def comment_section(context: template.Context | dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    work, chapter = context["work"], context.get("chapter")
    number = number_param(request.GET, PAGE_PARAM, default=1, minimum=1, maximum=MAX_PAGE)
    # The first posted chapter's page also shows the comments left on the entire work (threads._scope).
    first = next((shown.pk for shown in context.get("chapters") or () if shown.posted), None)
    # A work page's probe says whether any comment was left on the work at all (most have none).
    none_left = bool(context.get("no_comments"))
    page, threads = page_of_threads(request.user, work, chapter, number, first_chapter=first, none_left=none_left)
    user = request.user if request.user.is_authenticated else None
    refusal = commenting_refusal(work, request.user)
    return {
        "page": page,
        "threads": threads,
        "page_param": PAGE_PARAM,
        "refusal": refusal,
        "form_fields": "" if refusal else _blank_form_fields(user),
        "manages": context.get("is_creator") or context.get("is_moderator"),
    }


def _blank_form_fields(user: Any) -> SafeString:
    """The new-comment form's fields, empty: the same for every guest, so rendered once (a form's widgets go
    through templates: about 1 ms, on every work page), and for a signed-in reader once per list of their pseuds
    (ids, names and which is the default, in the form's order; their username names a pseud that differs from it)."""
    if user is None:
        return _blank_guest_form_fields()
    key = (user.pk, user.username, tuple(_pseuds.rows("pseuds", user.pk)))
    return _member_form_fields.get_or_make(key, lambda: _form_fields(CommentForm(user=user, auto_id=_AUTO_ID)))


_AUTO_ID = "id_comment_%s"


def _pseuds_of(shape: str, user_id: int) -> QuerySet[Any]:
    """In the order `user.pseuds` gives them, as the form lists them."""
    return Pseud.objects.filter(user_id=user_id).values_list("pk", "name", "is_default")


# Every signed-in reader's work page asks: compiled once (core/prepared.py).
_pseuds = Prepared(_pseuds_of)
_member_form_fields: Memo[SafeString] = Memo(1024)


@functools.cache
def _blank_guest_form_fields() -> SafeString:
    return _form_fields(CommentForm(user=None, auto_id=_AUTO_ID))


def _form_fields(form: CommentForm) -> SafeString:
    return SafeString(render_to_string("works/form_fields.html", {"form": form}))
