"""Hits, counted off the request path.

A work page decides at once whether its view may count (never for creators, moderators, drafts, hidden or unrevealed
works) and hands the hit to a buffer; nothing is written while the page is served. A flusher thread in each server
process applies the buffer every FANSHELF_HIT_FLUSH_SECONDS in one transaction: it inserts the (work, visitor, day)
rows, skipping those already there, and adds to each work's hit_count exactly the rows it inserted. So a visitor
counts once per work per day however many processes or machines saw them, and a batch that fails leaves nothing
half-counted: its hits go back to the buffer and are tried again.

Where the hits wait:
- In Redis when FANSHELF_CACHE_URL names one (a list every process of every machine pushes to and drains), so a
  process that dies loses nothing that it had pushed.
- Otherwise in the process's memory: a crash (not a restart: a stopping worker flushes on exit) loses at most the
  last FANSHELF_HIT_FLUSH_SECONDS of hits.
FANSHELF_HIT_FLUSH_SECONDS=0 writes each hit once its page has gone out, in the request's own thread.
"""

from __future__ import annotations

import atexit
import datetime
import json
import logging
import os
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from fanshelf.accounts.models import User, is_moderator
from fanshelf.works.models import Work

logger = logging.getLogger(__name__)
BATCH = 500  # rows per INSERT; a flush takes every pending hit, in batches of this many


class PendingHit(NamedTuple):
    work_id: int
    visitor: str
    day: datetime.date


def may_count(work: Work, viewer: User | None) -> bool:
    """Whether this view may be a hit: a posted work anyone else can read, seen by neither its creators nor a
    moderator (their views never count, so neither do views of hidden or unrevealed works)."""
    if not work.posted or work.hidden_by_moderator or work.unrevealed:
        return False
    return viewer is None or not (is_moderator(viewer) or work.is_created_by(viewer))


def record_hit(work: Work, visitor: str, viewer: User | None) -> bool:
    """Count one hit per visitor per work per day. Returns whether the view was taken as a hit: written at once
    when FANSHELF_HIT_FLUSH_SECONDS is 0 (True only if it was new that day), otherwise buffered (True: the flush
    decides whether it was new)."""
    if not may_count(work, viewer):
        return False
    hit = PendingHit(work.pk, visitor, timezone.localdate())
    if flush_seconds() == 0:
        return apply_hits([hit]) == 1
    buffer().push([hit])
    return True


def flush_seconds() -> int:
    return int(getattr(settings, "FANSHELF_HIT_FLUSH_SECONDS", 2))


def apply_hits(hits: Iterable[PendingHit]) -> int:
    """Write these hits in one transaction; returns how many were new (a visitor already counted that day on that
    work adds nothing). Listings hear of each work whose count moved."""
    # In one order everywhere (work, visitor, day): two servers flushing the same visitors then take the rows' locks
    # in the same order, so one waits for the other instead of the two deadlocking.
    unique = sorted(_of_existing_accounts(list(dict.fromkeys(hits))))
    if not unique:
        return 0
    with transaction.atomic():
        added: Counter[int] = Counter()
        for start in range(0, len(unique), BATCH):
            added.update(_insert_new(unique[start : start + BATCH]))
        moved = sorted(added.items())
        _add_to_counts(moved)
        _note_changes([work_id for work_id, _ in moved])
    return sum(added.values())


# Each flush's statements, per database: PostgreSQL takes each list whole as an array, so every flush runs the same
# three statements (prepared once per connection, and no text of thousands of placeholders for the driver to
# scan: a quarter of a flush's CPU); SQLite, with no arrays, runs one compiled statement again for each row.
_POSTGRES_COUNTS = (
    "UPDATE works_work SET hit_count = hit_count + moved.hits "
    "FROM unnest(%s::bigint[], %s::integer[]) AS moved(work_id, hits) WHERE works_work.id = moved.work_id"
)
_POSTGRES_CHANGES = "INSERT INTO works_workchange (work_id, kind, created_at) SELECT unnest(%s::bigint[]), 'hit', %s"
_SQLITE_COUNTS = "UPDATE works_work SET hit_count = hit_count + %s WHERE id = %s"
_SQLITE_CHANGES = "INSERT INTO works_workchange (work_id, kind, created_at) VALUES (%s, 'hit', %s)"


def _add_to_counts(moved: list[tuple[int, int]]) -> None:
    """Each work's hit_count grows by its new hits (`moved`: (work id, new hits), in work order). The rows are
    locked in that order: PostgreSQL's plan walks the list in a nested loop for any list much shorter than the
    table (and two flushers that still deadlock put their hits back and try again)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_POSTGRES_COUNTS, [[work_id for work_id, _ in moved], [hits for _, hits in moved]])
        else:
            cursor.executemany(_SQLITE_COUNTS, [(hits, work_id) for work_id, hits in moved])


def _note_changes(work_ids: list[int]) -> None:
    """One outbox row of kind "hit" per work whose count moved (the rows `WorkChange.objects.bulk_create` wrote, without
    building a model instance and its SQL per row)."""
    if not work_ids:
        return
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_POSTGRES_CHANGES, [work_ids, now])
        else:
            cursor.executemany(_SQLITE_CHANGES, [(work_id, now) for work_id in work_ids])


def _of_existing_accounts(hits: list[PendingHit]) -> list[PendingHit]:
    """Drop the hits of accounts deleted since their page was served: a visitor key names the account
    (`user:<id>`), and a deleted account leaves no trace (works/signals.py renames its written hits)."""
    accounts = {int(hit.visitor[5:]) for hit in hits if hit.visitor.startswith("user:") and hit.visitor[5:].isdigit()}
    if not accounts:
        return hits
    gone = accounts - set(User.objects.filter(pk__in=accounts).values_list("pk", flat=True))
    gone_keys = {f"user:{pk}" for pk in gone}
    return [hit for hit in hits if hit.visitor not in gone_keys]


def _insert_new(hits: Sequence[PendingHit]) -> list[int]:
    """Insert the rows not there yet; the work id of each row inserted. Both SQLite (3.35+) and PostgreSQL answer
    `ON CONFLICT DO NOTHING RETURNING` with exactly the rows they inserted, so two processes flushing the same
    visitor at once count them once. A work deleted since its page was served is skipped."""
    if connection.vendor == "postgresql":
        source = (
            "SELECT * FROM unnest(%s::bigint[], %s::varchar[], %s::date[]) AS v(work_id, visitor, day) WHERE work_id"
        )
        values: list[Any] = [list(column) for column in zip(*hits, strict=True)]
    else:  # SQLite names a VALUES list's columns column1, column2...
        rows = ", ".join(["(%s, %s, %s)"] * len(hits))
        source = f"SELECT column1, column2, column3 FROM (VALUES {rows}) WHERE column1"  # noqa: S608
        values = [value for hit in hits for value in hit]
    # The WHERE also keeps SQLite from reading ON CONFLICT as a join's ON.
    sql = (
        f"INSERT INTO works_hit (work_id, visitor, day) {source} IN (SELECT id FROM works_work) "  # noqa: S608 (placeholders only)
        "ON CONFLICT DO NOTHING RETURNING work_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return [int(row[0]) for row in cursor.fetchall()]


class MemoryBuffer:
    """Hits kept in this process until the next flush."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hits: list[PendingHit] = []

    def push(self, hits: Sequence[PendingHit]) -> None:
        with self._lock:
            self._hits.extend(hits)
        _ensure_flusher()

    def take(self) -> list[PendingHit]:
        with self._lock:
            taken, self._hits = self._hits, []
        return taken

    def put_back(self, hits: Sequence[PendingHit]) -> None:
        with self._lock:
            self._hits[:0] = hits


class RedisBuffer:
    """Hits kept in a Redis list shared by every process and machine."""

    def __init__(self, url: str, key: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url)
        self._key = key

    def push(self, hits: Sequence[PendingHit]) -> None:
        self._redis.rpush(self._key, *[_encode(hit) for hit in hits])
        _ensure_flusher()

    def take(self) -> list[PendingHit]:
        # LPOP with a count takes a slice atomically, so two flushers never take the same hit.
        raw = self._redis.lpop(self._key, 10 * BATCH)
        return [_decode(item) for item in raw] if isinstance(raw, list) else []

    def put_back(self, hits: Sequence[PendingHit]) -> None:
        if hits:
            self._redis.lpush(self._key, *[_encode(hit) for hit in reversed(hits)])


def _encode(hit: PendingHit) -> str:
    return json.dumps([hit.work_id, hit.visitor, hit.day.isoformat()])


def _decode(raw: bytes | str) -> PendingHit:
    work_id, visitor, day = json.loads(raw)
    return PendingHit(int(work_id), str(visitor), datetime.date.fromisoformat(day))


_buffers: dict[str, MemoryBuffer | RedisBuffer] = {}
_buffer_lock = threading.Lock()


def buffer() -> MemoryBuffer | RedisBuffer:
    """This site's buffer. The Redis list is named after the database, so two archives sharing one Redis (or two
    test runs) never count each other's hits."""
    url = str(getattr(settings, "FANSHELF_CACHE_URL", "") or "")
    with _buffer_lock:
        if url not in _buffers:
            redis = url.startswith(("redis://", "rediss://", "unix://"))
            key = f"fanshelf:hits:{settings.DATABASES['default']['NAME']}"
            _buffers[url] = RedisBuffer(url, key) if redis else MemoryBuffer()
        return _buffers[url]


def flush() -> int:
    """Apply every hit waiting now; how many were new. Safe to call from any thread or process at any time."""
    pending = buffer()
    total = 0
    while hits := pending.take():
        try:
            total += apply_hits(hits)
        except Exception:
            pending.put_back(hits)
            raise
        finally:
            if threading.current_thread() is not threading.main_thread():
                # A flusher thread's own connection, kept for the next flush as a request's is (CONN_MAX_AGE): a
                # new one each flush cost PostgreSQL a backend process every two seconds per worker.
                connection.close_if_unusable_or_obsolete()
    return total


_flusher_pid: int | None = None
_flusher: threading.Thread | None = None
_stop = threading.Event()


def _ensure_flusher() -> None:
    """Start this process's flusher thread once (again after a fork: gunicorn's workers start from a preloaded
    parent, whose threads they do not inherit)."""
    global _flusher_pid, _flusher
    if _flusher_pid == os.getpid():
        return
    with _buffer_lock:
        if _flusher_pid == os.getpid():
            return
        _flusher_pid = os.getpid()
        _stop.clear()
        _flusher = threading.Thread(target=_flush_forever, name="fanshelf-hits", daemon=True)
        _flusher.start()
        atexit.register(_flush_at_exit)


def stop_flusher() -> None:
    """Stop this process's flusher thread (the next buffered hit starts another); what waits stays buffered."""
    global _flusher_pid, _flusher
    _stop.set()
    if _flusher is not None:
        _flusher.join()
    _flusher_pid = _flusher = None


def _flush_forever() -> None:
    while not _stop.wait(max(flush_seconds(), 1)):
        try:
            flush()
        except Exception:  # the hits went back to the buffer; try again next round
            logger.warning("Hits could not be written; they will be tried again", exc_info=True)


def _flush_at_exit() -> None:
    try:
        flush()
    except Exception:
        logger.warning("Hits could not be written at exit", exc_info=True)
