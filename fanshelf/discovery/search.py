"""Running a WorkQuery against the index: exact totals, one sorted page, top-10 facet counts per tag type."""

from __future__ import annotations

import datetime
import heapq
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from pyroaring import BitMap

from fanshelf.discovery import text
from fanshelf.discovery.closure import FACET_TYPES, TYPE_CODES
from fanshelf.discovery.columns import IdArray, bitmap_of, ids_of
from fanshelf.discovery.index import DiscoveryIndex
from fanshelf.discovery.loader import micros
from fanshelf.discovery.query import RANGE_FIELDS, DateRange, QueryError, Range, WorkQuery
from fanshelf.tags.models import Tag

if TYPE_CHECKING:
    from fanshelf.works.models import Viewer

FACET_LIMIT = 10
# Below this many results, facets are counted through the work -> tags column; above, by walking candidate tags.
SMALL_RESULT = 30_000
_DAY = 86_400 * 1_000_000


@dataclass(frozen=True)
class FacetCount:
    tag_id: int
    name: str
    count: int


@dataclass
class SearchResult:
    """One page of a query's results: work ids in order, the exact total, and facet counts over all results."""

    query: WorkQuery
    total: int
    work_ids: list[int]
    facets: dict[str, list[FacetCount]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


@dataclass
class _Resolved:
    include: list[int]
    exclude: list[int]
    ratings: list[int]
    all_of: list[int]


def execute(query: WorkQuery, viewer: Viewer, index: DiscoveryIndex | None = None, facets: bool = True) -> SearchResult:
    """Run the query for this viewer. Visibility mirrors `WorkQuerySet.listed_for`."""
    if index is None:
        from fanshelf.discovery.live import current_index

        index = current_index()
    resolved = _resolve(query, index)
    hits = text.search(query.phrases) if query.phrases else None
    excluded = [text.search([phrase]).ids for phrase in query.excluded_phrases]
    with index.lock.reading():
        matches = _filter(query, index, resolved, bool(viewer.is_authenticated), hits, excluded)
        ids = ids_of(matches)
        ids = _apply_ranges(query, index, ids)
        if len(ids) != len(matches):
            matches = bitmap_of(ids)
        page = _page(query, index, ids, hits)
        counts = _facets(index, matches, ids) if facets else {}
    return SearchResult(query=query, total=len(ids), work_ids=page, facets=_name_facets(index, counts))


def _resolve(query: WorkQuery, index: DiscoveryIndex) -> _Resolved:
    names = {*query.include, *query.exclude, *query.ratings, *query.warnings, *query.categories}
    found = index.tag_ids_by_name
    missing = [n for n in names if n.lower() not in found]
    if missing:
        for pk, name in Tag.objects.filter(name__in=missing).values_list("pk", "name"):
            found[name.lower()] = pk
        # Names in a WorkQuery are exact; fall back to a case-insensitive lookup before giving up.
        for name in [n for n in missing if n.lower() not in found]:
            tag = Tag.objects.named(name).first()
            if tag is None:
                raise QueryError(f"There is no tag named “{name}”.")
            found[name.lower()] = tag.pk

    def filter_id(name: str) -> int:
        return index.graph.filter_ids(found[name.lower()])[0]

    return _Resolved(
        include=[filter_id(n) for n in query.include],
        exclude=[filter_id(n) for n in query.exclude],
        ratings=[filter_id(n) for n in query.ratings],
        all_of=[filter_id(n) for n in (*query.warnings, *query.categories)],
    )


def _filter(
    query: WorkQuery,
    index: DiscoveryIndex,
    resolved: _Resolved,
    authenticated: bool,
    hits: text.TextHits | None,
    excluded: list[IdArray],
) -> BitMap:
    empty = BitMap()
    required = [index.tag_bitmaps.get(t, empty) for t in (*resolved.include, *resolved.all_of)]
    if resolved.ratings:
        required.append(BitMap.union(*[index.tag_bitmaps.get(t, empty) for t in resolved.ratings]))
    if query.crossover == "only":
        required.append(index.crossover)
    if query.complete:
        required.append(index.complete)
    if query.single_chapter:
        required.append(index.single_chapter)
    if query.language:
        required.append(index.language_bitmaps.get(query.language, empty))
    if query.pseud_ids:
        required.append(index.pseud_bitmap(query.pseud_ids))
    if hits is not None:
        required.append(bitmap_of(hits.ids))
    required.sort(key=len)
    matches = index.base_for(authenticated)
    for bitmap in required:  # smallest first, so every step is cheap
        matches = matches & bitmap
    removed = [index.tag_bitmaps.get(t, empty) for t in resolved.exclude] + [bitmap_of(ids) for ids in excluded]
    if query.crossover == "exclude":
        removed.append(index.crossover)
    if query.complete is False:
        removed.append(index.complete)
    for bitmap in removed:
        matches = matches - bitmap
    return matches


def _date_bounds(dates: DateRange, as_micros: bool) -> tuple[int | None, int | None]:
    def convert(day: datetime.date, end: bool) -> int:
        if not as_micros:
            return day.toordinal()
        start = micros(datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC))
        return start + _DAY - 1 if end else start

    return (
        convert(dates.start, False) if dates.start else None,
        convert(dates.end, True) if dates.end else None,
    )


def _apply_ranges(query: WorkQuery, index: DiscoveryIndex, ids: IdArray) -> IdArray:
    bounds: list[tuple[str, int | None, int | None]] = []
    for name in RANGE_FIELDS:
        value: Range = getattr(query, name)
        if not value.is_open:
            bounds.append((name, value.low, value.high))
    if not query.posted.is_open:
        bounds.append(("published", *_date_bounds(query.posted, as_micros=False)))
    if not query.updated.is_open:
        bounds.append(("revised", *_date_bounds(query.updated, as_micros=True)))
    if not bounds or not len(ids):
        return ids
    keep = np.ones(len(ids), dtype=np.bool_)
    for name, low, high in bounds:
        values = index.columns[name][ids].astype(np.int64)
        if low is not None:
            keep &= values >= low
        if high is not None:
            keep &= values <= high
    return ids[keep]


def _sort_values(query: WorkQuery, index: DiscoveryIndex, ids: IdArray, hits: text.TextHits | None) -> IdArray:
    sort = query.effective_sort
    if sort == "best_match" and hits is not None:
        scores = np.zeros(len(ids), dtype=np.float64)
        order = np.argsort(hits.ids)
        where = np.searchsorted(hits.ids[order], ids)
        scores[:] = hits.scores[order][np.minimum(where, len(hits.ids) - 1)]
        return scores  # type: ignore[return-value]
    if sort == "creator":
        return index.creator_rank.values(ids)  # type: ignore[return-value]
    column = {
        "title": index.title_rank.rank, "posted": index.columns["published"],
        "updated": index.columns["revised"], "best_match": index.columns["revised"],
    }.get(sort)  # fmt: skip
    if column is None:
        column = index.columns[sort]
    return column[ids].astype(np.float64)


def _page(query: WorkQuery, index: DiscoveryIndex, ids: IdArray, hits: text.TextHits | None) -> list[int]:
    """The requested page in order (key, then work id; descending reverses both), sorting as little as needed."""
    begin = (query.page - 1) * query.per_page
    end = min(begin + query.per_page, len(ids))
    if begin >= end:
        return []
    keys = _sort_values(query, index, ids, hits)
    tiebreak = ids.astype(np.float64)
    if query.descending:
        keys, tiebreak = -keys, -tiebreak
    candidates = np.arange(len(ids))
    if end < len(ids) // 2:
        threshold = keys[np.argpartition(keys, end - 1)[end - 1]]
        candidates = np.flatnonzero(keys <= threshold)
    order = candidates[np.lexsort((tiebreak[candidates], keys[candidates]))]
    return [int(i) for i in ids[order[begin:end]]]


def _facets(index: DiscoveryIndex, matches: BitMap, ids: IdArray) -> dict[str, list[tuple[int, int]]]:
    """Top canonical tags of each type over all results, as (tag id, count), most frequent first."""
    result: dict[str, list[tuple[int, int]]] = {}
    fixed_counts: dict[int, list[tuple[int, int]]] = {}
    for tag_id in index.fixed_ids:
        bitmap = index.tag_bitmaps.get(tag_id)
        count = matches.intersection_cardinality(bitmap) if bitmap is not None else 0
        if count:
            fixed_counts.setdefault(index.graph.type_of(tag_id), []).append((tag_id, count))
    small = len(ids) <= SMALL_RESULT
    counted = _counted_tags(index, ids) if small else {}
    for type_name in FACET_TYPES:
        code = TYPE_CODES[type_name]
        if code in fixed_counts or type_name in ("rating", "warning", "category"):
            result[type_name] = _top(fixed_counts.get(code, []))
        elif small:
            result[type_name] = counted.get(code, [])
        else:
            result[type_name] = _top_by_walk(index, matches, code)
    return result


def _top(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return heapq.nsmallest(FACET_LIMIT, pairs, key=lambda pair: (-pair[1], pair[0]))


def _counted_tags(index: DiscoveryIndex, ids: IdArray) -> dict[int, list[tuple[int, int]]]:
    """Small results: count every tag of the results through the work -> tags column, then the top ten of each
    type (one bincount and one pass over the non-zero counts for all types together)."""
    gathered = index.tags.gather(ids)
    if not len(gathered):
        return {}
    counts = np.bincount(gathered)
    tags = np.flatnonzero(counts)
    codes = index.facet_code[tags[tags < len(index.facet_code)]]
    tags = tags[: len(codes)]
    top: dict[int, list[tuple[int, int]]] = {}
    for code in np.unique(codes[codes > 0]).tolist():
        chosen = tags[codes == code]
        values = counts[chosen]
        if len(chosen) > FACET_LIMIT:  # keep the top ten and everything tied with the tenth, then order exactly
            tenth = np.partition(values, len(values) - FACET_LIMIT)[len(values) - FACET_LIMIT]
            keep = values >= tenth
            chosen, values = chosen[keep], values[keep]
        top[code] = _top(list(zip(chosen.tolist(), values.tolist(), strict=True)))
    return top


def _top_by_walk(index: DiscoveryIndex, matches: BitMap, code: int) -> list[tuple[int, int]]:
    """Walk tags most popular first; stop once no remaining tag's total can beat the tenth count so far."""
    popularity = index.popularity_of(code)
    best: list[tuple[int, int]] = []
    for tag_id in popularity.touched:
        bitmap = index.tag_bitmaps.get(tag_id)
        if bitmap is not None and index.graph.is_canonical(tag_id):
            count = matches.intersection_cardinality(bitmap)
            if count:
                best.append((tag_id, count))
    best = _top(best)
    for tag_id, total in zip(popularity.ids.tolist(), popularity.counts.tolist(), strict=True):
        if len(best) == FACET_LIMIT and total < best[-1][1]:
            break
        if tag_id in popularity.touched:
            continue
        count = matches.intersection_cardinality(index.tag_bitmaps[tag_id])
        if count and (len(best) < FACET_LIMIT or (-count, tag_id) < (-best[-1][1], best[-1][0])):
            best = _top([*best, (tag_id, count)])
    return best


def _name_facets(index: DiscoveryIndex, counts: dict[str, list[tuple[int, int]]]) -> dict[str, list[FacetCount]]:
    names = index.tag_names
    missing = {tag_id for pairs in counts.values() for tag_id, _ in pairs} - names.keys()
    if missing:
        names.update(Tag.objects.filter(pk__in=missing).values_list("pk", "name"))
    return {
        type_name: [FacetCount(tag_id=t, name=names.get(t, ""), count=c) for t, c in pairs]
        for type_name, pairs in counts.items()
    }
