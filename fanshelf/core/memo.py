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
    def __init__(self, size: int, name: str = "") -> None:
        self.size = size
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
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def get_or_make(self, key: Hashable, make: Callable[[], V]) -> V:
        """The memoised value, or `make()` stored under the key (two threads may both make it: harmless)."""
        value = self.get(key)
        return value if value is not None else self.put(key, make())

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
