"""Per-work id lists read many at a time (the facet counts): one row of a matrix per work."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from fanshelf.discovery.columns import IdArray, Segments

# The row width covers this share of the lists; the rest of a longer list goes to the overflow.
COVERED = 0.99
# However the lists are spread, a row is never wider than this (a corpus of works with hundreds of tags would
# otherwise make every work pay for them).
WIDEST = 32


class RowLists:
    """A list of positive ids per owner (a work's tags): its first `width` ids in the owner's row of a matrix,
    padded with 0, and any further ids in `overflow` (a `Segments`).

    Reading the lists of tens of thousands of scattered works is then one row take, a cache line per work: about
    twenty times less than a `Segments` gather, which misses the cache three times a work (start, length, data)
    and makes four passes. Rows cost `width` ids a work; the width covers 99 % of the lists when built.
    """

    def __init__(self, width: int = 1) -> None:
        self.rows = np.zeros((0, width), dtype=np.int32)
        self.overflow = Segments()

    @property
    def width(self) -> int:
        return int(self.rows.shape[1])

    def __len__(self) -> int:
        return int(self.rows.shape[0])

    @classmethod
    def from_sorted_pairs(cls, owners: IdArray, values: IdArray, capacity: int) -> RowLists:
        """Build from (owner, value) pairs sorted by owner; every value is positive."""
        counts = np.bincount(owners, minlength=capacity)[:capacity] if len(owners) else np.zeros(capacity, np.int64)
        lengths = counts[counts > 0]
        width = int(np.percentile(lengths, COVERED * 100, method="higher")) if len(lengths) else 1
        lists = cls(max(1, min(width, WIDEST)))
        lists.rows = np.zeros((capacity, lists.width), dtype=np.int32)
        position = np.arange(len(owners), dtype=np.int64) - (np.cumsum(counts) - counts)[owners]
        fits = position < lists.width
        lists.rows[owners[fits], position[fits]] = values[fits]
        lists.overflow = Segments.from_sorted_pairs(owners[~fits], values[~fits], capacity)
        return lists

    def ensure(self, capacity: int) -> None:
        if capacity > len(self):
            grow = max(capacity, len(self) + len(self) // 4) - len(self)
            self.rows = np.concatenate([self.rows, np.zeros((grow, self.width), dtype=np.int32)])
            self.overflow.ensure(len(self))

    def get(self, owner: int) -> npt.NDArray[np.int32]:
        if owner >= len(self):
            return np.zeros(0, dtype=np.int32)
        row = self.rows[owner]
        return np.concatenate([row[row != 0], self.overflow.get(owner)])

    def put(self, owner: int, values: Iterable[int] | npt.NDArray[np.integer]) -> None:
        """Replace one owner's list."""
        new = np.asarray(values if isinstance(values, np.ndarray) else list(values), dtype=np.int32)
        if (new <= 0).any():
            raise ValueError("RowLists holds positive ids only (0 pads the rows)")
        self.ensure(owner + 1)
        self.rows[owner] = 0
        self.rows[owner, : min(len(new), self.width)] = new[: self.width]
        if len(new) > self.width or len(self.overflow.get(owner)):
            self.overflow.put(owner, new[self.width :])

    def padded(self, owners: npt.NDArray[np.integer]) -> npt.NDArray[np.int32]:
        """Every id of the given owners in one array, with a 0 wherever a row was padded: for counting
        (`np.bincount` counts the padding at 0, which is no id)."""
        owners = owners[owners < len(self)]
        rows = np.take(self.rows, owners, axis=0).ravel()
        if not len(self.overflow.data):
            return rows
        longer = owners[self.overflow.length[owners] > 0]
        return np.concatenate([rows, self.overflow.gather(longer)]) if len(longer) else rows

    def pairs(self, owners: IdArray) -> tuple[IdArray, IdArray]:
        """(owner, id) for every id of the given owners, in no particular order."""
        owners = owners[owners < len(self)]
        rows = np.take(self.rows, owners, axis=0)
        filled = rows != 0
        pair_owners = [np.repeat(owners, filled.sum(axis=1))]
        pair_values = [rows[filled].astype(np.int64)]
        longer = owners[self.overflow.length[owners] > 0] if len(self.overflow.data) else owners[:0]
        if len(longer):
            pair_owners.append(np.repeat(longer, self.overflow.length[longer].astype(np.int64)))
            pair_values.append(self.overflow.gather(longer).astype(np.int64))
        return np.concatenate(pair_owners), np.concatenate(pair_values)

    def nbytes(self) -> int:
        return int(self.rows.nbytes) + self.overflow.nbytes()
