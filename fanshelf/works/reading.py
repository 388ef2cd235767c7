"""The work page: adult gate, hit counting and which chapters to show, shared by every reading view."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fanshelf.core.visitors import visitor_key
from fanshelf.works.actions import record_hit
from fanshelf.works.models import Chapter, Work
from fanshelf.works.related import children_for_display, parents_for_display
from fanshelf.works.series import series_places

ADULT_SESSION_KEY = "adult_ok"


def needs_adult_gate(request: HttpRequest, work: Work) -> bool:
    if not work.is_adult or work.is_created_by(request.user):
        return False
    if request.user.is_authenticated and request.user.skip_adult_gate:
        return False
    return not request.session.get(ADULT_SESSION_KEY, False)


def render_work_page(
    request: HttpRequest, work: Work, chapter: Chapter | None, entire: bool, preview: bool = False
) -> HttpResponse:
    """Render one chapter (the first when none is named) or the entire work."""
    if not preview and needs_adult_gate(request, work):
        return render(request, "works/adult_gate.html", {"work": work}, status=200)
    is_creator = work.is_created_by(request.user)
    readable = work.chapters.all() if is_creator else work.chapters.posted()
    chapters = list(readable.prefetch_related("audio_files"))
    if chapter is None and not entire:
        chapter = chapters[0] if chapters else None
    shown = chapters if entire or chapter is None else [chapter]
    index = chapters.index(chapter) if chapter is not None and chapter in chapters else 0
    if not preview and work.posted:
        record_hit(work, visitor_key(request), request.user if request.user.is_authenticated else None)
    context = {
        "work": work,
        "chapters": chapters,
        "shown_chapters": shown,
        "chapter": None if entire else chapter,
        "previous_chapter": chapters[index - 1] if not entire and index > 0 else None,
        "next_chapter": chapters[index + 1] if not entire and index + 1 < len(chapters) else None,
        "is_last": entire or index == len(chapters) - 1,
        "is_creator": is_creator,
        "preview": preview,
        "parents": parents_for_display(work, request.user),
        "series_places": series_places(work, request.user),
        "children": children_for_display(work, request.user),
        "kudos_givers": work.kudos.select_related("user").order_by("created_at")[:50],
    }
    return render(request, "works/work_page.html", context)
