"""The work page: adult gate, hit counting and which chapters to show, shared by every reading view."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, QuerySet
from django.dispatch import Signal
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from fanshelf.accounts.models import User
from fanshelf.core import guest_frame, switches
from fanshelf.core.prepared import Prepared, all_fields, attach, instances
from fanshelf.core.visitors import visitor_key
from fanshelf.tags.models import TagType
from fanshelf.works import page_memo
from fanshelf.works.access import is_listed_for
from fanshelf.works.guest_page import guest_page
from fanshelf.works.hits import record_hit
from fanshelf.works.models import Chapter, Work
from fanshelf.works.related import children_for_display, parents_for_display
from fanshelf.works.series import series_places

ADULT_SESSION_KEY = "adult_ok"
logger = logging.getLogger(__name__)
# Sent with work, chapter (None for the entire work) and user after a signed-in reader's page has gone out;
# the reading app records history from it (works may not import reading).
work_viewed = Signal()


def needs_adult_gate(request: HttpRequest, work: Work) -> bool:
    if not work.is_adult or work.is_created_by(request.user):
        return False
    if request.user.is_authenticated and request.user.skip_adult_gate:
        return False
    return not request.session.get(ADULT_SESSION_KEY, False)


def render_work_page(
    request: HttpRequest,
    work: Work,
    chapter: Chapter | None,
    entire: bool,
    preview: bool = False,
    probe: page_memo.Probe | None = None,
) -> HttpResponse:
    """Render one chapter (the first when none is named) or the entire work. The body comes from the memo
    (works/page_memo.py) when the caller read the work's `probe` before the work and the reader is not one of its
    creators or a moderator; the gate, the frame, the stats and the hit are decided for every request."""
    if not preview and needs_adult_gate(request, work):
        return render(request, "works/adult_gate.html", {"work": work}, status=200)
    if probe is not None and page_memo.serves(request, work, preview):
        surroundings = _surroundings(request, work, preview, in_series=probe.in_series, related=probe.related)
        body = page_memo.shared_body(
            request,
            work,
            chapter,
            entire,
            (probe.version, surroundings),
            lambda: _page_context(request, work, chapter, entire, preview, surroundings, audio=probe.audio),
        )
        if guest_frame.fits(request):
            page = guest_page(request, work, body, probe)
        else:
            context: dict[str, Any] = {
                **probe.frame_context(),
                "work": work,
                "memoised": body,
                "page_title": body.page_title,
                "chapter": body.chapter,
                "chapters": body.chapters,
                "is_creator": False,
                "preview": False,
            }
            page = render_to_string("works/work_page.html", context, request)
    else:
        known = probe if probe is not None else page_memo.probe(work.pk)  # one statement: most works have neither
        surroundings = _surroundings(request, work, preview, in_series=known.in_series, related=known.related)
        context = _page_context(request, work, chapter, entire, preview, surroundings, audio=known.audio)
        context.update(known.frame_context())
        page = render_to_string("works/work_page.html", context, request)
    if preview or not work.posted:
        return HttpResponse(page)
    viewer = request.user if request.user.is_authenticated else None
    return PageThenHit(page, work, visitor_key(request), viewer, None if entire else chapter)


def _surroundings(request: HttpRequest, work: Work, preview: bool, *, in_series: bool, related: bool) -> dict[str, Any]:
    """What the page shows of other works and of the site: read for every request, memo or not, since their
    changes do not name this work in its outbox (a series retitled, a neighbour hidden, downloads switched off).
    The work's probe (page_memo.probe) says whether it is in a series and whether it cites or is cited by any work;
    when not, as for most works, those are not read, for guests and signed-in readers alike."""
    user = request.user
    # The download view's own rule (downloads.access), so the links show exactly when they would work. A guest
    # may open exactly the works listed for guests, so for them it is decided already.
    listed = not user.is_authenticated or is_listed_for(user, work.pk)
    return {
        "downloadable": not preview and switches.current().downloads and listed,
        "parents": parents_for_display(work, user) if related else [],
        "series_places": series_places(work, user) if in_series else [],
        "children": children_for_display(work, user) if related else [],
    }


def _page_context(
    request: HttpRequest,
    work: Work,
    chapter: Chapter | None,
    entire: bool,
    preview: bool,
    surroundings: dict[str, Any],
    *,
    audio: bool,
) -> dict[str, Any]:
    """`audio`: whether the work may have audio files (the probe's word); when not, none is read."""
    is_creator = work.is_created_by(request.user)
    if is_creator:
        chapters = list(work.chapters.all().prefetch_related("audio_files"))
    else:
        chapters = posted_chapters(work, audio=audio)
    if chapter in chapters:  # the copy read with the others, as new as they are
        chapter = chapters[chapters.index(chapter)]
    if chapter is None and not entire:
        chapter = chapters[0] if chapters else None
    shown = chapters if entire or chapter is None else [chapter]
    index = chapters.index(chapter) if chapter is not None and chapter in chapters else 0
    return {
        "work": work,
        "chapters": chapters,
        "shown_chapters": shown,
        "chapter": None if entire else chapter,
        "previous_chapter": chapters[index - 1] if not entire and index > 0 else None,
        "next_chapter": chapters[index + 1] if not entire and index + 1 < len(chapters) else None,
        "is_last": entire or index == len(chapters) - 1,
        "is_creator": is_creator,
        "preview": preview,
        "page_title": page_title(work, None if entire else chapter, request.user),
        **surroundings,
    }


def _posted_of(shape: str, work_id: int) -> QuerySet[Any]:
    return Chapter.objects.filter(work_id=work_id).posted().values_list(*all_fields(Chapter))


def _audio_model() -> type[Model]:
    """The audio app's file model, reached through the relation: works may not import audio."""
    model: type[Model] = Chapter._meta.get_field("audio_files").related_model
    return model


def _posted_audio_of(shape: str, work_id: int) -> QuerySet[Any]:
    files = _audio_model()._default_manager.filter(chapter__work_id=work_id, chapter__posted=True)
    return files.values_list(*all_fields(_audio_model()))


# Every reader's page but a creator's reads these (core/prepared.py: compiled once).
_posted_chapters, _posted_audio = Prepared(_posted_of), Prepared(_posted_audio_of)


def posted_chapters(work: Work, audio: bool = True) -> list[Chapter]:
    """The work's posted chapters in order, each with its audio files where `prefetch_related("audio_files")`
    leaves them: two statements, as the prefetch asks, without building them for every page; one when the caller
    knows the work has no audio (`audio=False`)."""
    chapters = instances(Chapter, _posted_chapters.rows("chapters", work.pk))
    files: dict[int, list[Model]] = defaultdict(list)
    for file in instances(_audio_model(), _posted_audio.rows("audio", work.pk)) if audio else []:
        files[file.chapter_id].append(file)  # type: ignore[attr-defined]
    for chapter in chapters:
        attach(chapter, "audio_files", files[chapter.pk])
    return chapters


def page_title(work: Work, chapter: Chapter | None, viewer: User | AnonymousUser) -> str:
    """ "Title - Chapter 2 - creators - fandoms", as AO3 titles its pages (the site's name is added after)."""
    creators = ", ".join(p.name for p in work.creator_pseuds) if work.shows_creators_to(viewer) else "Anonymous"
    fandoms = ", ".join(tag.name for tag in work.tags_by_type.get(TagType.FANDOM, []))
    return " - ".join([work.title, *([chapter.heading] if chapter is not None else []), creators, fandoms])


def _hit_and_tell(work: Work, visitor: str, viewer: User | None, chapter: Chapter | None) -> None:
    record_hit(work, visitor, viewer)
    if viewer is not None:
        work_viewed.send(sender=Work, work=work, chapter=chapter, user=viewer)


class PageThenHit(HttpResponse):
    """A work page that counts its hit once it has gone out, so a reader never waits on another writer.

    WSGI servers call close() after sending the body, and Django's test client calls it too. A hit that cannot be
    written (the lock stayed taken, see actions.record_hit) is only logged: the reader already has the page.
    """

    def __init__(
        self, content: str, work: Work, visitor: str, viewer: User | None, chapter: Chapter | None = None
    ) -> None:
        super().__init__(content)
        self._count_hit: Callable[[], object] | None = lambda: _hit_and_tell(work, visitor, viewer, chapter)

    def close(self) -> None:
        count_hit, self._count_hit = self._count_hit, None
        try:
            if count_hit is not None:
                count_hit()
        except Exception:  # whatever went wrong, it must not reach a reader who already has the page
            logger.warning("A hit was not counted", exc_info=True)
        finally:
            super().close()  # last: it ends the request, closing the database connection
