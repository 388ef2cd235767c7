"""Reading works from the database in bulk, for a full build or for the few works an outbox batch names.

A full build reads a million works and ~13 million (work, tag) pairs, so nothing here makes a Python object per
value or per work: integers come back as one text aggregate per column (SQLite) or a binary COPY stream
(PostgreSQL) that numpy parses in one call, and texts (titles, languages, names) as one concatenated UTF-8 string
plus byte lengths. Per-work Python objects were most of the old build's time, and the long-lived objects made
between them pinned whole allocator arenas (RSS well above what the index holds).

A full build outside a transaction reads on separate connections in two threads (both database drivers release
the GIL while the database works). Each read is one consistent statement (or one REPEATABLE READ transaction);
reads on different connections may see different moments, which the outbox covers: the caller takes its outbox
watermark before building, and every work changed after it is re-read afterwards.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
from django.db import DEFAULT_DB_ALIAS, connection, connections

from fanshelf.accounts.models import AiDisclosure, Pseud
from fanshelf.discovery.columns import IdArray, empty_ids, fixed_width, sort_keys_utf8
from fanshelf.works.models import Creatorship, Work

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()
RESTRICTED, ANONYMOUS, COMPLETE, SINGLE_CHAPTER = 1, 2, 4, 8
# The AI-use disclosure (accounts.models.AiDisclosure): "assisted" and "generated" as bits, "none" as neither.
AI_ASSISTED, AI_GENERATED = 16, 32
NUMBER_FIELDS = ("words", "kudos", "hits", "comments", "bookmarks", "audio", "published", "revised")
T = TypeVar("T")


def day_number(value: datetime.date | None) -> int:
    """A date as a day ordinal (0 when unknown)."""
    return value.toordinal() if value is not None else 0


def micros(value: datetime.datetime | None) -> int:
    """A timezone-aware datetime as microseconds since the epoch (0 when unknown)."""
    if value is None:
        return 0
    delta = value - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(value: int) -> datetime.datetime | None:
    """`micros` undone: the aware datetime, or None for 0 (unknown)."""
    return _EPOCH + datetime.timedelta(microseconds=value) if value else None


def _no_keys() -> npt.NDArray[np.bytes_]:
    return np.zeros(0, dtype="S24")


@dataclass
class WorkRows:
    """Listed works as numpy columns (ids ascending), plus their (work, tag) pairs and credits."""

    ids: IdArray = field(default_factory=empty_ids)
    flags: npt.NDArray[np.uint8] = field(default_factory=lambda: np.zeros(0, np.uint8))
    numbers: dict[str, IdArray] = field(default_factory=dict)  # NUMBER_FIELDS, aligned with ids
    title_keys: npt.NDArray[np.bytes_] = field(default_factory=_no_keys)  # columns.sort_key of each title
    languages: list[str] = field(default_factory=list)  # distinct language codes
    language_of: IdArray = field(default_factory=empty_ids)  # per work: its position in `languages`
    tag_pairs: tuple[IdArray, IdArray] = field(default_factory=lambda: (empty_ids(), empty_ids()))  # by work
    credits: tuple[IdArray, IdArray] = field(default_factory=lambda: (empty_ids(), empty_ids()))  # credit order
    pseud_ids: IdArray = field(default_factory=empty_ids)  # ascending, with the sort key of each pseud's name
    pseud_keys: npt.NDArray[np.bytes_] = field(default_factory=_no_keys)

    def __len__(self) -> int:
        return len(self.ids)

    def flag(self, bit: int) -> npt.NDArray[np.bool_]:
        mask: npt.NDArray[np.bool_] = (self.flags & bit) != 0
        return mask

    def language(self, position: int) -> str:
        return self.languages[int(self.language_of[position])]


# -- running reads side by side -------------------------------------------------------------------------------


class ReadPool:
    """Runs read jobs on two threads with their own database connections, or inline on this thread's connection
    when that is not safe: inside a transaction other connections cannot see its writes (tests, atomic
    requests)."""

    def __init__(self, parallel: bool | None = None) -> None:
        if parallel is None:
            parallel = not connection.in_atomic_block
        self.executor = ThreadPoolExecutor(max_workers=2) if parallel else None

    def submit(self, job: Callable[[], T]) -> Future[T]:
        if self.executor is None:
            done: Future[T] = Future()
            done.set_result(job())
            return done
        return self.executor.submit(_on_own_connection, job)

    def __enter__(self) -> ReadPool:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True)


def _on_own_connection(job: Callable[[], T]) -> T:
    try:
        return job()
    finally:
        connections[DEFAULT_DB_ALIAS].close()  # this worker thread's own connection


# -- reading integer and text columns -------------------------------------------------------------------------


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _in(column: str, ids: Sequence[int] | None) -> str:
    return "" if ids is None else f" AND {column} IN ({', '.join(['%s'] * len(ids))})"


@dataclass
class Texts:
    """A text column: every value's UTF-8 bytes concatenated, and each value's length in bytes."""

    data: bytes
    lengths: IdArray


def read_columns(
    select: str, ints: int, texts: int, order: str, ids: Sequence[int] | None = None
) -> tuple[IdArray, list[Texts]]:
    """Integer columns c0.. and text columns t0.. of `select`: an (n, ints) array and one `Texts` per text column,
    rows in `order` on SQLite (where the index gives it for free) and in no particular order on PostgreSQL (its
    ordered aggregates sort once per column), so callers sort. `ids` are the parameters of `select` (a few ids:
    plain rows are cheapest)."""
    if ids is None and _postgres():
        return _postgres_columns(select, ints, texts)
    with connection.cursor() as cursor:
        if ids is not None:
            cursor.execute(f"{select} ORDER BY {order}", list(ids))
            rows = cursor.fetchall()
            numbers = np.asarray([row[:ints] for row in rows], dtype=np.int64).reshape(-1, ints)
            encoded = [[str(row[ints + j]).encode() for row in rows] for j in range(texts)]
            return numbers, [Texts(b"".join(e), np.asarray([len(v) for v in e], np.int64)) for e in encoded]
        lengths = [f"group_concat(length(CAST(t{j} AS BLOB)))" for j in range(texts)]
        aggregates = [f"group_concat(c{i})" for i in range(ints)] + lengths
        aggregates += [f"group_concat(t{j}, '')" for j in range(texts)]
        # One statement: every aggregate sees the same rows in the same order.
        cursor.execute(f"SELECT {', '.join(aggregates)} FROM ({select} ORDER BY {order})")  # noqa: S608
        values: tuple[Any, ...] = cursor.fetchone()
    if values[0] is None:
        return np.zeros((0, ints), np.int64), [Texts(b"", empty_ids()) for _ in range(texts)]
    numbers = np.stack([_parse_ints(v) for v in values[:ints]], axis=1)
    joined = values[ints + texts :]
    return numbers, [Texts(str(joined[j]).encode(), _parse_ints(values[ints + j])) for j in range(texts)]


def _parse_ints(text: str | bytes) -> IdArray:
    return np.fromstring(text, dtype=np.int64, sep=",") if text else empty_ids()


def _postgres_columns(select: str, ints: int, texts: int) -> tuple[IdArray, list[Texts]]:
    """One statement of aggregates, like SQLite's (every aggregate sees the same rows in the same order), but
    integers come back binary: each column's int8send bytes concatenated, one bytea numpy reads as it is (a COPY
    stream costs a Python object per row)."""
    binary = [f"c{i}::int8" for i in range(ints)] + [f"octet_length(t{j})::int8" for j in range(texts)]
    aggregates = [f"string_agg(int8send({b}), ''::bytea)" for b in binary]
    aggregates += [f"string_agg(t{j}, '')" for j in range(texts)]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(aggregates)} FROM ({select}) s")  # noqa: S608 - model metadata
        values: tuple[Any, ...] = cursor.fetchone()
    columns = [np.frombuffer(v or b"", dtype=">i8").astype(np.int64) for v in values[: ints + texts]]
    numbers = np.stack(columns[:ints], axis=1) if ints else np.zeros((len(columns[0]), 0), np.int64)
    joined = values[ints + texts :]
    return numbers, [Texts(str(joined[j] or "").encode(), columns[ints + j]) for j in range(texts)]


# -- the reads ------------------------------------------------------------------------------------------------


def _quoted(model: Any) -> tuple[str, dict[str, str]]:
    q = connection.ops.quote_name
    return q(model._meta.db_table), {f.name: q(f.column or f.name) for f in model._meta.concrete_fields}


def _listed_rows(work_ids: Sequence[int] | None) -> WorkRows:
    """One row per listed work: numbers, flags, title sort key, language (and on SQLite the two dates as the text
    Django stores, which numpy parses faster than SQLite's date functions)."""
    table, c = _quoted(Work)
    expected = f"COALESCE({c['expected_chapters']}, 0)"
    flags = (
        f"(CASE WHEN {c['restricted']} THEN {RESTRICTED} ELSE 0 END"
        f" + CASE WHEN {c['anonymous']} THEN {ANONYMOUS} ELSE 0 END"
        f" + CASE WHEN {expected} > 0 AND {c['posted_chapter_count']} >= {expected} THEN {COMPLETE} ELSE 0 END"
        f" + CASE WHEN {expected} = 1 THEN {SINGLE_CHAPTER} ELSE 0 END"
        f" + CASE {c['ai_disclosure']} WHEN '{AiDisclosure.ASSISTED}' THEN {AI_ASSISTED}"
        f" WHEN '{AiDisclosure.GENERATED}' THEN {AI_GENERATED} ELSE 0 END)"
    )
    numbers = [c["id"], flags, c["word_count"], c["kudos_count"], c["hit_count"], c["comment_count"]]
    numbers += [c["bookmark_count"], f"{c['audio_seconds']} / 60"]  # audio is filtered in whole minutes
    texts = [c["title"], c["language"]]
    if _postgres():
        numbers.append(f"COALESCE({c['published_on']} - DATE '0001-01-01' + 1, 0)")
        numbers.append(f"COALESCE(CAST(EXTRACT(EPOCH FROM {c['revised_at']}) * 1000000 AS BIGINT), 0)")
    else:
        texts += [f"COALESCE({c['published_on']}, 'NaT')", f"COALESCE({c['revised_at']}, 'NaT')"]
    columns = [f"{n} AS c{i}" for i, n in enumerate(numbers)] + [f"{t} AS t{j}" for j, t in enumerate(texts)]
    where = f"{c['posted']} AND NOT {c['hidden_by_moderator']} AND NOT {c['unrevealed']}" + _in(c["id"], work_ids)
    select = f"SELECT {', '.join(columns)} FROM {table} WHERE {where}"  # noqa: S608 - model metadata
    values, text_columns = read_columns(select, len(numbers), len(texts), "c0", work_ids)
    order = _sorting(values[:, 0])
    out = WorkRows(ids=values[order, 0], flags=values[order, 1].astype(np.uint8))
    for position, name in enumerate(NUMBER_FIELDS, start=2):
        if position < values.shape[1]:
            out.numbers[name] = values[order, position]
    out.title_keys = sort_keys_utf8(text_columns[0].data, text_columns[0].lengths)[order]
    codes, language_of = _distinct(fixed_width(text_columns[1].data, text_columns[1].lengths))
    out.languages = [bytes(code).decode() for code in codes.tolist()]
    out.language_of = language_of.astype(np.int64).reshape(-1)[order]
    if not _postgres():
        published = fixed_width(text_columns[2].data, text_columns[2].lengths)[order].astype("datetime64[D]")
        out.numbers["published"] = np.where(np.isnat(published), 0, published.astype(np.int64) + _EPOCH_ORDINAL)
        # Django stores naive UTC text on SQLite
        revised = fixed_width(text_columns[3].data, text_columns[3].lengths)[order].astype("datetime64[us]")
        out.numbers["revised"] = np.where(np.isnat(revised), 0, revised.astype(np.int64))
    return out


def _distinct(values: npt.NDArray[np.bytes_]) -> tuple[npt.NDArray[np.bytes_], IdArray]:
    """np.unique with the inverse, for a million short codes: compared as integers when they fit in 8 bytes
    (numpy sorts integers several times faster than byte strings)."""
    if values.dtype.itemsize > 8:
        codes, inverse = np.unique(values, return_inverse=True)
        return codes, inverse.reshape(-1)
    numbers = values.astype("S8").view(">u8")  # big-endian: integer order is byte order
    _, first, inverse = np.unique(numbers, return_index=True, return_inverse=True)
    return values[first], inverse.reshape(-1)


def _sorting(keys: IdArray) -> IdArray | slice:
    """The stable order that sorts `keys` (a no-op slice when they already are, as SQLite's reads are)."""
    if not len(keys) or bool(np.all(keys[1:] >= keys[:-1])):
        return slice(None)
    order: IdArray = np.argsort(keys, kind="stable")  # a merge sort: fast on the nearly sorted heap order
    return order


def _tag_pairs(work_ids: Sequence[int] | None) -> tuple[IdArray, IdArray]:
    """(work id, raw tag id) pairs sorted by work (the (work, tag) unique index gives that order for free)."""
    table = connection.ops.quote_name(Work.tags.through._meta.db_table)
    select = f"SELECT work_id AS c0, tag_id AS c1 FROM {table} WHERE 1 = 1{_in('work_id', work_ids)}"  # noqa: S608
    pairs, _ = read_columns(select, 2, 0, "c0, c1", work_ids)
    order = _sorting(pairs[:, 0])
    return pairs[order, 0], pairs[order, 1]


def _credits(work_ids: Sequence[int] | None) -> tuple[IdArray, IdArray]:
    """(work id, pseud id) for every credit, in credit order within each work."""
    table = connection.ops.quote_name(Creatorship._meta.db_table)
    select = (
        f"SELECT work_id AS c0, pseud_id AS c1, position AS c2, id AS c3 FROM {table} "  # noqa: S608 - metadata
        f"WHERE 1 = 1{_in('work_id', work_ids)}"
    )
    rows, _ = read_columns(select, 4, 0, "c0, c2, c3", work_ids)
    order = np.lexsort((rows[:, 3], rows[:, 2], rows[:, 0]))
    return rows[order, 0], rows[order, 1]


def _pseud_keys(pseud_ids: Sequence[int] | None) -> tuple[IdArray, npt.NDArray[np.bytes_]]:
    """(pseud ids ascending, the sort key of each one's name): every pseud, or just these."""
    table = connection.ops.quote_name(Pseud._meta.db_table)
    select = f"SELECT id AS c0, name AS t0 FROM {table} WHERE 1 = 1{_in('id', pseud_ids)}"  # noqa: S608
    ids, (names,) = read_columns(select, 1, 1, "c0", pseud_ids)
    order = _sorting(ids[:, 0])
    return ids[order, 0], sort_keys_utf8(names.data, names.lengths)[order]


def load_works(work_ids: Sequence[int] | None = None, pool: ReadPool | None = None) -> WorkRows:
    """Every listed work (work_ids None) or just these; works that are not listed are left out. A full read runs
    its statements side by side on `pool`."""
    if work_ids is not None:
        out = _listed_rows(work_ids)
        if not len(out.ids):
            return out
        chosen = out.ids.tolist()
        out.tag_pairs = _keep_listed(out.ids, _tag_pairs(chosen))
        out.credits = _keep_listed(out.ids, _credits(chosen))
        out.pseud_ids, out.pseud_keys = _pseud_keys(np.unique(out.credits[1]).tolist() or [0])
        return out
    with nullcontext(pool) if pool is not None else ReadPool() as reads:
        pairs = reads.submit(lambda: _tag_pairs(None))  # the largest read first
        rows = reads.submit(lambda: _listed_rows(None))
        credits = reads.submit(lambda: _credits(None))
        pseuds = reads.submit(lambda: _pseud_keys(None))
        out = rows.result()
        out.tag_pairs = _keep_listed(out.ids, pairs.result())
        out.credits = _keep_listed(out.ids, credits.result())
        out.pseud_ids, out.pseud_keys = pseuds.result()
    return out


def _keep_listed(ids: IdArray, pairs: tuple[IdArray, IdArray]) -> tuple[IdArray, IdArray]:
    """Only the pairs whose owner is one of `ids` (one gather from a flag per id, cheaper than a search)."""
    owners, values = pairs
    listed = np.zeros(int(ids.max()) + 1 if len(ids) else 1, dtype=np.bool_)
    listed[ids] = True
    mask = np.zeros(len(owners), dtype=np.bool_)
    inside = owners < len(listed)
    mask[inside] = listed[owners[inside]]
    return owners[mask], values[mask]
