"""A small bounded memo for rendered HTML: per process, thread-safe, least recently used out first.

Everything memoised here is keyed by exactly what decides its content (and who may see it), so an entry is never
stale and never reaches the wrong reader; the bound only limits memory. Hits and misses are counted for /metrics
(core/metrics.py), under the memo's name: the module that made it, unless given one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from fanshelf.core.metrics import caller_module, memo_counters

V = TypeVar("V")


class Memo(Generic[V]):
    def __init__(self, size: int, name: str = "", weigh: Callable[[V], int] | None = None) -> None:
        """`size`: how many entries it keeps, or with `weigh` (an entry's weight: bytes, say) their total weight;
        an entry heavier than that on its own is not kept."""
        self.size = size
        self._weigh = weigh
        self._weight = 0
        self._entries: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()
        self._count_hit, self._count_miss = memo_counters(name or caller_module())

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
        if value is None:
            self._count_miss()
        else:
            self._count_hit()
        return value

    def put(self, key: Hashable, value: V) -> V:
        if self._weight_of(value) > self.size:
            return value  # it would push out everything, itself included
        with self._lock:
            replaced = self._entries.pop(key, None)
            if replaced is not None:
                self._weight -= self._weight_of(replaced)
            self._entries[key] = value
            self._weight += self._weight_of(value)
            while self._entries and self._weight > self.size:
                self._weight -= self._weight_of(self._entries.popitem(last=False)[1])
        return value

    def _weight_of(self, value: V) -> int:
        return 1 if self._weigh is None else self._weigh(value)

    def get_or_make(self, key: Hashable, make: Callable[[], V]) -> V:
        """The memoised value, or `make()` stored under the key (two threads may both make it: harmless)."""
        value = self.get(key)
        return value if value is not None else self.put(key, make())

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._weight = 0

    def __len__(self) -> int:
        return len(self._entries)
