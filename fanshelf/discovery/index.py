"""The in-process discovery index: bitmaps per filter tag and attribute, numpy columns per work, derived from the
database and kept current from the `WorkChange` outbox.

Only listed works (posted, not hidden, not unrevealed) are in it; visibility classes split them into public and
restricted. Readers hold `lock.reading()` while they query; applying changes holds `lock.writing()` briefly.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from pyroaring import BitMap

from fanshelf.discovery.closure import FACET_TYPES, FIXED_TYPE_CODES, TYPE_CODES, TagGraph
from fanshelf.discovery.columns import Columns, IdArray, Segments, SortRank, bitmap_of, sort_key
from fanshelf.discovery.loader import WorkRows, load_works
from fanshelf.discovery.rwlock import ReadWriteLock

NUMERIC_COLUMNS: dict[str, npt.DTypeLike] = {
    "words": np.uint32,
    "kudos": np.uint32,
    "hits": np.uint32,
    "comments": np.uint32,
    "bookmarks": np.uint32,
    "published": np.int32,
    "revised": np.int64,
}
ANONYMOUS_SORT_NAME = "Anonymous"
APPLY_CHUNK = 2_000


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
        self.creator_rank = SortRank()
        self.tags = Segments()  # per work: filter ids of fandom, relationship, character and freeform tags
        self.pseuds = Segments()  # per work: credited pseud ids
        self.tag_bitmaps: dict[int, BitMap] = {}
        self.pseud_bitmaps: dict[int, BitMap] = {}  # non-anonymous credits only
        self.language_bitmaps: dict[str, BitMap] = {}
        self.public = BitMap()
        self.restricted = BitMap()
        self.listed = BitMap()
        self.complete = BitMap()
        self.single_chapter = BitMap()
        self.crossover = BitMap()
        self.popularity: dict[int, Popularity] = {}
        self.fixed_ids: list[int] = []
        self.tag_ids_by_name: dict[str, int] = {}
        self.tag_names: dict[int, str] = {}
        self.built_seconds = 0.0

    def _set_graph(self, graph: TagGraph) -> None:
        self.graph = graph
        fixed = np.flatnonzero(np.isin(graph.type_code, list(FIXED_TYPE_CODES)))
        self.fixed_ids = [int(t) for t in fixed]
        self.popularity = {}
        # Tag names <-> ids, filled on first use; cleared with the graph (a rename comes with a wrangling change).
        self.tag_ids_by_name = {}
        self.tag_names = {}

    # -- building ---------------------------------------------------------------------------------------------

    @classmethod
    def build(cls) -> DiscoveryIndex:
        """A complete index from the database."""
        started = time.perf_counter()
        index = cls()
        index._set_graph(TagGraph.load())
        rows = load_works()
        index._bulk_insert(rows)
        index.built_seconds = time.perf_counter() - started
        return index

    def _bulk_insert(self, rows: WorkRows) -> None:
        ids = np.asarray(rows.ids, dtype=np.int64)
        capacity = int(ids.max()) + 1 if len(ids) else 1
        self.columns.ensure(capacity)
        for name in NUMERIC_COLUMNS:
            self.columns[name][ids] = np.asarray(getattr(rows, name), dtype=self.columns[name].dtype)
        self.title_rank.ensure(capacity)
        self.creator_rank.ensure(capacity)
        self.title_rank.keys[ids] = np.asarray([sort_key(t) for t in rows.title], dtype=self.title_rank.keys.dtype)
        self.title_rank.present[ids] = True
        self.title_rank.rerank()
        names = [_creator_sort_name(rows, i) for i in range(len(rows))]
        keys = {name: sort_key(name) for name in set(names)}  # far fewer pseuds than works
        self.creator_rank.keys[ids] = np.asarray([keys[n] for n in names], dtype=self.creator_rank.keys.dtype)
        self.creator_rank.present[ids] = True
        self.creator_rank.rerank()
        flags = {name: np.asarray(getattr(rows, name), dtype=np.bool_) for name in ("restricted", "complete")}
        self.public = bitmap_of(ids[~flags["restricted"]])
        self.restricted = bitmap_of(ids[flags["restricted"]])
        self.listed = self.public | self.restricted
        self.complete = bitmap_of(ids[flags["complete"]])
        self.single_chapter = bitmap_of(ids[np.asarray(rows.single_chapter, dtype=np.bool_)])
        languages = np.asarray(rows.language)
        for code in np.unique(languages).tolist():
            self.language_bitmaps[str(code)] = bitmap_of(ids[languages == code])
        self._bulk_tags(rows.tag_pairs, capacity)
        self._bulk_pseuds(rows, capacity)
        self.popularity = {}

    def _bulk_tags(self, pairs: tuple[IdArray, IdArray], capacity: int) -> None:
        owners, raw = pairs
        positions, filter_ids = self.graph.expand(raw)
        owners = owners[positions]
        order = np.lexsort((owners, filter_ids))
        owners, filter_ids = owners[order], filter_ids[order]
        keep = np.ones(len(owners), dtype=np.bool_)
        keep[1:] = (owners[1:] != owners[:-1]) | (filter_ids[1:] != filter_ids[:-1])
        owners, filter_ids = owners[keep], filter_ids[keep]
        bounds = np.flatnonzero(np.diff(filter_ids)) + 1
        starts = np.concatenate([[0], bounds]).astype(np.int64) if len(filter_ids) else np.zeros(0, np.int64)
        ends = np.concatenate([bounds, [len(filter_ids)]]).astype(np.int64) if len(filter_ids) else starts
        self.tag_bitmaps = {
            int(filter_ids[s]): bitmap_of(owners[s:e]) for s, e in zip(starts.tolist(), ends.tolist(), strict=True)
        }
        codes = self._type_codes(filter_ids)
        user_typed = ~np.isin(codes, list(FIXED_TYPE_CODES))
        by_owner = np.lexsort((filter_ids[user_typed], owners[user_typed]))
        self.tags = Segments.from_sorted_pairs(owners[user_typed][by_owner], filter_ids[user_typed][by_owner], capacity)
        self.crossover = bitmap_of(self._crossover_owners(pairs))

    def _type_codes(self, tag_ids: IdArray) -> npt.NDArray[np.int8]:
        codes = np.zeros(len(tag_ids), dtype=np.int8)
        known = tag_ids < len(self.graph.type_code)
        codes[known] = self.graph.type_code[tag_ids[known]]
        return codes

    def _crossover_owners(self, pairs: tuple[IdArray, IdArray]) -> IdArray:
        owners, raw = pairs
        fandom = self._type_codes(raw) == TYPE_CODES["fandom"]
        owners, raw = owners[fandom], raw[fandom]
        families = np.fromiter((self.graph.fandom_family(int(t)) for t in raw), dtype=np.int64, count=len(raw))
        unique = np.unique(np.stack([owners, families]), axis=1) if len(owners) else np.zeros((2, 0), np.int64)
        counts = np.bincount(unique[0]) if unique.shape[1] else np.zeros(0, np.int64)
        return np.flatnonzero(counts > 1).astype(np.int64)

    def _bulk_pseuds(self, rows: WorkRows, capacity: int) -> None:
        owners: list[int] = []
        pseud_ids: list[int] = []
        anonymous = dict(zip(rows.ids, rows.anonymous, strict=True))
        credited: dict[int, list[int]] = {}
        for work_id in rows.ids:
            for pseud_id, _ in rows.creators.get(work_id, []):
                owners.append(work_id)
                pseud_ids.append(pseud_id)
                if not anonymous[work_id]:
                    credited.setdefault(pseud_id, []).append(work_id)
        self.pseuds = Segments.from_sorted_pairs(
            np.asarray(owners, dtype=np.int64), np.asarray(pseud_ids, dtype=np.int64), capacity
        )
        self.pseud_bitmaps = {pseud: BitMap(works) for pseud, works in credited.items()}

    # -- incremental updates ----------------------------------------------------------------------------------

    def apply_works(self, work_ids: Iterable[int]) -> int:
        """Re-read these works from the database and replace what the index holds for them."""
        unique = sorted(set(work_ids))
        for begin in range(0, len(unique), APPLY_CHUNK):
            chunk = unique[begin : begin + APPLY_CHUNK]
            rows = load_works(chunk)
            with self.lock.writing():
                for work_id in chunk:
                    self._remove(work_id)
                self._insert(rows)
        return len(unique)

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
            if work_id in self.tag_bitmaps.get(filter_id, ()):
                self._discard_tag(filter_id, work_id)
        for pseud_id in self.pseuds.get(work_id).tolist():
            if pseud_id in self.pseud_bitmaps:
                self.pseud_bitmaps[pseud_id].discard(work_id)
        for bitmap in (*self.language_bitmaps.values(), self.public, self.restricted, self.listed, self.complete):
            bitmap.discard(work_id)
        self.single_chapter.discard(work_id)
        self.crossover.discard(work_id)
        if work_id < len(self.tags.start):
            self.tags.put(work_id, ())
            self.pseuds.put(work_id, ())
        if work_id < self.title_rank.keys.shape[0]:
            self.title_rank.set(work_id, None)
            self.creator_rank.set(work_id, None)

    def _discard_tag(self, filter_id: int, work_id: int) -> None:
        bitmap = self.tag_bitmaps.get(filter_id)
        if bitmap is not None:
            bitmap.discard(work_id)
            self._touch(filter_id)

    def _touch(self, filter_id: int) -> None:
        popularity = self.popularity.get(self.graph.type_of(filter_id))
        if popularity is not None:
            popularity.touched.add(filter_id)

    def _insert(self, rows: WorkRows) -> None:
        if not len(rows):
            return
        self.columns.ensure(max(rows.ids))
        capacity = self.columns.capacity
        self.tags.ensure(capacity)
        self.pseuds.ensure(capacity)
        owners, raw = rows.tag_pairs
        order = np.argsort(owners, kind="stable")
        owners, raw = owners[order], raw[order]
        lefts = np.searchsorted(owners, rows.ids, side="left")
        rights = np.searchsorted(owners, rows.ids, side="right")
        many = len(rows) > 32
        for i, work_id in enumerate(rows.ids):
            for name in NUMERIC_COLUMNS:
                self.columns[name][work_id] = getattr(rows, name)[i]
            (self.restricted if rows.restricted[i] else self.public).add(work_id)
            self.listed.add(work_id)
            for flag, bitmap in ((rows.complete[i], self.complete), (rows.single_chapter[i], self.single_chapter)):
                if flag:
                    bitmap.add(work_id)
            self.language_bitmaps.setdefault(rows.language[i], BitMap()).add(work_id)
            self.title_rank.set(work_id, sort_key(rows.title[i]), defer=many)
            self.creator_rank.set(work_id, sort_key(_creator_sort_name(rows, i)), defer=many)
            self._insert_tags(work_id, raw[lefts[i] : rights[i]])
            credits = rows.creators.get(work_id, [])
            self.pseuds.put(work_id, [pseud_id for pseud_id, _ in credits])
            if not rows.anonymous[i]:
                for pseud_id, _ in credits:
                    self.pseud_bitmaps.setdefault(pseud_id, BitMap()).add(work_id)
        if many:
            self.title_rank.rerank()
            self.creator_rank.rerank()

    def _insert_tags(self, work_id: int, raw: IdArray) -> None:
        filter_ids = sorted({f for tag in raw.tolist() for f in self.graph.filter_ids(tag)})
        for filter_id in filter_ids:
            self.tag_bitmaps.setdefault(filter_id, BitMap()).add(work_id)
            self._touch(filter_id)
        self.tags.put(work_id, [f for f in filter_ids if self.graph.type_of(f) not in FIXED_TYPE_CODES])
        fandoms = {self.graph.fandom_family(t) for t in raw.tolist() if self.graph.type_of(t) == TYPE_CODES["fandom"]}
        if len(fandoms) > 1:
            self.crossover.add(work_id)

    # -- reading helpers (call with lock.reading() held) ------------------------------------------------------

    def base_for(self, authenticated: bool) -> BitMap:
        """The works a viewer may see listed: guests never see restricted works."""
        return self.listed if authenticated else self.public

    def popularity_of(self, type_code: int) -> Popularity:
        """Canonical tags of one type by how many listed works carry them (cached; rebuilt when stale)."""
        popularity = self.popularity.get(type_code)
        if popularity is None or len(popularity.touched) > 1_000:
            candidates = [
                tag for tag in self.tag_bitmaps if self.graph.type_of(tag) == type_code and self.graph.is_canonical(tag)
            ]
            counts = np.asarray([len(self.tag_bitmaps[t]) for t in candidates], dtype=np.int64)
            order = np.argsort(-counts, kind="stable")
            popularity = Popularity(ids=np.asarray(candidates, dtype=np.int64)[order], counts=counts[order])
            self.popularity[type_code] = popularity
        return popularity

    def memory_bytes(self) -> int:
        """Approximate bytes held: serialized bitmap sizes plus numpy arrays."""
        bitmaps = [*self.tag_bitmaps.values(), *self.pseud_bitmaps.values(), *self.language_bitmaps.values()]
        bitmaps += [self.public, self.restricted, self.listed, self.complete, self.single_chapter, self.crossover]
        total = sum(len(b.serialize()) for b in bitmaps)
        total += self.columns.nbytes() + self.title_rank.nbytes() + self.creator_rank.nbytes()
        return total + self.tags.nbytes() + self.pseuds.nbytes()

    def __len__(self) -> int:
        return len(self.listed)


def _creator_sort_name(rows: WorkRows, i: int) -> str:
    if rows.anonymous[i]:
        return ANONYMOUS_SORT_NAME
    credits = rows.creators.get(rows.ids[i], [])
    return credits[0][1] if credits else ""


FACET_TYPE_CODES = {name: TYPE_CODES[name] for name in FACET_TYPES}
