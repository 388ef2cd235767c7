"""Numpy storage indexed by work id: growable columns, per-work id lists, and string sort ranks."""

from __future__ import annotations

import array
import unicodedata
from collections.abc import Iterable
from typing import Any, cast

import numpy as np
import numpy.typing as npt
from pyroaring import BitMap

IdArray = npt.NDArray[np.int64]
SORT_KEY_BYTES = 24
_ARTICLES = ("the ", "a ", "an ")
_LEADING = " \t\"'“”‘’([{«¡¿-–—…*~!#.,:;/"


def empty_ids() -> IdArray:
    return np.zeros(0, dtype=np.int64)


def bitmap_of(ids: npt.NDArray[np.integer] | Iterable[int]) -> BitMap:
    """A BitMap from a numpy array of non-negative ids (the array.array path is ~10x faster than iterating)."""
    if isinstance(ids, np.ndarray):
        return BitMap(array.array("I", ids.astype(np.uint32, copy=False).tobytes()))
    return BitMap(ids)


def ids_of(bitmap: BitMap) -> IdArray:
    """A bitmap's members as a sorted int64 array."""
    return np.frombuffer(bitmap.to_array(), dtype=np.uint32).astype(np.int64)


def sort_key(text: str) -> bytes:
    """How titles and creator names sort: case and accents ignored, leading punctuation and articles skipped.

    Keys are cut to SORT_KEY_BYTES bytes; names equal that far sort by work id.
    """
    folded = text.casefold()
    if not folded.isascii():
        folded = "".join(ch for ch in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(ch))
    folded = folded.lstrip(_LEADING)
    for article in _ARTICLES:
        if folded.startswith(article) and len(folded) > len(article):
            folded = folded[len(article) :].lstrip()
            break
    return folded.encode("utf-8")[:SORT_KEY_BYTES]


def sort_keys(texts: list[str]) -> npt.NDArray[np.bytes_]:
    """`sort_key` for many texts at once."""
    encoded = [t.encode() for t in texts]
    return sort_keys_utf8(b"".join(encoded), np.fromiter(map(len, encoded), np.int64, len(encoded)))


def _byte_table(chars: str) -> npt.NDArray[np.bool_]:
    table = np.zeros(256, dtype=np.bool_)
    table[[ord(ch) for ch in chars if ch.isascii()]] = True
    return table


_STRIPPED = _byte_table(_LEADING)
_SPACES = _byte_table("".join(chr(i) for i in range(128) if chr(i).isspace()))  # what str.lstrip() removes
_LOWER = np.arange(256, dtype=np.uint8)
_LOWER[ord("A") : ord("Z") + 1] += 32


def sort_keys_utf8(data: bytes, lengths: IdArray) -> npt.NDArray[np.bytes_]:
    """`sort_key` of each text in `data` (UTF-8 texts concatenated, `lengths` in bytes), without a Python object
    per text: ASCII texts are folded with numpy over the whole buffer (casefold is lower() for ASCII, and there
    are no accents); the rest, usually very few, go through `sort_key` itself."""
    ends = np.cumsum(lengths)
    starts = ends - lengths
    raw = np.frombuffer(data, dtype=np.uint8)
    folded = _LOWER[raw]
    begin = _skip(folded, starts, ends, _STRIPPED)
    pending = np.ones(len(lengths), dtype=np.bool_)
    for article in _ARTICLES:  # the first article that matches wins, as in sort_key
        word = np.frombuffer(article.encode(), dtype=np.uint8)
        hit = pending & (ends - begin > len(word))
        for offset, byte in enumerate(word.tolist()):
            chosen = np.flatnonzero(hit)
            hit[chosen] = folded[begin[chosen] + offset] == byte
        chosen = np.flatnonzero(hit)
        begin[chosen] = _skip(folded, begin[chosen] + len(word), ends[chosen], _SPACES)
        pending &= ~hit
    keys = np.zeros((len(lengths), SORT_KEY_BYTES), dtype=np.uint8)
    for offset in range(SORT_KEY_BYTES):
        inside = np.flatnonzero(begin + offset < ends)
        keys[inside, offset] = folded[begin[inside] + offset]
    result = keys.view(f"S{SORT_KEY_BYTES}").reshape(-1)
    accented = np.unique(np.searchsorted(ends, np.flatnonzero(raw >= 0x80), side="right"))
    for i in accented.tolist():
        result[i] = sort_key(data[starts[i] : ends[i]].decode())
    return result


def _skip(data: npt.NDArray[np.uint8], at: IdArray, ends: IdArray, table: npt.NDArray[np.bool_]) -> IdArray:
    """Each position moved past the bytes `table` marks, up to its end (work only for the texts that move)."""
    at = at.copy()
    active = np.flatnonzero(at < ends)
    while len(active):
        active = active[table[data[at[active]]]]
        at[active] += 1
        active = active[at[active] < ends[active]]
    return at


def fixed_width(data: bytes, lengths: IdArray) -> npt.NDArray[np.bytes_]:
    """Concatenated byte strings as a fixed-width numpy bytes array (trailing NUL bytes are lost)."""
    width = max(int(lengths.max()) if len(lengths) else 0, 1)
    if len(lengths) and int(lengths.min()) == width:  # all one width (dates, usually): no copying needed
        same: npt.NDArray[np.bytes_] = np.frombuffer(data, dtype=f"S{width}")
        return same
    ends = np.cumsum(lengths)
    starts = ends - lengths
    raw = np.frombuffer(data, dtype=np.uint8)
    table = np.zeros((len(lengths), width), dtype=np.uint8)
    for offset in range(width):
        inside = np.flatnonzero(offset < lengths)
        table[inside, offset] = raw[starts[inside] + offset]
    return table.view(f"S{width}").reshape(-1)


class Columns:
    """Named numpy columns indexed by work id, grown together."""

    def __init__(self, specs: dict[str, npt.DTypeLike]) -> None:
        self.specs = dict(specs)
        self.capacity = 0
        self.arrays: dict[str, npt.NDArray[np.generic]] = {
            name: np.zeros(0, dtype=kind) for name, kind in specs.items()
        }

    def ensure(self, max_id: int) -> None:
        """Make room for work ids up to max_id (doubling, so appends stay amortised O(1))."""
        if max_id < self.capacity:
            return
        new_capacity = max(max_id + 1, self.capacity * 2, 1024)
        for name, old in self.arrays.items():
            grown = np.zeros(new_capacity, dtype=old.dtype)
            grown[: len(old)] = old
            self.arrays[name] = grown
        self.capacity = new_capacity

    def __getitem__(self, name: str) -> npt.NDArray[np.generic]:
        return self.arrays[name]

    def put(self, name: str, owners: IdArray | int, values: IdArray | int) -> None:
        """Write values, first widening the column if one does not fit its type (counts start narrow: most
        never pass 65,535)."""
        column = self.arrays[name]
        numbers = np.asarray(values, dtype=np.int64)
        if numbers.size:
            low, high = int(numbers.min()), int(numbers.max())
            for kind in (column.dtype, np.dtype(np.uint32), np.dtype(np.int64)):
                info = np.iinfo(cast(Any, kind))
                if info.min <= low and high <= info.max:
                    break
            if kind != column.dtype:
                column = self.arrays[name] = column.astype(kind)
        column[owners] = numbers

    def nbytes(self) -> int:
        return sum(a.nbytes for a in self.arrays.values())


class Segments:
    """A list of ids per owner (CSR-like), updatable: a rewrite appends a new segment, old space is garbage until
    `compact` runs. Offsets are uint32 and lengths as narrow as the longest list allows (a work has tens of tags,
    a pseud rarely thousands of works); a longer list widens the lengths to uint32, so nothing is ever cut."""

    def __init__(self) -> None:
        self.start = np.zeros(0, dtype=np.uint32)
        self.length: npt.NDArray[np.unsignedinteger] = np.zeros(0, dtype=np.uint16)
        self.data = np.zeros(0, dtype=np.int32)
        self.used = 0
        self.garbage = 0

    @classmethod
    def from_sorted_pairs(cls, owners: IdArray, values: IdArray, capacity: int) -> Segments:
        """Build from (owner, value) pairs sorted by owner."""
        segments = cls()
        counts = np.bincount(owners, minlength=capacity)[:capacity] if len(owners) else np.zeros(capacity, np.int64)
        segments.start = np.zeros(capacity, dtype=np.uint32)
        segments.start[1:] = np.cumsum(counts, dtype=np.int64)[:-1]
        longest = int(counts.max()) if len(counts) else 0
        segments.length = counts.astype(np.uint8 if longest <= 0xFF else np.uint16 if longest <= 0xFFFF else np.uint32)
        segments.data = values.astype(np.int32)
        segments.used = len(values)
        return segments

    def ensure(self, capacity: int) -> None:
        if capacity > len(self.start):
            grow = max(capacity, len(self.start) + len(self.start) // 4) - len(self.start)
            self.start = np.concatenate([self.start, np.zeros(grow, dtype=self.start.dtype)])
            self.length = np.concatenate([self.length, np.zeros(grow, dtype=self.length.dtype)])

    def get(self, owner: int) -> npt.NDArray[np.int32]:
        if owner >= len(self.start):
            return np.zeros(0, dtype=np.int32)
        begin = int(self.start[owner])
        return self.data[begin : begin + int(self.length[owner])]

    def put(self, owner: int, values: Iterable[int] | npt.NDArray[np.integer]) -> None:
        """Replace one owner's list."""
        new = np.asarray(values, dtype=np.int32) if isinstance(values, np.ndarray) else np.fromiter(values, np.int32)
        self.ensure(owner + 1)
        if len(new) > np.iinfo(self.length.dtype).max:
            self.length = self.length.astype(np.uint32)
        self.garbage += int(self.length[owner])
        if self.used + len(new) > len(self.data):
            grown = np.zeros(max(len(self.data) * 2, self.used + len(new), 1024), dtype=np.int32)
            grown[: self.used] = self.data[: self.used]
            self.data = grown
        self.data[self.used : self.used + len(new)] = new
        self.start[owner] = self.used
        self.length[owner] = len(new)
        self.used += len(new)
        if self.garbage > max(self.used // 2, 1 << 16):
            self.compact()

    def gather(self, owners: IdArray) -> npt.NDArray[np.int32]:
        """All values of the given owners, concatenated (the small-result facet path)."""
        owners = owners[owners < len(self.start)]
        lengths = self.length[owners].astype(np.int64)
        ends = np.cumsum(lengths)
        total = int(ends[-1]) if len(ends) else 0
        if total == 0:
            return np.zeros(0, dtype=np.int32)
        shifts = np.repeat(self.start[owners].astype(np.int64) - (ends - lengths), lengths)
        shifts += np.arange(total, dtype=np.int64)
        gathered: npt.NDArray[np.int32] = self.data[shifts]
        return gathered

    def compact(self) -> None:
        """Rewrite the data without garbage, keeping every owner's list."""
        order = np.arange(len(self.start), dtype=np.int64)
        values = self.gather(order)
        ends = np.cumsum(self.length.astype(np.int64))
        self.start = (ends - self.length).astype(np.uint32)
        self.data = values.copy()
        self.used = len(values)
        self.garbage = 0

    def nbytes(self) -> int:
        return int(self.start.nbytes + self.length.nbytes + self.data.nbytes)


class ShortLists:
    """A list of ids per owner where most lists hold exactly one id (a work's credited pseuds): that id is stored
    inline as one int32, and only longer lists go to a `Segments` under a compact slot, which saves the
    Segments' 5 bytes of offset and length per owner. Inline values: an id (>= 0), NONE, or -(slot + 2)."""

    NONE = -1

    def __init__(self) -> None:
        self.inline = np.zeros(0, dtype=np.int32)
        self.longer = Segments()
        self.slots = 0

    @classmethod
    def from_sorted_pairs(cls, owners: IdArray, values: IdArray, capacity: int) -> ShortLists:
        """Build from (owner, value) pairs sorted by owner."""
        lists = cls()
        counts = np.bincount(owners, minlength=capacity)[:capacity] if len(owners) else np.zeros(capacity, np.int64)
        firsts = np.cumsum(counts) - counts
        lists.inline = np.full(capacity, cls.NONE, dtype=np.int32)
        single = np.flatnonzero(counts == 1)
        lists.inline[single] = values[firsts[single]]
        several = np.flatnonzero(counts > 1)
        lists.slots = len(several)
        lists.inline[several] = -(np.arange(len(several)) + 2)
        chosen = counts[owners] > 1
        slot_of_pair = np.repeat(np.arange(len(several)), counts[several])
        lists.longer = Segments.from_sorted_pairs(slot_of_pair, values[chosen], len(several))
        return lists

    def ensure(self, capacity: int) -> None:
        if capacity > len(self.inline):
            grow = max(capacity, len(self.inline) + len(self.inline) // 4) - len(self.inline)
            self.inline = np.concatenate([self.inline, np.full(grow, self.NONE, dtype=np.int32)])

    def get(self, owner: int) -> npt.NDArray[np.int32]:
        value = int(self.inline[owner]) if owner < len(self.inline) else self.NONE
        if value >= 0:
            return np.asarray([value], dtype=np.int32)
        return self.longer.get(-value - 2) if value != self.NONE else np.zeros(0, dtype=np.int32)

    def put(self, owner: int, values: Iterable[int] | npt.NDArray[np.integer]) -> None:
        """Replace one owner's list. An owner that once had a longer list keeps its slot for good (so slots never
        leak); the rest store none or one id inline."""
        new = np.asarray(list(values) if not isinstance(values, np.ndarray) else values, dtype=np.int32)
        self.ensure(owner + 1)
        current = int(self.inline[owner])
        if current < self.NONE:
            self.longer.put(-current - 2, new)
        elif len(new) <= 1:
            self.inline[owner] = new[0] if len(new) else self.NONE
        else:
            self.inline[owner] = -(self.slots + 2)
            self.longer.put(self.slots, new)
            self.slots += 1

    def nbytes(self) -> int:
        return int(self.inline.nbytes) + self.longer.nbytes()


class SortRank:
    """A uint32 rank per work id giving the order of a string key (0: no key), kept current by midpoint
    insertion.

    Ranks are spread evenly over the uint32 range, so a million works leave gaps of ~4,000: a changed work gets
    the midpoint of its neighbours' ranks (one vectorised scan), and when two neighbours have no rank left
    between them, or many works change at once, every rank is recomputed from the keys (~0.1 s per million).
    Half the memory of float64 ranks plus a presence flag.
    """

    TOP = 2**32 - 1

    def __init__(self, capacity: int = 0) -> None:
        self.keys = np.zeros(capacity, dtype=f"S{SORT_KEY_BYTES}")
        self.rank = np.zeros(capacity, dtype=np.uint32)

    def ensure(self, capacity: int) -> None:
        if capacity > len(self.keys):
            grow = max(capacity, len(self.keys) * 2) - len(self.keys)
            self.keys = np.concatenate([self.keys, np.zeros(grow, dtype=self.keys.dtype)])
            self.rank = np.concatenate([self.rank, np.zeros(grow, dtype=np.uint32)])

    def mark(self, owners: IdArray) -> None:
        """Give these works a key-holding placeholder rank; the caller then calls `rerank()`."""
        self.rank[owners] = 1

    def rerank(self) -> None:
        """Recompute every rank: order by key, then by work id."""
        ids = np.flatnonzero(self.rank)
        order = np.lexsort((ids, self.keys[ids]))
        gap = max(self.TOP // (len(ids) + 1), 1)
        self.rank[ids[order]] = np.arange(1, len(ids) + 1, dtype=np.int64) * gap

    def set(self, owner: int, key: bytes | None, defer: bool = False) -> None:
        """Set (or with None, remove) one work's key, keeping ranks ordered; with `defer` the caller promises to
        call `rerank()` after a batch."""
        self.ensure(owner + 1)
        self.rank[owner] = 0
        if key is None:
            self.keys[owner] = b""  # a deleted work's title (or a forgotten name) is not kept
            return
        self.keys[owner] = key
        if defer:
            self.rank[owner] = 1
            return
        stored = self.keys[owner]
        others = self.rank != 0
        before = others & ((self.keys < stored) | ((self.keys == stored) & (np.arange(len(self.keys)) < owner)))
        after = others & ~before
        low = int(self.rank[before].max()) if before.any() else 0
        high = int(self.rank[after].min()) if after.any() else self.TOP
        middle = (low + high) // 2
        if low < middle < high:
            self.rank[owner] = middle
        else:
            self.rank[owner] = 1
            self.rerank()

    def nbytes(self) -> int:
        return int(self.keys.nbytes + self.rank.nbytes)


class GroupRank:
    """The order of a key many works share (creator names): per work a uint32 slot naming a distinct key, and a
    SortRank over the distinct keys. 4 bytes per work instead of a 24-byte key and an 8-byte rank; works with
    equal keys tie, and the page sort breaks ties by work id as it does for every key."""

    def __init__(self) -> None:
        self.slot = np.zeros(0, dtype=np.uint32)  # 0: no key; n > 0: the key in table row n
        self.table = SortRank(1)  # row 0 stands for "no key"
        # Key -> slot: the bulk-loaded keys as sorted arrays (a dict of ~100,000 bytes objects per million works
        # cost ~100 bytes each), keys added since in a dict.
        self.base_keys = np.zeros(0, dtype=f"S{SORT_KEY_BYTES}")
        self.base_slots = np.zeros(0, dtype=np.uint32)
        self.added: dict[bytes, int] = {}
        self.count = 0

    def ensure(self, capacity: int) -> None:
        if capacity > len(self.slot):
            grow = max(capacity, len(self.slot) * 2) - len(self.slot)
            self.slot = np.concatenate([self.slot, np.zeros(grow, dtype=np.uint32)])

    def _slot_of(self, key: bytes, defer: bool) -> int:
        slot = self.added.get(key)
        if slot is not None:
            return slot
        where = int(np.searchsorted(self.base_keys, key))
        if where < len(self.base_keys) and self.base_keys[where] == key:
            return int(self.base_slots[where])
        self.count += 1
        slot = self.added[key] = self.count
        self.table.set(slot, key, defer=defer)
        return slot

    def set_many(self, owners: IdArray, table: npt.NDArray[np.bytes_], rows: IdArray) -> None:
        """Bulk load into an empty rank: owners[i] gets key table[rows[i]]; every distinct key some owner uses once
        (sorted, so they also serve as the key -> slot lookup; a name no work shows is not kept), then one rerank."""
        used = np.flatnonzero(np.bincount(rows, minlength=len(table)))  # the table rows some owner uses, in order
        position = np.zeros(len(table), dtype=np.int64)
        position[used] = np.arange(len(used))
        distinct, inverse = np.unique(table[used], return_inverse=True)
        slots = np.arange(1, len(distinct) + 1, dtype=np.int64)
        self.table.ensure(len(distinct) + 1)
        self.table.keys[slots] = distinct
        self.table.mark(slots)
        self.base_keys, self.base_slots, self.added, self.count = distinct, slots.astype(np.uint32), {}, len(distinct)
        self.table.rerank()
        self.ensure(int(owners.max()) + 1 if len(owners) else 0)
        self.slot[owners] = slots[inverse.reshape(-1)][position[rows]]

    def set(self, owner: int, key: bytes | None, defer: bool = False) -> None:
        self.ensure(owner + 1)
        self.slot[owner] = 0 if key is None else self._slot_of(key, defer)

    def rerank(self) -> None:
        self.table.rerank()

    def forget_unused(self, slots: Iterable[int]) -> int:
        """Drop the keys in these slots that no work uses any more (the name of a deleted or renamed pseud, say), so
        the index holds no name its works no longer show; returns how many went. A dropped slot is not reused."""
        forgotten = 0
        candidates = sorted(set(slots) - {0})
        # One pass over every work's slot answers for many candidates at once; a few are checked one by one.
        counts = np.bincount(self.slot, minlength=len(self.table.keys)) if len(candidates) > 8 else None
        for slot in candidates:
            if slot >= len(self.table.keys):
                continue
            if (counts[slot] if counts is not None else (self.slot == slot).sum()) > 0:
                continue
            key = bytes(self.table.keys[slot])
            if self.added.get(key) == slot:
                del self.added[key]
            else:
                where = int(np.searchsorted(self.base_keys, key))
                if where < len(self.base_keys) and int(self.base_slots[where]) == slot:
                    self.base_keys = np.delete(self.base_keys, where)
                    self.base_slots = np.delete(self.base_slots, where)
            self.table.set(slot, None)
            forgotten += 1
        return forgotten

    def values(self, owners: npt.NDArray[np.integer[Any]]) -> npt.NDArray[np.float64]:
        """Sort values for these works (0 for a work without a key)."""
        ranks: npt.NDArray[np.float64] = self.table.rank[self.slot[owners]].astype(np.float64)
        return ranks

    def nbytes(self) -> int:
        return int(self.slot.nbytes + self.table.nbytes())
