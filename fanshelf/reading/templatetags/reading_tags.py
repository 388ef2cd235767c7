"""The work page's shelf buttons and "Continue from chapter N" (included by works/work_page.html)."""

from __future__ import annotations

from typing import Any

from django import template

from fanshelf.reading.models import Reading, Shelf, ShelfEntry
from fanshelf.works.models import Work

register = template.Library()


@register.inclusion_tag("reading/_work_buttons.html", takes_context=True)
def reading_buttons(context: template.Context, work: Work) -> dict[str, Any]:
    request = context["request"]
    user = request.user
    if not user.is_authenticated or not work.posted:
        return {"show": False}
    entry = ShelfEntry.objects.filter(user=user, work=work).first()
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
