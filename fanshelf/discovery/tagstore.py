"""Works per filter tag, in less memory: a BitMap for each common tag, a plain id list for each rare one.

About nine tags in ten are carried by a few dozen works at most, and a BitMap object costs a couple of hundred
bytes before its first work (the Python object, the roaring header, one container per 65,536-id chunk touched).
Rare tags live in one `Segments` (four bytes per work, no object per tag) and get a BitMap built when read, which
for a few hundred ids takes microseconds.

Readers see a read-only mapping of tag id -> BitMap, as when this was a dict: `get`, `[]`, `in`, iteration,
`len`, `items`, `values`. Only the index changes it, through `add` and `discard`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TypeVar, overload

import numpy as np
from pyroaring import BitMap

from fanshelf.discovery.columns import IdArray, Segments, bitmap_of

T = TypeVar("T")
RARE_LIMIT = 256  # tags with fewer works than this keep an id list instead of a BitMap


class TagBitmaps(Mapping[int, BitMap]):
    """Tag id -> its works. A tag is either common (a BitMap, kept even when emptied, as a dict would) or rare
    (a non-empty id list, ascending); a rare tag that reaches RARE_LIMIT works becomes common."""

    def __init__(self) -> None:
        self.common: dict[int, BitMap] = {}
        self.rare = Segments()

    @classmethod
    def from_groups(cls, tag_ids: IdArray, bounds: IdArray, works: IdArray) -> TagBitmaps:
        """From works grouped by tag: tag_ids[i]'s works are works[bounds[i]:bounds[i + 1]], ascending, once."""
        store = cls()
        sizes = np.diff(bounds)
        common = np.flatnonzero(sizes >= RARE_LIMIT)
        store.common = {int(tag_ids[i]): bitmap_of(works[bounds[i] : bounds[i + 1]]) for i in common.tolist()}
        rare = sizes < RARE_LIMIT
        owners = np.repeat(tag_ids[rare], sizes[rare])
        in_rare = np.repeat(rare, sizes)
        capacity = int(tag_ids.max()) + 1 if len(tag_ids) else 0
        store.rare = Segments.from_sorted_pairs(owners, works[in_rare], capacity)
        return store

    def _rare_ids(self, tag_id: int) -> IdArray | None:
        ids = self.rare.get(tag_id) if tag_id >= 0 else None
        return ids.astype(np.int64) if ids is not None and len(ids) else None

    @overload
    def get(self, tag_id: int, /) -> BitMap | None: ...
    @overload
    def get(self, tag_id: int, default: BitMap, /) -> BitMap: ...
    @overload
    def get(self, tag_id: int, default: T, /) -> BitMap | T: ...
    def get(self, tag_id: int, default: object = None, /) -> object:
        bitmap = self.common.get(tag_id)
        if bitmap is not None:
            return bitmap
        ids = self._rare_ids(tag_id)
        return default if ids is None else bitmap_of(ids)

    def __getitem__(self, tag_id: int) -> BitMap:
        bitmap = self.get(tag_id)
        if bitmap is None:
            raise KeyError(tag_id)
        return bitmap

    def __contains__(self, tag_id: object) -> bool:
        if not isinstance(tag_id, int):
            return False
        rare = 0 <= tag_id < len(self.rare.length) and bool(self.rare.length[tag_id])
        return rare or tag_id in self.common

    def rare_tags(self) -> IdArray:
        tags: IdArray = np.flatnonzero(self.rare.length)
        return tags

    def __iter__(self) -> Iterator[int]:
        yield from list(self.common)
        yield from self.rare_tags().tolist()

    def __len__(self) -> int:
        return len(self.common) + int(np.count_nonzero(self.rare.length))

    def counts(self) -> tuple[IdArray, IdArray]:
        """(tag ids, how many works each has), without building a BitMap."""
        rare = self.rare_tags()
        tags = np.concatenate([np.fromiter(self.common, np.int64, len(self.common)), rare])
        sizes = [len(b) for b in self.common.values()]
        return tags, np.concatenate([np.asarray(sizes, np.int64), self.rare.length[rare].astype(np.int64)])

    def add(self, tag_id: int, work_id: int) -> None:
        bitmap = self.common.get(tag_id)
        if bitmap is not None:
            bitmap.add(work_id)
            return
        ids = self._rare_ids(tag_id)
        merged = np.union1d(ids if ids is not None else np.zeros(0, np.int64), [work_id])
        if len(merged) >= RARE_LIMIT:
            self.common[tag_id] = bitmap_of(merged)
            merged = merged[:0]
        self.rare.put(tag_id, merged)

    def discard(self, tag_id: int, work_id: int) -> bool:
        """Take a work off a tag; False when the tag is unknown."""
        bitmap = self.common.get(tag_id)
        if bitmap is not None:
            bitmap.discard(work_id)
            return True
        ids = self._rare_ids(tag_id)
        if ids is None:
            return False
        self.rare.put(tag_id, ids[ids != work_id])
        return True

    def optimize(self) -> None:
        for bitmap in self.common.values():
            bitmap.run_optimize()  # runs only where they are smaller; then drop growth slack
            bitmap.shrink_to_fit()

    def nbytes(self) -> int:
        return sum(b.__sizeof__() for b in self.common.values()) + self.rare.nbytes()
