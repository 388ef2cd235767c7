"""Bookmark listings' filters on the bookmarked works: included and excluded tags, rating, completion and word
count, answered by the discovery engine, so they mean exactly what the works listings make of them (a synonym
stands for its canonical, a metatag holds its subtags' works, restricted works are no match for guests).

This module is the one place in bookmarks allowed to import discovery (tests/test_layering.py, EXCEPTIONS). The
engine gives the set of matching work ids for the viewer (`discovery.matching.matching_works`), intersected with
the listing's own bookmarked works when that set is large; external works, which are not in the index, are kept
or dropped by their own tags through the index's tag closure (`discovery.matching.items_matching`); series carry
the tags of their works the viewer may see (`discovery.matching.groups_matching`). Completion and word count are
known for works only. A page costs the same number of queries however many bookmarks it shows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connections
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower

from fanshelf.bookmarks.models import BookmarkQuerySet
from fanshelf.discovery.matching import groups_matching, items_matching, matching_works
from fanshelf.discovery.query import Range, WorkQuery
from fanshelf.tags.models import Tag

if TYPE_CHECKING:
    from fanshelf.works.models import Viewer

# Readers filter by a handful of tags, a script should not by hundreds.
MAX_TAGS = 10
# Above this many matching works, intersect them with the listing's bookmarked works (one query) before asking
# the database for the bookmarks, so the id list sent stays as short as the listing.
CANDIDATES_FIRST = 10_000
# Up to this many ids go into `IN (...)` as parameters; more go as one parameter (an array or a JSON list).
SMALL_IN = 500


@dataclass(frozen=True)
class WorkFilters:
    """What the reader asked of the bookmarked works; empty means "any". Tag names are canonical names (or the
    name a `work_tag` stands for); `unmatched` is a tag asked for that names no tag at all: nothing matches."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    ratings: tuple[str, ...] = ()
    complete: bool | None = None
    words_from: int | None = None
    words_to: int | None = None
    unmatched: bool = False

    @property
    def works_only(self) -> bool:
        """Completion and length are known for works on this archive only: series and external works drop out."""
        return self.complete is not None or self.words_from is not None or self.words_to is not None

    @property
    def any(self) -> bool:
        return bool(self.include or self.exclude or self.ratings or self.works_only or self.unmatched)

    def as_query(self) -> WorkQuery:
        """The same filters as a works listing's query (`/works/?include=...&exclude=...&rating=...`)."""
        return WorkQuery(
            include=self.include,
            exclude=self.exclude,
            ratings=self.ratings,
            complete=self.complete,
            words=Range(self.words_from, self.words_to),
        )


def resolve_tag_names(names: Sequence[str]) -> tuple[list[Tag], list[str]]:
    """The canonical tags these names stand for (a synonym stands for its canonical), and the names that name no
    canonical tag. An unwrangled tag counts as unknown: only canonical tags have listings, and saying "no such
    canonical tag" alike for both never confirms that a tag used only on hidden works exists."""
    found: list[Tag] = []
    unknown: list[str] = []
    wanted = {name.strip().lower(): name for name in names if name.strip()}
    tags = Tag.objects.annotate(lower_name=Lower("name")).filter(lower_name__in=list(wanted))
    by_name = {tag.name.lower(): tag for tag in tags.select_related("merger")} if wanted else {}  # one query
    for lower, name in wanted.items():
        tag = by_name.get(lower)
        target = tag.filterable if tag is not None else None
        if target is None or not target.canonical:
            unknown.append(name)
        elif target.pk not in {t.pk for t in found}:
            found.append(target)
    return found, unknown


def filterable_name(name: str) -> str | None:
    """The name of the tag whose listing holds works tagged `name` (its canonical for a synonym), or None."""
    tag = Tag.objects.named(name).select_related("merger").first()
    return tag.filterable.name if tag is not None else None


def _ids_in(ids: list[int], using: str) -> list[int] | RawSQL:
    """The right side of `field__in` for these ids: parameters for a few, one array or JSON parameter for many
    (SQLite caps the number of parameters a statement may have)."""
    if len(ids) <= SMALL_IN:
        return ids
    if connections[using].vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (ids,))
    return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(ids),))


def apply_work_filters(bookmarks: BookmarkQuerySet, filters: WorkFilters, viewer: Viewer) -> BookmarkQuerySet:
    """The bookmarks whose work (or external work, for tags and ratings) matches `filters` for this viewer."""
    if not filters.any:
        return bookmarks
    if filters.unmatched:
        return bookmarks.none()
    query = filters.as_query()
    works = matching_works(query, viewer)
    if len(works) > CANDIDATES_FIRST:
        bookmarked = bookmarks.filter(work__isnull=False).order_by().values_list("work_id", flat=True).distinct()
        work_ids = sorted(pk for pk in bookmarked if pk in works)
    else:
        work_ids = list(works)
    condition = Q(work_id__in=_ids_in(work_ids, bookmarks.db))
    if not filters.works_only:
        tags_by_item: dict[int, set[int]] = {}
        pairs = bookmarks.filter(external__isnull=False).order_by().values_list("external_id", "external__tags")
        for external_id, tag_id in pairs:
            tags_by_item.setdefault(external_id, set()).update([tag_id] if tag_id is not None else [])
        externals = sorted(items_matching(query, tags_by_item))
        condition |= Q(external_id__in=_ids_in(externals, bookmarks.db))
        works_by_series: dict[int, list[int]] = {}
        entries = bookmarks.filter(series__isnull=False).order_by().values_list("series_id", "series__entries__work")
        for series_id, work_id in entries:
            works_by_series.setdefault(series_id, []).extend([work_id] if work_id is not None else [])
        series = sorted(groups_matching(query, viewer, works_by_series))
        condition |= Q(series_id__in=_ids_in(series, bookmarks.db))
    return bookmarks.filter(condition)
