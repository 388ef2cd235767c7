"""Running a WorkQuery against the index: exact totals, one sorted page, top-10 facet counts per tag type."""

from __future__ import annotations

import datetime
import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from django.core.paginator import Page, Paginator
from django.http import Http404, QueryDict
from pyroaring import BitMap

from fanshelf.core.numbers import number_param
from fanshelf.core.pagination import MAX_PAGE
from fanshelf.discovery import text
from fanshelf.discovery.closure import FACET_TYPES, FIXED_TYPE_CODES, TYPE_CODES
from fanshelf.discovery.columns import IdArray, bitmap_of
from fanshelf.discovery.exclusions import reader_filter
from fanshelf.discovery.index import DiscoveryIndex, Popularity
from fanshelf.discovery.kept_hits import text_hits
from fanshelf.discovery.loader import from_micros, micros
from fanshelf.discovery.query import RANGE_FIELDS, DateRange, QueryError, Range, WorkQuery
from fanshelf.discovery.reader_sets import shelf_filter
from fanshelf.tags.models import Tag
from fanshelf.works.models import Work

if TYPE_CHECKING:
    from fanshelf.works.models import Viewer

FACET_LIMIT = 10
# Up to this many results, facets are counted through the work -> tags column; above, by walking popular tags.
SMALL_RESULT = 2_000
# Rough costs (ns) deciding between the facet walk and counting through the column, measured at 100k and 1M
# works: gathering and counting a result's tags (more when the index is larger: fewer cache hits); counting one
# tag's intersection with the results (a call, plus per 65,536-id container a bitset step when the results are
# dense there, else a step per result).
GATHER_NS_PER_RESULT = 120
GATHER_NS_PER_RESULT_PER_CONTAINER = 6
WALK_NS_PER_TAG = 3_000
WALK_NS_PER_CONTAINER = 550
WALK_NS_PER_RESULT = 0.5
# Tags a walk counts before it first checks whether the rest fits its budget (then after twice as many, ...).
WALK_CHECKPOINT = 2 * FACET_LIMIT
_DAY = 86_400 * 1_000_000
Members = npt.NDArray[np.uint32]
SortKeys = npt.NDArray[Any]


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
    # The reader's exclusion profile: "on" (then `hidden` works were left out), "off" (`exclusions=off`), or ""
    # (a guest, or a reader without one).
    exclusions: str = ""
    hidden: int = 0

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


@dataclass
class _Resolved:
    include: list[int]
    exclude: list[int]
    ratings: list[int]
    all_of: list[int]


def execute(
    query: WorkQuery,
    viewer: Viewer,
    index: DiscoveryIndex | None = None,
    facets: bool = True,
    *,
    as_guest: bool = False,
) -> SearchResult:
    """Run the query for this viewer. Visibility mirrors `WorkQuerySet.listed_for` (a guest's with `as_guest`:
    public feeds); the viewer's mutes and exclusion profile leave their works out (exclusions.py)."""
    if index is None:
        from fanshelf.discovery.live import current_index

        index = current_index()
    resolved = _resolve(query, index)
    hits = text_hits(query.phrases, index) if query.phrases else None
    excluded = [text_hits([phrase], index).ids for phrase in query.excluded_phrases]
    shelves = shelf_filter(query, viewer)  # before the lock: it may read the reader's shelves
    standing = reader_filter(viewer, query.exclusions)  # the same: mutes and exclusion profile
    hidden = 0
    with index.lock.reading():
        matches = _filter(query, index, resolved, bool(viewer.is_authenticated) and not as_guest, hits, excluded)
        if shelves is not None:
            matches = shelves.applied_to(matches)
        muted = standing.muted(index) if standing is not None else None
        if muted is not None:
            matches = matches - muted
        matches, ids = _within_ranges(query, index, matches)
        left_out = standing.excluded(index) if standing is not None else None
        if left_out is not None:  # after the ranges, so `hidden` counts only works the reader would have seen
            shown = matches - left_out
            hidden = len(matches) - len(shown)
            matches, ids = shown, _members(shown)
        page = _page(query, index, ids, hits)
        counts = _facets(index, matches, ids, resolved.include) if facets else {}
    state = "" if standing is None or not standing.has_profile else "on" if standing.applied else "off"
    return SearchResult(query, len(ids), page, _name_facets(index, counts), exclusions=state, hidden=hidden)


def _members(bitmap: BitMap) -> Members:
    """A bitmap's members as a sorted uint32 array, without a copy (numpy indexes with uint32 as well)."""
    return np.frombuffer(bitmap.to_array(), dtype=np.uint32)


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
    if query.otp:
        required.append(index.otp)
    if query.language:
        required.append(index.language_bitmaps.get(query.language, empty))
    if query.ai:
        required.append(index.ai_use_bitmap(query.ai))
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
    if query.otp is False:
        removed.append(index.otp)
    if query.ai_exclude:
        removed.append(index.ai_use_bitmap(query.ai_exclude))
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


def _within_ranges(query: WorkQuery, index: DiscoveryIndex, matches: BitMap) -> tuple[BitMap, Members]:
    """The matches within the query's ranges (words, kudos, hits, ..., dates), as a bitmap and sorted ids. The
    bitmap is rebuilt from the smaller side (the works left out when most pass): a BitMap takes ~4 ns an id."""
    ids = _members(matches)
    keep = _range_mask(query, index, ids)
    if keep is None:
        return matches, ids
    kept: Members = np.compress(keep, ids)  # ~2.5x less than ids[keep]
    if 2 * len(kept) >= len(ids):
        return matches - bitmap_of(np.compress(~keep, ids)), kept
    return bitmap_of(kept), kept


def _range_mask(query: WorkQuery, index: DiscoveryIndex, ids: Members) -> npt.NDArray[np.bool_] | None:
    """Which of the ids pass the query's ranges; None when it has none."""
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
        return None
    keep: npt.NDArray[np.bool_] | None = None
    for name, low, high in bounds:
        values = np.take(index.columns[name], ids)
        for bound, passes in ((low, np.greater_equal), (high, np.less_equal)):
            if bound is None:
                continue
            limits = np.iinfo(values.dtype.name)
            if not limits.min <= bound <= limits.max:  # compare in the column's own type, never wrapped
                if (bound < limits.min) == (passes is np.less_equal):
                    return np.zeros(len(ids), dtype=np.bool_)  # e.g. words <= -1: nothing passes
                continue  # e.g. words >= -1: everything passes
            passed = passes(values, values.dtype.type(bound))
            keep = passed if keep is None else keep & passed
    return keep


def _sort_values(query: WorkQuery, index: DiscoveryIndex, ids: Members, hits: text.TextHits | None) -> SortKeys:
    """Each result's sort key: a column slice in its own type, or float ranks (title, creator, relevance)."""
    sort = query.effective_sort
    if sort == "best_match" and hits is not None:
        order = np.argsort(hits.ids)
        where = np.searchsorted(hits.ids[order], ids)
        scores: SortKeys = hits.scores[order][np.minimum(where, len(hits.ids) - 1)]
        return scores
    if sort == "creator":
        return index.creator_rank.values(ids)
    if sort == "title":
        ranks: SortKeys = np.take(index.title_rank.rank, ids)
        return ranks
    column = {"posted": "published", "updated": "revised", "best_match": "revised"}.get(sort, sort)
    values: SortKeys = np.take(index.columns[column], ids)  # ~1.5x less than indexing with uint32 ids
    return values


def _page(query: WorkQuery, index: DiscoveryIndex, ids: Members, hits: text.TextHits | None) -> list[int]:
    """The requested page in order (key, then work id; descending reverses both), sorting as little as needed."""
    begin = (query.page - 1) * query.per_page
    end = min(begin + query.per_page, len(ids))
    if begin >= end:
        return []
    keys = _sort_values(query, index, ids, hits)
    packed = _packed(keys, ids)
    if packed is not None:
        return _packed_page(packed, begin, end, query.descending)
    tiebreak = ids.astype(np.float64)
    if query.descending:
        keys, tiebreak = -keys.astype(np.float64), -tiebreak
    candidates = np.arange(len(ids))
    if end < len(ids) // 2:
        threshold = _kth(keys, end, largest=False)
        candidates = np.flatnonzero(keys <= threshold)
    order = candidates[np.lexsort((tiebreak[candidates], keys[candidates]))]
    return [int(i) for i in ids[order[begin:end]]]


def _packed(keys: SortKeys, ids: Members) -> npt.NDArray[np.uint64] | None:
    """Keys of at most 32 bits and work ids in one uint64 (key high, id low), so one partition orders by key
    and then id, with no second pass over ties; None for wider keys (revision times, float ranks)."""
    if keys.dtype.kind not in "ui" or keys.dtype.itemsize > 4:
        return None
    signed = keys.dtype.kind == "i"  # days: shifted by 2**31 to unsigned, keeping their order
    high = (keys.astype(np.int64) + 2**31 * signed).astype(np.uint64)
    high <<= np.uint64(32)
    high |= ids
    return high


def _packed_page(packed: npt.NDArray[np.uint64], begin: int, end: int, descending: bool) -> list[int]:
    if end < len(packed):  # packed values are unique: exactly `end` reach the end-th
        threshold = _kth(packed, end, largest=descending)
        packed = packed[packed >= threshold] if descending else packed[packed <= threshold]
    packed.sort()
    chosen = packed[::-1][begin:end] if descending else packed[begin:end]
    return (chosen & np.uint64(0xFFFFFFFF)).tolist()  # type: ignore[no-any-return]


def _facets(
    index: DiscoveryIndex, matches: BitMap, ids: Members, included: list[int]
) -> dict[str, list[tuple[int, int]]]:
    """Top canonical tags of each type over all results, as (tag id, count), most frequent first.

    Rating, warning and category have a handful of tags: one intersection count each. The other types are walked
    most popular tag first while that is cheap (large results: a few dozen tags decide the top ten); a walk that
    runs past its budget, and every small result, counts all tags of the results through the work -> tags column
    instead, which costs in proportion to the results. Types of included tags are walked first: their other tags
    are rare among the results (a fandom's works seldom have a second fandom), so their walks are the long ones,
    and giving up on them early wastes least.
    """
    result: dict[str, list[tuple[int, int]]] = {}
    fixed_counts: dict[int, list[tuple[int, int]]] = {}
    bitmaps = index.tag_bitmaps
    for tag_id in index.fixed_ids:
        bitmap = bitmaps.get(tag_id)
        count = matches.intersection_cardinality(bitmap) if bitmap is not None else 0
        if count:
            fixed_counts.setdefault(index.graph.type_of(tag_id), []).append((tag_id, count))
    for type_name in FACET_TYPES:
        code = TYPE_CODES[type_name]
        if code in fixed_counts or code in FIXED_TYPE_CODES:
            result[type_name] = _top(fixed_counts.get(code, []))
    fandoms = [tag_id for tag_id in included if index.graph.type_of(tag_id) == TYPE_CODES["fandom"]]
    if len(fandoms) == 1:
        result["fandom"] = _one_fandoms_top(index, matches, fandoms[0])
    first = {index.graph.type_of(tag_id) for tag_id in included}
    walked_types = sorted(set(FACET_TYPES) - result.keys(), key=lambda name: TYPE_CODES[name] not in first)
    budget = _walk_budget(matches, len(ids))
    counted = None
    if len(ids) <= SMALL_RESULT or _expected_steps(index, len(matches), walked_types, first) > budget:
        counted = _counted_tags(index, ids)
    for position, type_name in enumerate(walked_types):
        code = TYPE_CODES[type_name]
        # What the types still to walk are expected to need is kept back: a walk that took the whole budget left
        # the next type none, and every tag was then counted through the column too, twice the cost of counting.
        walked = None
        if counted is None:
            later = _expected_steps(index, len(matches), walked_types[position + 1 :], first)
            walked = _top_by_walk(index, matches, code, budget - later)
        if walked is None:
            counted = _counted_tags(index, ids) if counted is None else counted
            result[type_name] = counted.get(code, [])
        else:
            result[type_name], steps = walked
            budget -= steps
    return {type_name: result[type_name] for type_name in FACET_TYPES}


def _one_fandoms_top(index: DiscoveryIndex, matches: BitMap, fandom_id: int) -> list[tuple[int, int]]:
    """The fandom facet of results within one fandom (its tag page, the commonest listing): that fandom is on
    every result, and only the few results with more than one fandom (crossovers, works under the fandom's
    metatag: 5 % in the benchmark's corpus) count towards another. Walking the fandoms instead took 535 counts,
    2.9 ms, for a fandom with 141,673 works at 1M; counting those few 0.3 ms."""
    if not matches:
        return []
    several = matches & index.several_fandoms
    others = _counted_tags(index, _members(several)).get(TYPE_CODES["fandom"], []) if several else []
    own = [(fandom_id, len(matches))] if index.graph.is_canonical(fandom_id) else []
    return _top([*own, *(pair for pair in others if pair[0] != fandom_id)])


def _walk_budget(matches: BitMap, results: int) -> float:
    """How many tags the facet walks may count before counting through the column would have been cheaper."""
    containers = (matches.max() >> 16) + 1 if matches else 1
    dense = results > 4096 * containers  # roaring keeps containers of more than 4096 ids as bitsets
    per_tag = WALK_NS_PER_TAG + (WALK_NS_PER_CONTAINER * containers if dense else WALK_NS_PER_RESULT * results)
    return results * (GATHER_NS_PER_RESULT + GATHER_NS_PER_RESULT_PER_CONTAINER * containers) / per_tag


def _expected_steps(index: DiscoveryIndex, results: int, type_names: list[str], skipped: set[int]) -> int:
    """The walks' length if tags were independent of the query: each type's tenth count is then about its tenth
    most popular tag's share of the results. Types of included tags are not independent and left out."""
    share = results / max(len(index.listed), 1)
    steps = 0
    for type_name in type_names:
        popularity = index.popularity_of(TYPE_CODES[type_name])
        if TYPE_CODES[type_name] not in skipped and len(popularity.counts):
            tenth = int(popularity.counts[min(FACET_LIMIT, len(popularity.counts)) - 1])
            steps += _reach(popularity, int(share * tenth))
    return steps


def _reach(popularity: Popularity, floor: int) -> int:
    """How far down the popularity order tags have at least `floor` works (a walk's end, as far as known now)."""
    return int(np.searchsorted(-popularity.counts, -floor, side="right"))


def _top(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return heapq.nsmallest(FACET_LIMIT, pairs, key=lambda pair: (-pair[1], pair[0]))


def _counted_tags(index: DiscoveryIndex, ids: Members) -> dict[int, list[tuple[int, int]]]:
    """Count every tag of the results through the work -> tags column, then the top ten of each type."""
    gathered = index.tags.padded(ids)  # 0 where a row was padded: no tag, left out below
    if not len(gathered):
        return {}
    tags: npt.NDArray[np.signedinteger[Any]]
    counts: npt.NDArray[np.signedinteger[Any]]
    if len(gathered) * 8 < len(index.facet_code):  # few tags: sorting them beats zeroing a count per tag id
        tags, counts = np.unique(gathered, return_counts=True)
    else:
        counts = np.bincount(gathered)
        tags = np.flatnonzero(counts)
        counts = counts[tags]
    known = (tags > 0) & (tags < len(index.facet_code))
    tags, counts = tags[known], counts[known]
    codes = index.facet_code[tags]
    top: dict[int, list[tuple[int, int]]] = {}
    for code in np.unique(codes[codes > 0]).tolist():
        chosen = np.flatnonzero(codes == code)
        if len(chosen) > FACET_LIMIT:  # the top ten and everything tied with the tenth, then order exactly
            values = counts[chosen]
            chosen = chosen[values >= _kth(values, FACET_LIMIT, largest=True)]
        order = chosen[np.lexsort((tags[chosen], -counts[chosen]))[:FACET_LIMIT]]
        top[code] = list(zip(tags[order].tolist(), counts[order].tolist(), strict=True))
    return top


def _kth(values: npt.NDArray[Any], k: int, largest: bool) -> Any:
    """The k-th largest (or smallest) of the values, 1 <= k <= len(values).

    The k-th of the maxima (minima) of blocks of 64 values bounds it first (k blocks' extremes are k values at
    least that extreme), so the exact selection sees a few times k values: np.partition over all of them cost
    ~6 ns a value (1.3 ms for the first page of 230,000 results) and degraded on counts in tag id order (2.2 ms
    for 20,000 freeform counts, against 0.02 ms this way)."""
    block = 64
    if len(values) > block * k:
        starts = np.arange(0, len(values), block)
        extremes = (np.maximum if largest else np.minimum).reduceat(values, starts)
        bound = _kth(extremes, k, largest)
        values = values[values >= bound] if largest else values[values <= bound]
    position = len(values) - k if largest else k - 1
    return np.partition(values, position)[position]


def _top_by_walk(
    index: DiscoveryIndex, matches: BitMap, code: int, budget: float
) -> tuple[list[tuple[int, int]], int] | None:
    """Walk tags most popular first; stop once no remaining tag's total can beat the tenth count so far.

    Returns the top ten and the number of tags counted, or None once more than `budget` tags would be counted.
    """
    popularity = index.popularity_of(code)
    bitmaps = index.tag_bitmaps
    best: list[tuple[int, int]] = []
    touched = popularity.touched
    for tag_id in touched:
        bitmap = bitmaps.get(tag_id)
        if bitmap is not None and index.graph.is_canonical(tag_id):
            count = matches.intersection_cardinality(bitmap)
            if count:
                best.append((tag_id, count))
    best = _top(best)
    steps = len(touched)
    # The tenth (count, -id) so far; a tag enters the top ten only by beating it.
    floor = (best[-1][1], -best[-1][0]) if len(best) == FACET_LIMIT else (0, 0)
    checkpoint = steps + WALK_CHECKPOINT
    for position, (tag_id, total) in enumerate(zip(popularity.ids.tolist(), popularity.counts.tolist(), strict=True)):
        if total < floor[0]:
            break
        if steps >= budget:
            return None
        if steps >= checkpoint:  # give up early once the tags still to count, as far as known, exceed the budget
            # Until ten tags have counts, every tag with a work may still enter: the walk goes on to all of them
            # (the other fandoms of a fandom's works, which few share, walked to the budget before).
            if steps + _reach(popularity, max(floor[0], 1)) - position > budget:
                return None
            checkpoint *= 2
        if tag_id in touched:
            continue
        steps += 1
        count = matches.intersection_cardinality(bitmaps[tag_id])
        if count and (count, -tag_id) > floor:
            best = _top([*best, (tag_id, count)])
            if len(best) == FACET_LIMIT:
                floor = (best[-1][1], -best[-1][0])
    return best, steps


def _name_facets(index: DiscoveryIndex, counts: dict[str, list[tuple[int, int]]]) -> dict[str, list[FacetCount]]:
    names = index.tag_names
    missing = {tag_id for pairs in counts.values() for tag_id, _ in pairs} - names.keys()
    if missing:
        names.update(Tag.objects.filter(pk__in=missing).values_list("pk", "name"))
    return {
        type_name: [FacetCount(tag_id=t, name=names.get(t, ""), count=c) for t, c in pairs]
        for type_name, pairs in counts.items()
    }


def works_page(params: QueryDict, viewer: Viewer, per_page: int) -> Page[Work]:
    """One page of works for a search outside the listing pages (the OPDS catalogue): the engine with the same
    text, filters and sort as `/works/`, against an index with every committed change applied, the works read
    with `listed_for` in the engine's order. Raises QueryError, and EmptyPage for a page past the last."""
    from fanshelf.discovery.live import ensure_fresh

    query = replace(WorkQuery.from_params(params), per_page=per_page)
    result = execute(query, viewer, ensure_fresh(), facets=False)
    paginator: Paginator[Any] = Paginator(range(result.total), per_page)  # counts only: the engine paged
    paginator.validate_number(query.page)
    works = {work.pk: work for work in Work.objects.filter(pk__in=result.work_ids).listed_for(viewer).for_blurbs()}
    return Page([works[pk] for pk in result.work_ids if pk in works], query.page, paginator)


def feed_work_ids(tag_name: str, reader: Viewer, size: int) -> list[int]:
    """The newest works in a tag (its synonyms and subtags included) that a guest may see, less those the reader's
    mutes and exclusion profile hide: a public feed fetched by a signed-in reader."""
    from fanshelf.discovery.live import ensure_fresh

    query = WorkQuery(include=(tag_name,), per_page=size)
    return execute(query, reader, ensure_fresh(), facets=False, as_guest=True).work_ids


def listed_page(params: QueryDict, viewer: Viewer, per_page: int, include: str = "") -> Page[Work]:
    """One page of the newest updated works (in a tag, its synonyms and subtags, if given) the viewer may list,
    less what their mutes and exclusion profile hide: the e-reader catalogue's "New works" and tag feeds. Only
    `page` is read from `params` (BadParameter for a malformed one, 404 past the last page)."""
    from fanshelf.discovery.live import ensure_fresh

    number = number_param(params, "page", default=1, minimum=1, maximum=MAX_PAGE)
    query = WorkQuery(include=(include,) if include else (), page=number, per_page=per_page)
    result = execute(query, viewer, ensure_fresh(), facets=False)
    paginator: Paginator[Any] = Paginator(range(result.total), per_page)
    if number > paginator.num_pages:
        raise Http404("There is no page with that number.")
    works = {work.pk: work for work in Work.objects.filter(pk__in=result.work_ids).listed_for(viewer).for_blurbs()}
    return Page([works[pk] for pk in result.work_ids if pk in works], number, paginator)


def listed_tag_counts(tag_ids: Iterable[int], viewer: Viewer) -> dict[int, tuple[int, datetime.datetime | None]]:
    """For each canonical or unwrangled tag, its listing's works (its synonyms' and subtags' too) that `viewer`
    may list, less their mutes and exclusion profile, and when the latest of them was revised, counted from the
    index: the cost follows the number of tags and their works, never a read of every work (the catalogue's
    fandoms read every work's fandom tags and took 17 s at 2 million works). Tags with no such work are left out."""
    from fanshelf.discovery.live import ensure_fresh

    index = ensure_fresh()
    standing = reader_filter(viewer)
    counts: dict[int, tuple[int, datetime.datetime | None]] = {}
    with index.lock.reading():
        shown = index.base_for(bool(viewer.is_authenticated))
        if standing is not None:
            shown = shown - (standing.muted(index) or BitMap()) - (standing.excluded(index) or BitMap())
        revised = index.columns["revised"]
        for tag_id in tag_ids:
            works = index.tag_bitmaps.get(tag_id)
            found = shown & works if works is not None else None
            if found:
                counts[tag_id] = (len(found), from_micros(int(revised[_members(found)].max())))
    return counts


def listed_latest_revision(viewer: Viewer) -> datetime.datetime | None:
    """When the latest work listed to `viewer` was revised (the catalogue's date), from the index."""
    from fanshelf.discovery.live import ensure_fresh

    index = ensure_fresh()
    with index.lock.reading():
        shown = _members(index.base_for(bool(viewer.is_authenticated)))
        latest = int(index.columns["revised"][shown].max()) if len(shown) else 0
    return from_micros(latest)
