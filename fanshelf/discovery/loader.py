"""Reading works from the database in bulk, for a full build or for the few works an outbox batch names.

A full build reads a million works and ~13 million (work, tag) pairs, so nothing here makes a Python object per
value: numbers come back packed in text (one string per work, or one string per column from an aggregate, or a
PostgreSQL COPY stream) and numpy parses them in one call. Per-value cursor conversion was most of the old build.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection

from fanshelf.accounts.models import Pseud
from fanshelf.discovery.columns import IdArray, empty_ids
from fanshelf.works.models import Creatorship, Work

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()
RESTRICTED, ANONYMOUS, COMPLETE, SINGLE_CHAPTER = 1, 2, 4, 8
NUMBER_FIELDS = ("words", "kudos", "hits", "comments", "bookmarks", "audio", "published", "revised")


def day_number(value: datetime.date | None) -> int:
    """A date as a day ordinal (0 when unknown)."""
    return value.toordinal() if value is not None else 0


def micros(value: datetime.datetime | None) -> int:
    """A timezone-aware datetime as microseconds since the epoch (0 when unknown)."""
    if value is None:
        return 0
    delta = value - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


@dataclass
class WorkRows:
    """Listed works as numpy columns (ids ascending), plus their (work, tag) pairs and credits."""

    ids: IdArray = field(default_factory=empty_ids)
    flags: npt.NDArray[np.uint8] = field(default_factory=lambda: np.zeros(0, np.uint8))
    numbers: dict[str, IdArray] = field(default_factory=dict)  # NUMBER_FIELDS, aligned with ids
    language: list[str] = field(default_factory=list)
    title: list[str] = field(default_factory=list)
    tag_pairs: tuple[IdArray, IdArray] = field(default_factory=lambda: (empty_ids(), empty_ids()))  # by work
    credits: tuple[IdArray, IdArray] = field(default_factory=lambda: (empty_ids(), empty_ids()))  # credit order
    pseud_names: dict[int, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)

    def flag(self, bit: int) -> npt.NDArray[np.bool_]:
        mask: npt.NDArray[np.bool_] = (self.flags & bit) != 0
        return mask


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _in(column: str, work_ids: Sequence[int] | None) -> str:
    return "" if work_ids is None else f" AND {column} IN ({', '.join(['%s'] * len(work_ids))})"


def _work_sql(work_ids: Sequence[int] | None) -> str:
    """One row per listed work: its numbers packed into one text value, then language and title (and on SQLite
    the two dates as stored text, which numpy parses faster than SQLite's date functions)."""
    meta = Work._meta
    q = connection.ops.quote_name
    c = {f.name: q(f.column or f.name) for f in meta.concrete_fields}
    expected = f"COALESCE({c['expected_chapters']}, 0)"
    flags = (
        f"(CASE WHEN {c['restricted']} THEN {RESTRICTED} ELSE 0 END"
        f" + CASE WHEN {c['anonymous']} THEN {ANONYMOUS} ELSE 0 END"
        f" + CASE WHEN {expected} > 0 AND {c['posted_chapter_count']} >= {expected} THEN {COMPLETE} ELSE 0 END"
        f" + CASE WHEN {expected} = 1 THEN {SINGLE_CHAPTER} ELSE 0 END)"
    )
    numbers = [c["id"], flags, c["word_count"], c["kudos_count"], c["hit_count"], c["comment_count"]]
    numbers.append(c["bookmark_count"])
    numbers.append(f"{c['audio_seconds']} / 60")  # filtered in whole minutes
    dates = f", COALESCE({c['published_on']}, 'NaT'), COALESCE({c['revised_at']}, 'NaT')"
    if _postgres():
        numbers.append(f"COALESCE({c['published_on']} - DATE '0001-01-01' + 1, 0)")
        numbers.append(f"COALESCE(CAST(EXTRACT(EPOCH FROM {c['revised_at']}) * 1000000 AS BIGINT), 0)")
        dates = ""
    packed = " || ',' || ".join(f"CAST({n} AS TEXT)" for n in numbers)
    where = f"{c['posted']} AND NOT {c['hidden_by_moderator']} AND NOT {c['unrevealed']}" + _in(c["id"], work_ids)
    return (
        f"SELECT {packed}, {c['language']}, {c['title']}{dates} FROM {q(meta.db_table)} "  # noqa: S608 - metadata
        f"WHERE {where} ORDER BY {c['id']}"
    )


def _parse_ints(text: str | bytes, columns: int) -> IdArray:
    if not text:
        return np.zeros((0, columns), np.int64)
    values = np.fromstring(text, dtype=np.int64, sep=",")
    return values.reshape(-1, columns)


def _listed_rows(work_ids: Sequence[int] | None, out: WorkRows) -> None:
    packed: list[str] = []
    published: list[str] = []
    revised: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute(_work_sql(work_ids), list(work_ids or []))
        while batch := cursor.fetchmany(50_000):
            columns = list(zip(*batch, strict=True))
            packed.extend(columns[0])
            out.language.extend(columns[1])
            out.title.extend(columns[2])
            if len(columns) > 3:
                published.extend(columns[3])
                revised.extend(columns[4])
    numbers = _parse_ints(",".join(packed), 10 if _postgres() else 8)
    out.ids = numbers[:, 0].copy()
    out.flags = numbers[:, 1].astype(np.uint8)
    for position, name in enumerate(NUMBER_FIELDS[:6], start=2):
        out.numbers[name] = numbers[:, position].copy()
    if _postgres():
        out.numbers["published"], out.numbers["revised"] = numbers[:, 8].copy(), numbers[:, 9].copy()
        return
    days = np.array(published, dtype="datetime64[D]")
    out.numbers["published"] = np.where(np.isnat(days), 0, days.astype(np.int64) + _EPOCH_ORDINAL)
    stamps = np.array(revised, dtype="datetime64[us]")  # Django stores naive UTC text on SQLite
    out.numbers["revised"] = np.where(np.isnat(stamps), 0, stamps.astype(np.int64))


def _int_columns(select: str, count: int, work_ids: Sequence[int] | None) -> IdArray:
    """Integer columns c0..c{count-1} of `select` as an (n, count) array, with as little per-value work as the
    backend allows: a few ids are plain rows; a full read is one group_concat per column on SQLite (one statement,
    so every aggregate sees the same rows in the same order) or a COPY stream on PostgreSQL."""
    with connection.cursor() as cursor:
        if work_ids is not None:
            cursor.execute(select, list(work_ids))
            return np.asarray(cursor.fetchall(), dtype=np.int64).reshape(-1, count)
        if _postgres():
            with cursor.cursor.copy(f"COPY ({select}) TO STDOUT") as copy:
                data = b"".join(bytes(block) for block in copy)
            return _parse_ints(data.rstrip(b"\n").replace(b"\t", b",").replace(b"\n", b","), count)
        aggregates = ", ".join(f"group_concat(c{i})" for i in range(count))
        cursor.execute(f"SELECT {aggregates} FROM ({select})")  # noqa: S608 - built from model metadata
        texts: tuple[Any, ...] = cursor.fetchone()
    if texts[0] is None:
        return np.zeros((0, count), np.int64)
    return np.stack([_parse_ints(t, 1)[:, 0] for t in texts], axis=1)


def _tag_pairs(work_ids: Sequence[int] | None) -> tuple[IdArray, IdArray]:
    """(work id, raw tag id) pairs sorted by work (the (work, tag) unique index gives that order for free)."""
    table = connection.ops.quote_name(Work.tags.through._meta.db_table)
    select = f"SELECT work_id AS c0, tag_id AS c1 FROM {table} WHERE 1 = 1{_in('work_id', work_ids)}"  # noqa: S608
    pairs = _int_columns(select + " ORDER BY work_id, tag_id", 2, work_ids)
    owners, tags = pairs[:, 0].copy(), pairs[:, 1].copy()
    if len(owners) and not bool(np.all(owners[1:] >= owners[:-1])):
        order = np.argsort(owners, kind="stable")
        owners, tags = owners[order], tags[order]
    return owners, tags


def _credits(work_ids: Sequence[int] | None) -> tuple[IdArray, IdArray]:
    """(work id, pseud id) for every credit, in credit order within each work."""
    table = connection.ops.quote_name(Creatorship._meta.db_table)
    select = (
        f"SELECT work_id AS c0, pseud_id AS c1, position AS c2, id AS c3 FROM {table} "  # noqa: S608 - metadata
        f"WHERE 1 = 1{_in('work_id', work_ids)}"
    )
    rows = _int_columns(select, 4, work_ids)
    order = np.lexsort((rows[:, 3], rows[:, 2], rows[:, 0]))
    return rows[order, 0].copy(), rows[order, 1].copy()


def _pseud_names(pseud_ids: IdArray, everything: bool) -> dict[int, str]:
    table = connection.ops.quote_name(Pseud._meta.db_table)
    sql = f"SELECT id, name FROM {table}"  # noqa: S608 - model metadata
    params: list[int] = []
    if not everything:
        params = np.unique(pseud_ids).tolist()
        if not params:
            return {}
        sql += f" WHERE id IN ({', '.join(['%s'] * len(params))})"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def load_works(work_ids: Sequence[int] | None = None) -> WorkRows:
    """Every listed work (work_ids None) or just these; works that are not listed are left out."""
    out = WorkRows()
    _listed_rows(work_ids, out)
    if work_ids is not None and not len(out.ids):
        return out
    chosen = None if work_ids is None else out.ids.tolist()
    capacity = int(out.ids.max()) + 1 if len(out.ids) else 1
    listed = np.zeros(capacity, dtype=np.bool_)
    listed[out.ids] = True

    def keep_listed(pairs: tuple[IdArray, IdArray]) -> tuple[IdArray, IdArray]:
        owners, values = pairs
        mask = np.zeros(len(owners), dtype=np.bool_)
        inside = owners < capacity
        mask[inside] = listed[owners[inside]]
        return owners[mask], values[mask]

    out.tag_pairs = keep_listed(_tag_pairs(chosen))
    out.credits = keep_listed(_credits(chosen))
    out.pseud_names = _pseud_names(out.credits[1], everything=work_ids is None)
    return out
