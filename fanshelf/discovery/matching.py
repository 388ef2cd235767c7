"""Which works match a query's filters, as a set rather than a sorted page: for pages that list something other
than works but filter by the works they point at (bookmark listings filter on the bookmarked works' tags).

The answer is the works listing's own: the same tag resolution (a synonym stands for its canonical, a metatag
holds its subtags' works), the same visibility for the viewer (`DiscoveryIndex.base_for`, which mirrors
`WorkQuerySet.listed_for`), the same bitmaps and ranges, read from an index with every committed change applied.
It reuses search.py's filtering steps rather than running `execute`, which would sort every match to cut one
page. Items that are not works on this archive (external works) carry raw tags of their own; `items_matching`
tells which of them a query's tag filters keep, with the index's tag closure, so both agree. Groups of works
(series) carry the tags of their works: `groups_matching` answers for them from the same bitmaps, counting only
the works this viewer may see listed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from pyroaring import BitMap

from fanshelf.discovery.columns import bitmap_of
from fanshelf.discovery.live import ensure_fresh
from fanshelf.discovery.query import QueryError, WorkQuery
from fanshelf.discovery.search import _filter, _resolve, _within_ranges

if TYPE_CHECKING:
    from fanshelf.works.models import Viewer


def _tags_only(query: WorkQuery) -> WorkQuery:
    """The query's tag conditions only: what an item outside the index (which has tags and nothing else) can meet."""
    return WorkQuery(
        include=query.include,
        exclude=query.exclude,
        ratings=query.ratings,
        warnings=query.warnings,
        categories=query.categories,
    )


def matching_works(query: WorkQuery, viewer: Viewer, among: Iterable[int] | None = None) -> BitMap:
    """Ids of the works the works listing would give this viewer for `query`'s filters (tags, ratings, warnings,
    categories, completion, ranges, language, crossover; text and shelves are not used here), optionally only
    those among `among`. A tag name that names no tag matches nothing."""
    query = replace(query, q="", phrases=(), excluded_phrases=(), shelf="", hide_shelves=(), pseud_ids=())
    index = ensure_fresh()
    try:
        resolved = _resolve(query, index)
    except QueryError:
        return BitMap()
    with index.lock.reading():
        matches = _filter(query, index, resolved, bool(viewer.is_authenticated), None, [])
        matches = matches & bitmap_of(among) if among is not None else BitMap(matches)  # never the index's own
        return _within_ranges(query, index, matches)[0]


def items_matching(query: WorkQuery, tags_by_item: Mapping[int, Iterable[int]]) -> set[int]:
    """The items (e.g. external works, by id, with their raw tag ids) that `query`'s tag filters keep: every
    included tag and every chosen warning and category among their filter ids, one of the chosen ratings, and no
    excluded tag. Filter ids come from the index's tag graph, as a work's do, so a synonym counts under its
    canonical and a subtag under its metatags."""
    tags_query = _tags_only(query)
    index = ensure_fresh()
    try:
        resolved = _resolve(tags_query, index)
    except QueryError:
        return set()
    required = {*resolved.include, *resolved.all_of}
    ratings, excluded = set(resolved.ratings), set(resolved.exclude)
    kept: set[int] = set()
    with index.lock.reading():
        graph = index.graph
        for item, tag_ids in tags_by_item.items():
            filed = {filter_id for tag_id in tag_ids for filter_id in graph.filter_ids(tag_id)}
            if required <= filed and not excluded & filed and (not ratings or ratings & filed):
                kept.add(item)
    return kept


def groups_matching(query: WorkQuery, viewer: Viewer, works_by_group: Mapping[int, Iterable[int]]) -> set[int]:
    """The groups of works (e.g. series, by id, with their work ids) that `query`'s tag filters keep, a group
    carrying every tag of its works that this viewer may see listed (as AO3 files a series under its works' tags):
    each included tag, chosen warning and category on one of them, one of the chosen ratings on one of them, no
    excluded tag on any. Works the viewer may not see count for nothing, so a guest never learns a restricted
    work's tags through its series."""
    tags_query = _tags_only(query)
    index = ensure_fresh()
    try:
        resolved = _resolve(tags_query, index)
    except QueryError:
        return set()
    empty = BitMap()
    kept: set[int] = set()
    with index.lock.reading():
        seen = index.base_for(bool(viewer.is_authenticated))
        required = [index.tag_bitmaps.get(t, empty) for t in (*resolved.include, *resolved.all_of)]
        if resolved.ratings:
            required.append(BitMap.union(*[index.tag_bitmaps.get(t, empty) for t in resolved.ratings]))
        excluded = [index.tag_bitmaps.get(t, empty) for t in resolved.exclude]
        for group, work_ids in works_by_group.items():
            works = bitmap_of(work_ids) & seen
            carries_all = all(works.intersect(bitmap) for bitmap in required)
            if works and carries_all and not any(works.intersect(bitmap) for bitmap in excluded):
                kept.add(group)
    return kept
