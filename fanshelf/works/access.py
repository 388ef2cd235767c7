"""Fetch-with-permission helpers. Every route that shows or changes one work starts here."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import IntegerField, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404, HttpRequest

from fanshelf.accounts.models import User, is_moderator
from fanshelf.core.middleware import LoginNeeded
from fanshelf.core.prepared import Prepared, all_fields, fits_a_column, instances
from fanshelf.works import page_memo
from fanshelf.works.blurb_data import BLURB_COLUMNS, attach_read, blurb_columns
from fanshelf.works.models import Chapter, Work


def _lookup(shape: tuple[str, bool], work_id: int, *reader_id: int) -> QuerySet[Any]:
    """The work's row if this reader may open it, by `visible_to`: a guest's (no reader id), a signed-in
    reader's or a moderator's (the reader's id: their own works, drafts too); with what its page shows besides
    (works/blurb_data.py) after its fields, then the work's probe (works/page_memo.py) when the shape asks for it."""
    who, probed = shape
    reader: User | AnonymousUser = AnonymousUser()
    if reader_id:
        reader = User(pk=reader_id[0], is_active=True, is_staff=who == "moderator")
    readable = Work.objects.visible_to(reader).filter(pk=work_id).annotate(**blurb_columns())
    if not probed:
        return readable.values_list(*all_fields(Work), *BLURB_COLUMNS)
    probe = {
        # The probe's own text: the code's table names and words, the id bound.
        f"probe_{number}": RawSQL(sql, [work_id] * sql.count("%s"), output_field=IntegerField())  # noqa: S611
        for number, sql in enumerate(page_memo.PROBE_COLUMNS)
    }
    return readable.annotate(**probe).values_list(*all_fields(Work), *BLURB_COLUMNS, *probe)


def _listed_lookup(shape: str, work_id: int) -> QuerySet[Any]:
    reader = AnonymousUser() if shape == "guest" else User(is_active=True)
    return Work.objects.listed_for(reader).filter(pk=work_id).values_list("pk")


# The first query of every work page, kudos, comment and download, and whether a signed-in reader's work page is
# listed for them: compiled once per shape (core/prepared.py).
_readable_work, _listed_work = Prepared(_lookup), Prepared(_listed_lookup)


def is_listed_for(user: User | AnonymousUser, work_id: int) -> bool:
    """Whether the work appears in this user's listings and counts (`WorkQuerySet.listed_for`)."""
    shape = "member" if user.is_authenticated else "guest"
    return fits_a_column(work_id) and bool(_listed_work.rows(shape, work_id))


def get_work_for_reading(request: HttpRequest, work_id: int) -> Work:
    """The work if this reader may see it, with its tags, credits and gifts; guests asking for a restricted work
    are sent to log in and back."""
    return _work_of(_readable_row(request, work_id, probed=False))


def read_with_probe(request: HttpRequest, work_id: int) -> tuple[Work, page_memo.Probe]:
    """The work as `get_work_for_reading` gives it and its probe, in one statement (one round trip on
    PostgreSQL): read together, the version is never older than the row, its tags or its credits."""
    row = _readable_row(request, work_id, probed=True)
    return _work_of(row), page_memo.probe_of(row[len(all_fields(Work)) + len(BLURB_COLUMNS) :])


def _work_of(row: tuple[Any, ...]) -> Work:
    fields = len(all_fields(Work))
    work = instances(Work, [row[:fields]])[0]
    attach_read([work], [row[fields : fields + len(BLURB_COLUMNS)]])
    return work


def _readable_row(request: HttpRequest, work_id: int, *, probed: bool) -> tuple[Any, ...]:
    user = request.user
    if not fits_a_column(work_id):
        rows = []
    elif user.is_authenticated:
        rows = _readable_work.rows(("moderator" if is_moderator(user) else "reader", probed), work_id, user.pk)
    else:
        rows = _readable_work.rows(("guest", probed), work_id)
    if rows:
        return rows[0]
    if not user.is_authenticated and Work.objects.listed_for_users().filter(pk=work_id).exists():
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
