"""The in-process discovery index: bitmaps per filter tag and attribute, numpy columns per work, derived from the
database and kept current from the `WorkChange` outbox.

Only listed works (posted, not hidden, not unrevealed) are in it; visibility classes split them into public and
restricted. Readers hold `lock.reading()` while they query; applying changes holds `lock.writing()` briefly.
"""

from __future__ import annotations

import contextlib
import ctypes
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from pyroaring import BitMap

from fanshelf.discovery.closure import FACET_TYPES, FIXED_TYPE_CODES, TYPE_CODES, TagGraph
from fanshelf.discovery.columns import (
    Columns,
    GroupRank,
    IdArray,
    Segments,
    ShortLists,
    SortRank,
    bitmap_of,
    sort_keys,
)
from fanshelf.discovery.loader import (
    AI_ASSISTED,
    AI_GENERATED,
    ANONYMOUS,
    COMPLETE,
    RESTRICTED,
    SINGLE_CHAPTER,
    ReadPool,
    WorkRows,
    load_works,
)
from fanshelf.discovery.rowlists import RowLists
from fanshelf.discovery.rwlock import ReadWriteLock
from fanshelf.discovery.tagstore import TagBitmaps

NUMERIC_COLUMNS: dict[str, npt.DTypeLike] = {
    "words": np.uint32,
    "kudos": np.uint32,
    "hits": np.uint32,
    "comments": np.uint16,  # widened by Columns.put when a count passes 65,535
    "bookmarks": np.uint16,
    "audio": np.uint16,
    "published": np.int32,
    "revised": np.int64,
}
# The count columns and the Work fields they hold: what a stats batch (`apply_counts`) re-reads.
COUNT_FIELDS = {"kudos": "kudos_count", "hits": "hit_count", "comments": "comment_count", "bookmarks": "bookmark_count"}
ANONYMOUS_SORT_NAME = "Anonymous"
APPLY_CHUNK = 2_000


class MovedCounts(NamedTuple):
    """What a stats batch moved: the listed works whose counts changed, and which counts (COUNT_FIELDS keys)."""

    works: list[int]
    fields: frozenset[str]


@dataclass
class Popularity:
    """Canonical filter ids of one tag type, most used first, for the large-result facet walk.

    Counts are exact for every tag not in `touched`; touched tags changed since the sort and are always counted.
    """

    ids: IdArray = field(default_factory=lambda: np.zeros(0, np.int64))
    counts: IdArray = field(default_factory=lambda: np.zeros(0, np.int64))
    touched: set[int] = field(default_factory=set)


class DiscoveryIndex:
    """Bitmaps and columns over listed works. Build with `build()`, keep current with `apply_works()`."""

    def __init__(self) -> None:
        self.lock = ReadWriteLock()
        self.graph = TagGraph()
        self.columns = Columns(NUMERIC_COLUMNS)
        self.title_rank = SortRank()
        self.creator_rank = GroupRank()
        self.tags = RowLists()  # per work: filter ids of fandom, relationship, character and freeform tags
        self.pseuds = ShortLists()  # per work: credited pseud ids
        self.tag_bitmaps = TagBitmaps()
        # pseud -> its works, non-anonymous credits only: ids, not bitmaps, because most pseuds have a handful
        # of works and a BitMap object each cost more than the works themselves (a pseud page builds one).
        self.pseud_works = Segments()
        self.language_bitmaps: dict[str, BitMap] = {}
        self.public = BitMap()
        self.restricted = BitMap()
        self.listed = BitMap()
        self.complete = BitMap()
        self.single_chapter = BitMap()
        self.crossover = BitMap()
        # Works with more than one fandom filter id (crossovers, and a fandom's works under its metatag too): the
        # only works of a fandom's listing that count towards another fandom in its facet.
        self.several_fandoms = BitMap()
        self.otp = BitMap()  # works with exactly one relationship, a synonym counted as its canonical
        # The AI-use disclosure: works saying AI assisted, or generated, them ("none" is the listed rest).
        self.ai_assisted = BitMap()
        self.ai_generated = BitMap()
        self.popularity: dict[int, Popularity] = {}
        self.fixed_ids: list[int] = []
        self.facet_code = np.zeros(0, dtype=np.int8)
        self.tag_ids_by_name: dict[str, int] = {}
        self.tag_names: dict[int, str] = {}
        self.built_seconds = 0.0

    def _set_graph(self, graph: TagGraph) -> None:
        self.graph = graph
        fixed = np.flatnonzero(np.isin(graph.type_code, list(FIXED_TYPE_CODES)))
        self.fixed_ids = [int(t) for t in fixed]
        # Type code of each canonical tag, 0 for the rest: one gather decides which facet a counted tag feeds.
        self.facet_code = np.where(graph.canonical, graph.type_code, 0).astype(np.int8)
        self.popularity = {}
        # Tag names <-> ids, filled on first use; cleared with the graph (a rename comes with a wrangling change).
        self.tag_ids_by_name = {}
        self.tag_names = {}

    # -- building ---------------------------------------------------------------------------------------------

    @classmethod
    def build(cls) -> DiscoveryIndex:
        """A complete index from the database."""
        started = time.perf_counter()
        _map_large_blocks_separately()
        index = cls()
        with ReadPool() as pool:
            graph = pool.submit(TagGraph.load)
            rows = load_works(pool=pool)
            index._set_graph(graph.result())
        index._bulk_insert(rows)
        index.built_seconds = time.perf_counter() - started
        return index

    def _bulk_insert(self, rows: WorkRows) -> None:
        """Everything from one read, with numpy over whole columns (no per-work Python)."""
        ids = rows.ids
        capacity = int(ids.max()) + 1 if len(ids) else 1
        self.columns.ensure(capacity)
        for name in NUMERIC_COLUMNS:
            self.columns.put(name, ids, rows.numbers[name])
        self.title_rank.ensure(capacity)
        self.creator_rank.ensure(capacity)
        self.title_rank.keys[ids] = rows.title_keys
        self.title_rank.mark(ids)
        self.title_rank.rerank()
        self.creator_rank.set_many(ids, *_creator_slots(rows))
        restricted = rows.flag(RESTRICTED)
        self.public = bitmap_of(ids[~restricted])
        self.restricted = bitmap_of(ids[restricted])
        self.listed = bitmap_of(ids)
        self.complete = bitmap_of(ids[rows.flag(COMPLETE)])
        self.single_chapter = bitmap_of(ids[rows.flag(SINGLE_CHAPTER)])
        self.ai_assisted = bitmap_of(ids[rows.flag(AI_ASSISTED)])
        self.ai_generated = bitmap_of(ids[rows.flag(AI_GENERATED)])
        for position, code in enumerate(rows.languages):
            self.language_bitmaps[code] = bitmap_of(ids[rows.language_of == position])
        self._bulk_tags(rows.tag_pairs, capacity)
        self._bulk_pseuds(rows, capacity)
        for bitmap in self._all_bitmaps():
            bitmap.run_optimize()  # runs only where they are smaller; then drop growth slack
            bitmap.shrink_to_fit()
        self.tag_bitmaps.optimize()
        self.popularity = {}

    def _filter_pairs(self, owners: IdArray, raw: IdArray) -> tuple[IdArray, IdArray]:
        """(work, filter id) pairs, still sorted by work. Synonyms (one filter id each) map through a lookup
        array; a closure with several ids per tag (metatags) goes through `TagGraph.expand` and a re-sort."""
        closure = self.graph.closure
        if any(len(ids) != 1 for ids in closure.values()):
            positions, filter_ids = self.graph.expand(raw)
            order = np.argsort(owners[positions], kind="stable")
            return owners[positions][order], filter_ids[order]
        size = max(len(self.graph.type_code), int(raw.max()) + 1 if len(raw) else 0)
        mapping = np.arange(size, dtype=np.int64)
        if closure:
            mapping[np.fromiter(closure, np.int64, len(closure))] = [ids[0] for ids in closure.values()]
        return owners, mapping[raw]

    def _bulk_tags(self, pairs: tuple[IdArray, IdArray], capacity: int) -> None:
        owners, filter_ids = self._filter_pairs(*pairs)
        # Group by filter id, works ascending within a group, with one sort of (filter id, work) packed in 64
        # bits (an argsort plus gathers cost twice as much). A work listed twice under one filter id (a tag and
        # its synonym) shows as two equal neighbours.
        packed = np.sort((filter_ids << 32) | owners)
        repeated = packed[1:] == packed[:-1]
        doubled = packed[1:][repeated]
        packed = packed[np.concatenate([[True], ~repeated])] if len(packed) else packed
        grouped_ids, grouped_owners = packed >> 32, packed & 0xFFFFFFFF
        starts = (
            np.flatnonzero(np.concatenate([[True], grouped_ids[1:] != grouped_ids[:-1]])) if len(packed) else packed
        )
        self.tag_bitmaps = TagBitmaps.from_groups(grouped_ids[starts], np.append(starts, len(packed)), grouped_owners)
        fixed = np.zeros(256, dtype=np.bool_)
        fixed[list(FIXED_TYPE_CODES)] = True
        keep = ~fixed[self._type_codes(filter_ids).view(np.uint8)]  # a lookup, not np.isin (which sorts)
        if len(doubled):  # rare: drop all but the first of each doubled (work, filter id) in work order
            doubled_work = np.zeros(capacity, dtype=np.bool_)
            doubled_work[doubled & 0xFFFFFFFF] = True
            suspects = np.flatnonzero(doubled_work[owners])  # the pairs of the few works concerned
            _, first = np.unique((owners[suspects] << 32) | filter_ids[suspects], return_index=True)
            keep[np.setdiff1d(suspects, suspects[first])] = False
        self.tags = RowLists.from_sorted_pairs(owners[keep], filter_ids[keep], capacity)
        fandom_owners = owners[keep][self._type_codes(filter_ids[keep]) == TYPE_CODES["fandom"]]
        self.several_fandoms = bitmap_of(np.flatnonzero(np.bincount(fandom_owners) > 1))
        self.crossover = bitmap_of(self._crossover_owners(pairs))
        self.otp = bitmap_of(self._otp_owners(pairs))

    def _type_codes(self, tag_ids: IdArray) -> npt.NDArray[np.int8]:
        codes = np.zeros(len(tag_ids), dtype=np.int8)
        known = tag_ids < len(self.graph.type_code)
        codes[known] = self.graph.type_code[tag_ids[known]]
        return codes

    def _crossover_owners(self, pairs: tuple[IdArray, IdArray]) -> IdArray:
        """Works whose fandoms span more than one family: per work, smallest family != largest."""
        owners, raw = pairs
        fandom = self._type_codes(raw) == TYPE_CODES["fandom"]
        owners, raw = owners[fandom], raw[fandom]
        if not len(owners):
            return np.zeros(0, np.int64)
        family = np.arange(max(len(self.graph.type_code), int(raw.max()) + 1), dtype=np.int64)
        for tag_id, top in self.graph.family.items():
            if tag_id < len(family):
                family[tag_id] = top
        families = family[raw]
        firsts = np.flatnonzero(np.concatenate([[True], owners[1:] != owners[:-1]]))
        spans = np.maximum.reduceat(families, firsts) != np.minimum.reduceat(families, firsts)
        crossing: IdArray = owners[firsts[spans]]
        return crossing

    def _otp_owners(self, pairs: tuple[IdArray, IdArray]) -> IdArray:
        """Works carrying exactly one relationship once synonyms are read as their canonical (AO3's `otp`). A
        relationship's first filter id is its canonical (itself for any other tag); metatags above it do not
        count, they are broader tags, not another relationship."""
        owners, raw = pairs
        chosen = self._type_codes(raw) == TYPE_CODES["relationship"]
        owners, raw = owners[chosen], raw[chosen]
        if not len(owners):
            return np.zeros(0, np.int64)
        closure = self.graph.closure
        own = np.arange(max(len(self.graph.type_code), int(raw.max()) + 1), dtype=np.int64)
        if closure:
            own[np.fromiter(closure, np.int64, len(closure))] = [ids[0] for ids in closure.values()]
        own = own[raw]
        distinct = np.unique((owners << 32) | own) >> 32  # one entry per (work, relationship)
        works, counts = np.unique(distinct, return_counts=True)
        single: IdArray = works[counts == 1]
        return single

    def _bulk_pseuds(self, rows: WorkRows, capacity: int) -> None:
        works, pseud_ids = rows.credits
        self.pseuds = ShortLists.from_sorted_pairs(works, pseud_ids, capacity)
        anonymous = np.zeros(capacity, dtype=np.bool_)
        anonymous[rows.ids] = rows.flag(ANONYMOUS)
        credited = ~anonymous[works]
        keys = np.unique((pseud_ids[credited] << 32) | works[credited])  # by pseud, then work; duplicates once
        owners = keys >> 32
        size = int(owners.max()) + 1 if len(owners) else 0
        self.pseud_works = Segments.from_sorted_pairs(owners, keys & 0xFFFFFFFF, size)

    # -- incremental updates ----------------------------------------------------------------------------------

    def apply_works(self, work_ids: Iterable[int]) -> int:
        """Re-read these works from the database and replace what the index holds for them."""
        unique = sorted(set(work_ids))
        for begin in range(0, len(unique), APPLY_CHUNK):
            chunk = unique[begin : begin + APPLY_CHUNK]
            rows = load_works(chunk)
            with self.lock.writing():
                slots = self.creator_rank.slot
                before = {int(slots[w]) for w in chunk if w < len(slots)}
                for work_id in chunk:
                    self._remove(work_id)
                self._insert(rows)
                # A creator name no work shows any more (a deleted account's pseud, an old byline) is dropped.
                slots = self.creator_rank.slot
                self.creator_rank.forget_unused(before - {int(slots[w]) for w in chunk if w < len(slots)})
        return len(unique)

    def apply_counts(self, work_ids: Iterable[int]) -> MovedCounts:
        """Re-read only the counts (kudos, hits, comments, bookmarks) of these works and write them into the count
        columns, leaving everything else the index holds for them alone: one indexed query per chunk, no bitmap
        touched. Returns the listed works whose counts moved, and which counts moved."""
        from fanshelf.works.models import Work

        listed = self.listed
        wanted = sorted(w for w in set(work_ids) if w in listed)
        moved: list[int] = []
        fields: set[str] = set()
        for begin in range(0, len(wanted), APPLY_CHUNK):
            chunk = wanted[begin : begin + APPLY_CHUNK]
            rows = list(Work.objects.filter(pk__in=chunk).values_list("pk", *COUNT_FIELDS.values()))
            if not rows:
                continue
            table = np.asarray(rows, dtype=np.int64)
            ids = table[:, 0]
            differs = np.zeros(len(ids), dtype=np.bool_)
            with self.lock.writing():
                for position, name in enumerate(COUNT_FIELDS, start=1):
                    changed = self.columns[name][ids].astype(np.int64) != table[:, position]
                    if changed.any():
                        fields.add(name)
                    differs |= changed
                    self.columns.put(name, ids, table[:, position])
            moved += ids[differs].tolist()
        return MovedCounts(moved, frozenset(fields))

    def reload_graph(self, changed_tags: Sequence[int]) -> list[int]:
        """Reload the tag closure after wrangling; returns the works whose filter ids may have changed."""
        from fanshelf.works.models import Work

        graph = TagGraph.load()
        with self.lock.writing():
            self._set_graph(graph)
        through = Work.tags.through.objects
        return list(through.filter(tag_id__in=changed_tags).values_list("work_id", flat=True).distinct())

    def _remove(self, work_id: int) -> None:
        for filter_id in self.tags.get(work_id).tolist():
            self._discard_tag(filter_id, work_id)
        for filter_id in self.fixed_ids:
            if work_id in self.tag_bitmaps.get(filter_id, BitMap()):
                self._discard_tag(filter_id, work_id)
        for pseud_id in self.pseuds.get(work_id).tolist():
            works = self.pseud_works.get(pseud_id)
            if work_id in works:
                self.pseud_works.put(pseud_id, works[works != work_id])
        for bitmap in (*self.language_bitmaps.values(), self.public, self.restricted, self.listed, self.complete):
            bitmap.discard(work_id)
        self.single_chapter.discard(work_id)
        self.ai_assisted.discard(work_id)
        self.ai_generated.discard(work_id)
        self.crossover.discard(work_id)
        self.several_fandoms.discard(work_id)
        self.otp.discard(work_id)
        if work_id < len(self.tags):
            self.tags.put(work_id, ())
            self.pseuds.put(work_id, ())
        if work_id < self.title_rank.keys.shape[0]:
            self.title_rank.set(work_id, None)
            self.creator_rank.set(work_id, None)

    def _discard_tag(self, filter_id: int, work_id: int) -> None:
        if self.tag_bitmaps.discard(filter_id, work_id):
            self._touch(filter_id)

    def _touch(self, filter_id: int) -> None:
        popularity = self.popularity.get(self.graph.type_of(filter_id))
        if popularity is not None:
            popularity.touched.add(filter_id)

    def _insert(self, rows: WorkRows) -> None:
        if not len(rows):
            return
        self.columns.ensure(int(rows.ids.max()))
        capacity = self.columns.capacity
        self.tags.ensure(capacity)
        self.pseuds.ensure(capacity)
        owners, raw = rows.tag_pairs
        lefts = np.searchsorted(owners, rows.ids, side="left").tolist()
        rights = np.searchsorted(owners, rows.ids, side="right").tolist()
        credit_works, credit_pseuds = rows.credits
        credit_lefts = np.searchsorted(credit_works, rows.ids, side="left").tolist()
        credit_rights = np.searchsorted(credit_works, rows.ids, side="right").tolist()
        creator_table, creator_slots = _creator_slots(rows)
        many = len(rows) > 32
        for name in NUMERIC_COLUMNS:
            self.columns.put(name, rows.ids, rows.numbers[name])
        for i, work_id in enumerate(rows.ids.tolist()):
            flags = int(rows.flags[i])
            (self.restricted if flags & RESTRICTED else self.public).add(work_id)
            self.listed.add(work_id)
            if flags & COMPLETE:
                self.complete.add(work_id)
            if flags & SINGLE_CHAPTER:
                self.single_chapter.add(work_id)
            if flags & AI_ASSISTED:
                self.ai_assisted.add(work_id)
            if flags & AI_GENERATED:
                self.ai_generated.add(work_id)
            self.language_bitmaps.setdefault(rows.language(i), BitMap()).add(work_id)
            self.title_rank.set(work_id, bytes(rows.title_keys[i]), defer=many)
            self.creator_rank.set(work_id, bytes(creator_table[creator_slots[i]]), defer=many)
            self._insert_tags(work_id, raw[lefts[i] : rights[i]])
            credits = credit_pseuds[credit_lefts[i] : credit_rights[i]]
            self.pseuds.put(work_id, credits)
            if not flags & ANONYMOUS:
                for pseud_id in np.unique(credits).tolist():
                    self.pseud_works.put(pseud_id, np.union1d(self.pseud_works.get(pseud_id), [work_id]))
        if many:
            self.title_rank.rerank()
            self.creator_rank.rerank()

    def _insert_tags(self, work_id: int, raw: IdArray) -> None:
        filter_ids = sorted({f for tag in raw.tolist() for f in self.graph.filter_ids(tag)})
        for filter_id in filter_ids:
            self.tag_bitmaps.add(filter_id, work_id)
            self._touch(filter_id)
        self.tags.put(work_id, [f for f in filter_ids if self.graph.type_of(f) not in FIXED_TYPE_CODES])
        if sum(self.graph.type_of(f) == TYPE_CODES["fandom"] for f in filter_ids) > 1:
            self.several_fandoms.add(work_id)
        fandoms = {self.graph.fandom_family(t) for t in raw.tolist() if self.graph.type_of(t) == TYPE_CODES["fandom"]}
        if len(fandoms) > 1:
            self.crossover.add(work_id)
        relationship = TYPE_CODES["relationship"]
        if len({self.graph.filter_ids(t)[0] for t in raw.tolist() if self.graph.type_of(t) == relationship}) == 1:
            self.otp.add(work_id)

    # -- reading helpers (call with lock.reading() held) ------------------------------------------------------

    def base_for(self, authenticated: bool) -> BitMap:
        """The works a viewer may see listed: guests never see restricted works."""
        return self.listed if authenticated else self.public

    def popularity_of(self, type_code: int) -> Popularity:
        """Canonical tags of one type by how many listed works carry them (cached; rebuilt when stale)."""
        popularity = self.popularity.get(type_code)
        if popularity is None or len(popularity.touched) > 1_000:
            tags, sizes = self.tag_bitmaps.counts()
            known = tags < len(self.graph.type_code)
            tags, sizes = tags[known], sizes[known]
            wanted = (self.graph.type_code[tags] == type_code) & self.graph.canonical[tags]
            chosen, counts = tags[wanted], sizes[wanted]
            order = np.lexsort((chosen, -counts))
            popularity = Popularity(ids=chosen[order], counts=counts[order])
            self.popularity[type_code] = popularity
        return popularity

    def ai_use_bitmap(self, disclosures: Iterable[str]) -> BitMap:
        """Listed works disclosing any of these AI uses ("none", "assisted", "generated")."""
        chosen = set(disclosures)
        found = BitMap()
        if "assisted" in chosen:
            found |= self.ai_assisted
        if "generated" in chosen:
            found |= self.ai_generated
        if "none" in chosen:
            found |= self.listed - self.ai_assisted - self.ai_generated
        return found

    def pseud_bitmap(self, pseud_ids: Iterable[int]) -> BitMap:
        """Works credited (not anonymously) to any of these pseuds."""
        return bitmap_of(np.concatenate([np.zeros(0, np.int32), *(self.pseud_works.get(p) for p in pseud_ids)]))

    def _all_bitmaps(self) -> list[BitMap]:
        bitmaps = list(self.language_bitmaps.values())  # tag bitmaps: see TagBitmaps
        return [
            *bitmaps,
            self.public,
            self.restricted,
            self.listed,
            self.complete,
            self.single_chapter,
            self.crossover,
            self.several_fandoms,
            self.otp,
            self.ai_assisted,
            self.ai_generated,
        ]

    def memory_bytes(self) -> int:
        """Approximate bytes held: serialized bitmap sizes plus numpy arrays (bench/run.py also measures RSS)."""
        total = sum(b.__sizeof__() for b in self._all_bitmaps()) + self.tag_bitmaps.nbytes()
        total += self.columns.nbytes() + self.title_rank.nbytes() + self.creator_rank.nbytes()
        return total + self.tags.nbytes() + self.pseuds.nbytes() + self.pseud_works.nbytes()

    def __len__(self) -> int:
        return len(self.listed)


def _creator_slots(rows: WorkRows) -> tuple[npt.NDArray[np.bytes_], IdArray]:
    """Each work's creator sort key, "Anonymous" or else its first credit's pseud name, as a table of keys (one
    per pseud, plus "" and "Anonymous") and each work's row in it: far fewer keys than works to sort."""
    works, pseud_ids = rows.credits
    firsts = np.flatnonzero(np.concatenate([[True], works[1:] != works[:-1]])) if len(works) else works
    first_pseud = np.full(len(rows), -1, dtype=np.int64)
    first_pseud[np.searchsorted(rows.ids, works[firsts])] = pseud_ids[firsts]
    names = len(rows.pseud_ids)
    table = np.concatenate([rows.pseud_keys, sort_keys(["", ANONYMOUS_SORT_NAME])])
    slot = np.full(len(rows), names, dtype=np.int64)  # "" for a work without credits (or a missing pseud)
    credited = np.flatnonzero(first_pseud >= 0)
    where = np.minimum(np.searchsorted(rows.pseud_ids, first_pseud[credited]), max(names - 1, 0))
    found = rows.pseud_ids[where] == first_pseud[credited] if names else np.zeros(len(credited), np.bool_)
    slot[credited[found]] = where[found]
    slot[rows.flag(ANONYMOUS)] = names + 1
    return table, slot


FACET_TYPE_CODES = {name: TYPE_CODES[name] for name in FACET_TYPES}


def _map_large_blocks_separately() -> None:
    """Have glibc give every block of 128 KiB or more its own mapping, returned to the system when freed.

    By default glibc raises that threshold each time such a block is freed (up to 32 MiB), so once a build's large
    temporary arrays are freed, later ones come from the heaps (one per reading thread), where freed space stays
    resident between the index's own arrays: 17-30 MB per million works of RSS the index does not use. A fixed
    threshold keeps RSS at the index's own size. With another C library there is nothing to do.
    """
    m_mmap_threshold = -3
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(m_mmap_threshold, 128 * 1024)
