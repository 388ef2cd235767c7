"""What bookmark templates need from Python: a bookmarked item's blurb, and the reader's own bookmark of a work."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import QuerySet
from django.utils.safestring import SafeString

from fanshelf.bookmarks.models import Bookmark
from fanshelf.core.prepared import Prepared, loaded
from fanshelf.works.blurbs import render_blurb
from fanshelf.works.models import Work

register = template.Library()


def _bookmark_of(shape: str, user_id: int, work_id: int) -> QuerySet[Any]:
    return Bookmark.objects.filter(user_id=user_id, work_id=work_id).order_by("pk").values_list("pk")[:1]


# Every signed-in reader's work page asks: compiled once (core/prepared.py).
_own_bookmark = Prepared(_bookmark_of)


@register.simple_tag(takes_context=True)
def work_blurb(context: template.Context, work: Work) -> SafeString:
    """The work's blurb as this reader may see it (an anonymous work's creators stay Anonymous)."""
    return render_blurb(work, context["request"].user)


@register.simple_tag(takes_context=True)
def my_bookmark(context: template.Context, work: Work) -> Bookmark | None:
    """The signed-in reader's bookmark of the work (one query), so the work page offers to edit it."""
    user = context["request"].user
    if not user.is_authenticated:
        return None
    rows = _own_bookmark.rows("own", user.pk, work.pk)
    return loaded(Bookmark, ("id",), rows[0]) if rows else None
