"""The process's shared discovery index, kept current from the outbox.

`current_index()` loads the index on first use and, at most every DISCOVERY_REFRESH_SECONDS (default 1), applies
new outbox rows before returning it. `ensure_fresh()` applies them now: call it after a write (or before a query
that must show the viewer's own write). Both are one cheap query when nothing changed.

Refreshing happens inline in the reading thread, not in a background thread: gunicorn forks preloaded workers and
threads do not survive a fork, while an inline check works in every worker and in tests alike.

Count changes alone (outbox kinds in `works.models.COUNT_ONLY_KINDS`: hits, kudos, comment and bookmark counts) are not
applied at once: they wait in `LiveIndex.waiting` and are applied together, counts only, at most every
FANSHELF_STATS_REFRESH_SECONDS, moving the *stats* version (`fresh_stats()`) instead of the state. So a busy
archive's hits do not throw away every memoised listing; every other change is applied at once, as before.

Outbox ids are allocated when a transaction inserts, not when it commits, so on PostgreSQL a lower id can become
visible after a higher one. Ids skipped over are kept as *gaps* and re-checked for GAP_SECONDS; a gap that fills
is applied then (a rolled-back transaction leaves a gap that never fills and simply expires). The wrangling
outbox is read the same way: two wranglers' changes to different tags commit in either order.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.db import DatabaseError, connection

from fanshelf.core.prepared import fetch_all
from fanshelf.discovery import text
from fanshelf.discovery.closure import tag_changes
from fanshelf.discovery.index import COUNT_FIELDS, DiscoveryIndex
from fanshelf.tags.models import TagChange
from fanshelf.works.models import COUNT_ONLY_KINDS, WorkChange

logger = logging.getLogger(__name__)
GAP_SECONDS = 120.0
REINDEXED = "reindexed"  # an outbox kind: `fanshelf reindex` ran; every process rebuilds its index
MAX_GAPS = 1_000
_builds = itertools.count(1)  # numbers every index this process builds, so versions from two builds never meet


class Polled(NamedTuple):
    """New outbox rows as {work id: latest outbox id}: the changes listings must see at once (and the text rows
    follow), the count changes that may wait for the next stats batch, and whether a full reindex was announced."""

    changes: dict[int, int]
    stats: dict[int, int]
    reindexed: bool


def _moved_past(watermark: int, gaps: dict[int, float], seen: Iterable[int]) -> tuple[int, dict[int, float]]:
    """A cursor's new watermark and gaps once it has seen these outbox ids: the ids skipped below the highest one
    become gaps, the gaps seen are filled, and gaps older than GAP_SECONDS expire."""
    now = time.monotonic()
    ids = set(seen)
    gaps = {pk: since for pk, since in gaps.items() if pk not in ids}
    if ids:
        highest = max(ids)
        for missing in range(max(watermark + 1, highest - MAX_GAPS), highest):
            if missing not in ids:
                gaps[missing] = now
        watermark = max(watermark, highest)
    return watermark, {pk: since for pk, since in gaps.items() if now - since < GAP_SECONDS}


@dataclass
class OutboxCursor:
    """Where this process is in the works outbox and in the wrangling outbox: for each, a watermark plus recently
    skipped ids."""

    watermark: int = 0
    gaps: dict[int, float] = field(default_factory=dict)
    tag_watermark: int = 0
    tag_gaps: dict[int, float] = field(default_factory=dict)

    def start_at_end(self) -> None:
        self.watermark, self.tag_watermark = outbox_tops()

    def through(self) -> int:
        """The outbox id up to which this cursor has seen every row (below its lowest gap)."""
        return min(self.gaps) - 1 if self.gaps else self.watermark

    def copy(self) -> OutboxCursor:
        return replace(self, gaps=dict(self.gaps), tag_gaps=dict(self.tag_gaps))

    def poll(self, top: int) -> Polled:
        """New outbox rows, given the outbox's current top id."""
        rows: list[tuple[int, int, str]] = []
        if top > self.watermark:
            rows = list(WorkChange.objects.filter(pk__gt=self.watermark).values_list("pk", "work_id", "kind"))
        if self.gaps:
            rows += WorkChange.objects.filter(pk__in=list(self.gaps)).values_list("pk", "work_id", "kind")
        self.watermark, self.gaps = _moved_past(self.watermark, self.gaps, (pk for pk, _, _ in rows))
        changes: dict[int, int] = {}
        stats: dict[int, int] = {}
        for pk, work_id, kind in rows:
            if kind != REINDEXED:
                found = stats if kind in COUNT_ONLY_KINDS else changes
                found[work_id] = max(pk, found.get(work_id, 0))
        return Polled(changes, stats, any(kind == REINDEXED for _, _, kind in rows))

    def poll_tags(self, tag_top: int) -> list[int]:
        """The tags of new wrangling outbox rows (and of gaps filled since), given the wrangling outbox's top id."""
        if tag_top <= self.tag_watermark and not self.tag_gaps:
            return []
        rows = tag_changes(self.tag_watermark, self.tag_gaps)
        self.tag_watermark, self.tag_gaps = _moved_past(self.tag_watermark, self.tag_gaps, (pk for pk, _ in rows))
        return sorted({tag_id for _, tag_id in rows})


def outbox_tops() -> tuple[int, int]:
    """The highest works outbox id and the highest wrangling outbox id, in one query of two index lookups (it runs
    on every listing request)."""
    works = connection.ops.quote_name(WorkChange._meta.db_table)
    tags = connection.ops.quote_name(TagChange._meta.db_table)
    [(top, tag_top)] = fetch_all(f"SELECT (SELECT MAX(id) FROM {works}), (SELECT MAX(id) FROM {tags})", [])  # noqa: S608
    return int(top or 0), int(tag_top or 0)


class LiveIndex:
    """A DiscoveryIndex plus the outbox cursor that keeps it (and the text table) current."""

    def __init__(self) -> None:
        self._refresh_lock = threading.Lock()
        self.cursor = OutboxCursor()
        self.index = DiscoveryIndex()
        self.last_refresh = 0.0
        self.build = 0
        self.batches = 0  # outbox batches applied since the build (count changes alone are not among them)
        self.changed_in = np.zeros(0, np.uint32)  # per work id: the batch that last changed it (0: the build)
        self.stats = 0  # stats batches applied since the build
        self.stats_in = np.zeros(0, np.uint32)  # per work id: the stats batch that last moved its counts
        self.stats_of = dict.fromkeys(COUNT_FIELDS, 0)  # per count: the stats batch that last moved it for a work
        # Count changes not applied yet, {work id: latest outbox id}; replaced, never changed in place, so a reader
        # holding it sees one moment's waiting changes.
        self.waiting: Mapping[int, int] = {}
        self.stats_applied = 0.0  # when the last stats batch was applied (time.monotonic)
        self.text_through = 0  # every outbox row up to this id is in the text table (`text_mark`)
        self._load()

    def _load(self) -> None:
        # Read the watermark first: changes committed while we build are applied again, which is harmless.
        cursor = OutboxCursor()
        cursor.start_at_end()
        text.catch_up()
        self.index = DiscoveryIndex.build()
        self.cursor, self.text_through = cursor, cursor.watermark
        self.last_refresh = self.stats_applied = time.monotonic()
        self.build, self.batches, self.changed_in = next(_builds), 0, np.zeros(0, np.uint32)
        self.stats, self.stats_in, self.waiting = 0, np.zeros(0, np.uint32), {}
        self.stats_of = dict.fromkeys(COUNT_FIELDS, 0)

    def state(self) -> tuple[int, int]:
        """Changes whenever anything this process lists may have changed, counts aside: (build, batches applied
        since). Counts move `stats` instead."""
        return self.build, self.batches

    def versions(self, work_ids: Iterable[int], waiting: bool = False) -> list[tuple[int, int, int, int]]:
        """Per work, a version that changes whenever an outbox row naming the work is applied (so with everything
        shown about it: every write that changes what a blurb shows writes one) or the index is rebuilt. Count
        changes move it when their stats batch is applied; with `waiting`, already when they are polled (the
        outbox id of the latest one waiting), for a reader who must see their own kudos at once."""
        changed, stats, pending = self.changed_in, self.stats_in, self.waiting if waiting else {}
        return [(self.build, _at(changed, w), _at(stats, w), pending.get(w, 0)) for w in work_ids]

    def _apply_stats(self) -> int:
        """Write the waiting count changes into the index's count columns in one batch (the caller holds the
        refresh lock); the stats version moves only if a listed work's counts really moved."""
        moved = self.index.apply_counts(self.waiting)
        if moved.works:
            self.stats += 1
            self.stats_in = _stamped(self.stats_in, moved.works, self.stats)
            self.stats_of = {**self.stats_of, **dict.fromkeys(moved.fields, self.stats)}
        self.waiting = {}
        self.stats_applied = time.monotonic()
        return len(moved.works)

    def refresh(self) -> int:
        """Apply new outbox rows (and wrangling changes), and the waiting count changes when their interval has
        passed; returns how many works were re-read."""
        with self._refresh_lock:
            self.last_refresh = time.monotonic()
            top, tag_top = outbox_tops()
            if top < self.cursor.watermark:
                logger.warning("discovery: the outbox went backwards (a restored database?); rebuilding the index")
                self._load()
                return len(self.index)
            saved = self.cursor.copy()
            try:
                applied = self._apply(top, tag_top)
            except Exception:
                self.cursor = saved  # try these rows again next time
                raise
            self.text_through = self.cursor.through()  # only now: the rows polled are in the text table too
            if self.waiting and self.last_refresh - self.stats_applied >= stats_seconds():
                applied += self._apply_stats()  # the rows are polled: a failure here leaves them waiting
            return applied

    def _apply(self, top: int, tag_top: int) -> int:
        """Poll the outbox and apply what it names at once; count changes join `waiting` (the caller holds the
        refresh lock)."""
        changes, stats, reindexed = self.cursor.poll(top)
        if reindexed:
            self._load()
            return len(self.index)
        changed_tags = self.cursor.poll_tags(tag_top)
        work_ids = set(changes)
        text_changes = dict(changes)
        if changed_tags:
            rewrangled = self.index.reload_graph(changed_tags)
            work_ids.update(rewrangled)
            for work_id in rewrangled:
                text_changes.setdefault(work_id, self.cursor.watermark)
        if stats or work_ids:
            # A work re-read whole below gets its counts too: nothing of it needs to wait.
            waiting = {**self.waiting, **{w: max(pk, self.waiting.get(w, 0)) for w, pk in stats.items()}}
            self.waiting = {w: pk for w, pk in waiting.items() if w not in work_ids}
        if not work_ids and not changed_tags:
            return 0
        # The state moves on last, once the text rows and the index hold the batch: whatever is kept under a state
        # (listings, text hits) is then never older than it.
        batch = self.batches + 1
        self.changed_in = _stamped(self.changed_in, work_ids, batch)
        try:
            text.apply_changes(text_changes)
        except DatabaseError:
            # A read-only database (or a busy one) must not break listings; filters stay current.
            logger.exception("discovery: could not update the text index; it catches up on the next start")
        applied = self.index.apply_works(work_ids)
        self.batches = batch
        return applied


def _at(stamps: npt.NDArray[np.uint32], work_id: int) -> int:
    return int(stamps[work_id]) if work_id < len(stamps) else 0


def _stamped(stamps: npt.NDArray[np.uint32], work_ids: Iterable[int], value: int) -> npt.NDArray[np.uint32]:
    """`stamps` with these works set to `value`, grown (as a new array) when a work id is past its end. Readers see
    the old array or the filled new one, never a half-filled one."""
    ids = list(work_ids)
    if ids and max(ids) >= len(stamps):
        grown: npt.NDArray[np.uint32] = np.zeros(max(ids) * 2 + 1, np.uint32)
        grown[: len(stamps)] = stamps
        stamps = grown
    stamps[ids] = value
    return stamps


_shared: LiveIndex | None = None
_shared_lock = threading.Lock()


def refresh_seconds() -> float:
    return float(getattr(settings, "DISCOVERY_REFRESH_SECONDS", 1.0))


def stats_seconds() -> float:
    """How long count changes may wait for their stats batch (FANSHELF_STATS_REFRESH_SECONDS; 0: none)."""
    return float(getattr(settings, "FANSHELF_STATS_REFRESH_SECONDS", 5))


def _live() -> LiveIndex:
    global _shared
    if _shared is None:
        with _shared_lock:
            if _shared is None:
                _shared = LiveIndex()
    return _shared


def current_index() -> DiscoveryIndex:
    """The shared index, refreshed from the outbox if the last refresh is older than the interval."""
    live = _live()
    if time.monotonic() - live.last_refresh >= refresh_seconds():
        live.refresh()
    return live.index


def ensure_fresh() -> DiscoveryIndex:
    """The shared index with every committed outbox row applied (a viewer sees their own write)."""
    live = _live()
    live.refresh()
    return live.index


def fresh_versions(work_ids: Iterable[int], waiting: bool = False) -> list[tuple[int, int, int, int]]:
    """`LiveIndex.versions` of the shared index (call after `ensure_fresh`)."""
    return _live().versions(work_ids, waiting)


def fresh_state() -> tuple[int, int]:
    """`LiveIndex.state` of the shared index (call after `ensure_fresh`): moves with every change but counts."""
    return _live().state()


def state_if_shared(index: DiscoveryIndex) -> tuple[int, int] | None:
    """The shared index's state when `index` is it (call after `ensure_fresh`), else None (an index a test built)."""
    live = _shared
    return live.state() if live is not None and live.index is index else None


def changed_since(state: tuple[int, int]) -> npt.NDArray[np.intp] | None:
    """The works changed (counts aside) since the shared index was at `state`, by id; None when it was rebuilt
    since (or is not built), so anything kept from then must be read again."""
    live = _shared
    if live is None or live.build != state[0] or live.batches < state[1]:
        return None
    return np.flatnonzero(live.changed_in > state[1])


def text_mark() -> int:
    """The outbox id up to which every change is in the text table, as the shared index last saw it (call after
    `ensure_fresh`): text hits read from now on miss no change up to it (shared_hits.py)."""
    return _live().text_through


def changed_after(mark: int, most: int) -> list[int] | None:
    """The works named by outbox rows after `mark`, counts aside: what hits read at that mark may hold wrongly.
    None when a reindex came since, the outbox is behind the mark (a database restored from before it), or more
    than `most` rows came since."""
    rows = WorkChange.objects.filter(pk__gt=mark).exclude(kind__in=COUNT_ONLY_KINDS)
    found = list(rows.order_by().values_list("work_id", "kind")[: most + 1])
    if len(found) > most or any(kind == REINDEXED for _, kind in found) or outbox_tops()[0] < mark:
        return None
    return sorted({work_id for work_id, _ in found})


def fresh_stats() -> int:
    """The shared index's stats version: the number of stats batches applied since its build. Together with
    `fresh_state()` it keys anything that shows or orders by counts."""
    return _live().stats


def fresh_stats_of(counts: Iterable[str]) -> tuple[int, ...]:
    """Per count (a key of `index.COUNT_FIELDS`), the stats batch that last moved it for some listed work (call
    after `ensure_fresh`): what keys anything ordered or filtered by these counts, so a batch of hits alone leaves
    a listing sorted by kudos as it was."""
    stats_of = _live().stats_of
    return tuple(stats_of[count] for count in counts)


def fresh_waiting() -> Mapping[int, int]:
    """The count changes polled but not yet applied, {work id: latest outbox id} (one moment's; do not change)."""
    return _live().waiting


def preload() -> DiscoveryIndex:
    """Build the shared index now (call from the WSGI module so preloaded gunicorn workers share its memory)."""
    return _live().index


def reset_shared_index() -> None:
    """Forget the shared index; the next use rebuilds it (tests, and after `fanshelf reindex`)."""
    global _shared
    with _shared_lock:
        _shared = None


def freshness() -> dict[str, float | int | bool]:
    """For /healthz: whether this process has built its index, how long ago it last caught up with the outbox, how
    many outbox rows were committed since (without catching up: a health check must not change what it measures),
    and how many works' count changes wait for the next stats batch."""
    live = _shared
    if live is None:
        return {"built": False, "seconds_since_refresh": -1, "changes_behind": 0, "counts_waiting": 0}
    top, tag_top = outbox_tops()
    behind = max(0, top - live.cursor.watermark) + max(0, tag_top - live.cursor.tag_watermark)
    return {
        "built": True,
        "seconds_since_refresh": round(time.monotonic() - live.last_refresh, 3),
        "changes_behind": behind,
        "counts_waiting": len(live.waiting),
    }
