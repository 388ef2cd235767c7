"""Fetch-with-permission helpers. Every route that shows or changes one work starts here."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from fanshelf.core.middleware import LoginNeeded
from fanshelf.core.prepared import Prepared, all_fields, fits_a_column, instances
from fanshelf.works.models import Chapter, Work


def _guest_lookup(shape: str, work_id: int) -> QuerySet[Any]:
    return Work.objects.visible_to(AnonymousUser()).filter(pk=work_id).values_list(*all_fields(Work))


# A guest's lookup, the first query of every guest's work page: compiled once (core/prepared.py).
_guest_work = Prepared(_guest_lookup)


def get_work_for_reading(request: HttpRequest, work_id: int, *, blurb_data: bool = True) -> Work:
    """The work if this reader may see it; guests asking for a restricted work are sent to log in and back.
    With `blurb_data=False` only the work's row is read (the caller reads its tags and credits: page_memo)."""
    if blurb_data or request.user.is_authenticated:
        readable = Work.objects.visible_to(request.user)
        work = (readable.for_blurbs() if blurb_data else readable).filter(pk=work_id).first()
    else:
        work = next(iter(instances(Work, _guest_work.rows("guest", work_id))), None) if fits_a_column(work_id) else None
    if work is not None:
        return work
    if not request.user.is_authenticated and Work.objects.listed_for_users().filter(pk=work_id).exists():
        raise LoginNeeded("This work is only for registered users. Log in to read it.")
    raise Http404("No such work.")


def get_work_for_editing(request: HttpRequest, work_id: int) -> Work:
    """The work if the requester is one of its creators; anyone else gets a 404 (no hint it exists)."""
    work = get_work_for_reading(request, work_id)
    if not work.is_created_by(request.user):
        raise Http404("No such work.")
    return work


def get_chapter_for_reading(request: HttpRequest, work: Work, chapter_id: int) -> Chapter:
    """A chapter of a readable work: posted chapters for readers, drafts too for the creators."""
    chapters = work.chapters.all() if work.is_created_by(request.user) else work.chapters.posted()
    chapter = chapters.filter(pk=chapter_id).first()
    if chapter is None:
        raise Http404("No such chapter.")
    return chapter
