"""A straightforward reference for the discovery engine: plain Python over ORM objects, no bitmaps.

It reads visibility through `Work.objects.listed_for`, the one place visibility is decided, so the engine is checked
against the rule itself rather than a copy of it.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fanshelf.discovery.columns import sort_key
from fanshelf.discovery.query import RANGE_FIELDS, Range, WorkQuery
from fanshelf.tags.models import Tag
from fanshelf.works.models import Work

FIXED = {"rating", "warning", "category"}

if TYPE_CHECKING:
    from fanshelf.works.models import Viewer


@dataclass
class Expected:
    total: int
    work_ids: list[int]
    facets: dict[str, list[tuple[int, int]]]


def _filter_tags(work: Work) -> list[Tag]:
    return list({tag.filterable.pk: tag.filterable for tag in work.tags.all()}.values())


def _in_range(value: int, bounds: Range) -> bool:
    return (bounds.low is None or value >= bounds.low) and (bounds.high is None or value <= bounds.high)


def _sort_value(work: Work, sort: str) -> Any:
    if sort == "title":
        return sort_key(work.title)
    if sort == "creator":
        first = min(work.creatorships.all(), key=lambda c: (c.position, c.pk), default=None)
        return sort_key("Anonymous" if work.anonymous else first.pseud.name if first else "")
    return {
        "posted": work.published_on,
        "updated": work.revised_at,
        "words": work.word_count,
        "kudos": work.kudos_count,
        "hits": work.hit_count,
        "comments": work.comment_count,
        "bookmarks": work.bookmark_count,
    }[sort]


def _matches(work: Work, query: WorkQuery) -> bool:
    tags = _filter_tags(work)
    names = {tag.name.lower() for tag in tags}
    fandoms = {tag.pk for tag in tags if tag.type == "fandom"}
    relationships = {tag.pk for tag in tags if tag.type == "relationship"}
    checks = [
        all(name.lower() in names for name in (*query.include, *query.warnings, *query.categories)),
        not any(name.lower() in names for name in query.exclude),
        not query.ratings or any(name.lower() in names for name in query.ratings),
        query.crossover == "include" or (len(fandoms) > 1) == (query.crossover == "only"),
        query.complete is None or work.is_complete == query.complete,
        not query.single_chapter or work.expected_chapters == 1,
        query.otp is None or (len(relationships) == 1) == query.otp,
        not query.language or work.language == query.language,
        all(_in_range(_range_value(work, name), getattr(query, name)) for name in RANGE_FIELDS),
        _in_dates(work.published_on, query.posted.start, query.posted.end),
        _in_dates(work.revised_at.date() if work.revised_at else None, query.updated.start, query.updated.end),
    ]
    return all(checks)


def _range_value(work: Work, name: str) -> int:
    """What a range filter compares: a stored count, or the podfic length in whole minutes."""
    return work.audio_seconds // 60 if name == "audio" else int(getattr(work, _COUNT_FIELDS[name]))


_COUNT_FIELDS = {
    "words": "word_count",
    "kudos": "kudos_count",
    "hits": "hit_count",
    "comments": "comment_count",
    "bookmarks": "bookmark_count",
}


def _in_dates(day: datetime.date | None, start: datetime.date | None, end: datetime.date | None) -> bool:
    if day is None:
        return start is None and end is None
    return (start is None or day >= start) and (end is None or day <= end)


def expected(query: WorkQuery, viewer: Viewer) -> Expected:
    """What the engine must answer for a filter-only query (no text)."""
    works = [
        w
        for w in Work.objects.listed_for(viewer).prefetch_related("tags__merger", "creatorships__pseud")
        if _matches(w, query)
    ]
    sort = query.effective_sort
    ordered = sorted(works, key=lambda w: (_sort_value(w, sort), w.pk), reverse=query.descending)
    begin = (query.page - 1) * query.per_page
    counts: dict[str, Counter[int]] = {}
    for work in works:
        for tag in _filter_tags(work):
            if tag.canonical:
                counts.setdefault(tag.type, Counter())[tag.pk] += 1
    facets = {
        tag_type: sorted(counter.items(), key=lambda pair: (-pair[1], pair[0]))[:10]
        for tag_type, counter in counts.items()
    }
    return Expected(total=len(works), work_ids=[w.pk for w in ordered[begin : begin + query.per_page]], facets=facets)
