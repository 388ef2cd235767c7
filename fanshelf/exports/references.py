"""How an export names things that are not the person's own: a work, a series, another account.

A record in someone's export may point at another person's work (a bookmark, kudos, a comment's work). It names
that work only as far as the person may see it today: `Work.objects.visible_to` decides, and an anonymous work's
creators stay "Anonymous" (`Work.shows_creators_to`), exactly as on the site. A work they may no longer see (made a
draft, hidden, unrevealed, deleted) is named by nothing but the fact that it is gone.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from django.db.models import Model, Prefetch, QuerySet
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.core.site_url import absolute_url
from fanshelf.works.models import Creatorship, Series, Work

Record = dict[str, Any]
ANONYMOUS = "Anonymous"
GONE: Record = {"available": False}
CHUNK = 500  # rows fetched (and checked for visibility) at a time: memory stays flat however many there are
M = TypeVar("M", bound=Model)


def when(moment: datetime.datetime | datetime.date | None) -> str | None:
    """ISO 8601, or None: datetimes keep their UTC offset."""
    return moment.isoformat() if moment is not None else None


def in_chunks(rows: QuerySet[M]) -> Iterator[list[M]]:
    """The rows in primary-key order, CHUNK at a time, each chunk one query (plus its prefetches)."""
    last = 0
    while True:
        chunk = list(rows.filter(pk__gt=last).order_by("pk")[:CHUNK])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


def works_for_refs(ids: Iterable[int | None], viewer: User) -> dict[int, Work]:
    """The works among `ids` that `viewer` may open now, with what a reference shows, in one query."""
    wanted = {pk for pk in ids if pk is not None}
    if not wanted:
        return {}
    creatorships = Prefetch("creatorships", queryset=Creatorship.objects.select_related("pseud__user"))
    works = Work.objects.visible_to(viewer).filter(pk__in=wanted).prefetch_related(creatorships)
    return {work.pk: work for work in works}


def creator_names(work: Work, viewer: User) -> list[str]:
    if not work.shows_creators_to(viewer):
        return [ANONYMOUS]
    return [str(pseud) for pseud in work.creator_pseuds] or [ANONYMOUS]


def work_ref(work_id: int | None, shown: dict[int, Work], viewer: User) -> Record | None:
    """A work as the viewer may know it: None when there is no work, GONE when they may no longer see it."""
    if work_id is None:
        return None
    work = shown.get(work_id)
    if work is None:
        return dict(GONE)
    return {
        "id": work.pk,
        "title": work.title,
        "creators": creator_names(work, viewer),
        "url": absolute_url(work.get_absolute_url()),
        "available": True,
    }


def series_ref(series: Series | None, viewer: User) -> Record | None:
    """A series, named when the viewer made it or may see one of its works (as the series page decides)."""
    if series is None:
        return None
    if not (series.is_created_by(viewer) or series.works_visible_to(viewer).exists()):
        return dict(GONE)
    return {
        "id": series.pk,
        "title": series.title,
        "url": absolute_url(series.get_absolute_url()),
        "available": True,
    }


def user_ref(user: User | None) -> Record | None:
    """Another account by its public name."""
    if user is None:
        return None
    return {"username": user.username, "url": absolute_url(reverse("accounts:dashboard", args=[user.username]))}
