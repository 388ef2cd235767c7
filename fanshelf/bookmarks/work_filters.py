"""Bookmark listings' filters on the bookmarked works: included and excluded tags, rating, completion and word
count, with the meanings the works listings give them.

Bookmarks may not import discovery, so these are answered by SQL: a tag stands for its listing (tags.graph
.filed_under: its synonyms and subtags too), and every condition is one subquery on the bookmark rows, so a page
costs the same number of queries however many bookmarks it shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import F, Q
from django.db.models.functions import Lower

from fanshelf.bookmarks.models import ExternalWork
from fanshelf.tags.graph import filed_under
from fanshelf.tags.models import Tag, TagType
from fanshelf.works.models import Work

# Each included tag costs a few queries (its closure); readers filter by a handful, a script should not by hundreds.
MAX_TAGS = 10


@dataclass(frozen=True)
class WorkFilters:
    """What the reader asked of the bookmarked works; empty means "any"."""

    include: Sequence[frozenset[int]] = ()  # one closure per included tag: a work must be under each
    exclude: frozenset[int] = frozenset()  # the union of the excluded tags' closures: a work under none
    ratings: Sequence[str] = ()
    complete: bool | None = None
    words_from: int | None = None
    words_to: int | None = None

    @property
    def works_only(self) -> bool:
        """Completion and length are known for works on this archive only: series and external works drop out."""
        return self.complete is not None or self.words_from is not None or self.words_to is not None

    @property
    def any(self) -> bool:
        return bool(self.include or self.exclude or self.ratings or self.works_only)


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


def closures(tags: Sequence[Tag]) -> list[frozenset[int]]:
    return [frozenset(filed_under({tag.pk})) for tag in tags]


def work_condition(filters: WorkFilters) -> Q:
    """A condition on bookmarks: the bookmarked work (or external work, for tags and ratings) matches."""
    works = Work.objects.all()
    externals = None if filters.works_only else ExternalWork.objects.all()
    for closure in filters.include:
        works = works.filter(pk__in=Work.objects.filter(tags__in=closure).values("pk"))
        if externals is not None:
            externals = externals.filter(pk__in=ExternalWork.objects.filter(tags__in=closure).values("pk"))
    if filters.exclude:
        works = works.exclude(pk__in=Work.objects.filter(tags__in=filters.exclude).values("pk"))
        if externals is not None:
            externals = externals.exclude(pk__in=ExternalWork.objects.filter(tags__in=filters.exclude).values("pk"))
    if filters.ratings:
        rated = Q(tags__type=TagType.RATING, tags__name__in=list(filters.ratings))
        works = works.filter(pk__in=Work.objects.filter(rated).values("pk"))
        if externals is not None:
            externals = externals.filter(pk__in=ExternalWork.objects.filter(rated).values("pk"))
    if filters.complete is not None:
        done = Q(expected_chapters__isnull=False, posted_chapter_count__gte=F("expected_chapters"))
        works = works.filter(done) if filters.complete else works.exclude(done)
    if filters.words_from is not None:
        works = works.filter(word_count__gte=filters.words_from)
    if filters.words_to is not None:
        works = works.filter(word_count__lte=filters.words_to)
    condition = Q(work__in=works.values("pk"))
    if externals is not None:
        condition |= Q(external__in=externals.values("pk"))
    return condition
