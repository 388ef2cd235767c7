"""The work page's shelf buttons and "Continue from chapter N" (included by works/work_page.html)."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import QuerySet

from fanshelf.core.prepared import Prepared, all_fields, instances
from fanshelf.reading.models import Reading, Shelf, ShelfEntry
from fanshelf.works.models import Work

register = template.Library()


def _entry_of(shape: str, user_id: int, work_id: int) -> QuerySet[Any]:
    return ShelfEntry.objects.filter(user_id=user_id, work_id=work_id).values_list(*all_fields(ShelfEntry))[:1]


# Every signed-in reader's work page asks: compiled once (core/prepared.py).
_shelf_entry = Prepared(_entry_of)


@register.inclusion_tag("reading/_work_buttons.html", takes_context=True)
def reading_buttons(context: template.Context, work: Work) -> dict[str, Any]:
    request = context["request"]
    user = request.user
    if not user.is_authenticated or not work.posted:
        return {"show": False}
    entry = next(iter(instances(ShelfEntry, _shelf_entry.rows("entry", user.pk, work.pk))), None)
    resume = None
    if entry is not None and entry.shelf == Shelf.READING:
        # Only a chapter still posted, and not the one being read now.
        reading = Reading.objects.filter(user=user, work=work, last_chapter__posted=True).first()
        current = context.get("chapter")
        if reading is not None and reading.last_chapter_id != getattr(current, "pk", None):
            resume = reading.last_chapter
    return {
        "show": True,
        "work": work,
        "username": user.username,
        "entry": entry,
        "shelves": Shelf.choices,
        "resume": resume,
        "csrf_token": context.get("csrf_token"),
    }
