"""Text search through the database's own engine: SQLite FTS5, or PostgreSQL tsvector with a GIN index.

The table `discovery_worktext` (made by this app's migration) holds one row per work with title, creators (never
for anonymous works), summary and notes, tag names and posted chapter text, plus `change_id`: the outbox id it
reflects, so several processes applying the same outbox rewrite each work at most once per change.
Hits are work ids; the caller intersects them with the filter bitmaps, so drafts and hidden works never show.

Han, Kana, Hangul and Thai are written without spaces between words, so neither engine can find a word inside a
run of them. Such runs are indexed as overlapping two-character tokens, plus each Han character once per field (a
single Han character is a word), and a query run becomes the phrase of its two-character tokens.
"""

from __future__ import annotations

import html
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection, transaction
from django.dispatch import receiver
from django_tasks import task

from fanshelf.accounts.signals import account_deleting, pseud_deleting
from fanshelf.discovery.columns import IdArray
from fanshelf.works.models import COUNT_ONLY_KINDS, Chapter, Creatorship, Work

TABLE = "discovery_worktext"
_LOCK_KEY = 7_331_001  # PostgreSQL advisory lock serialising text index writers
_TAG = re.compile(r"<[^>]*>")
FIELDS = ("title", "creators", "summary", "notes", "tags", "body")
SQLITE_WEIGHTS = (10.0, 6.0, 3.0, 1.0, 4.0, 1.0)
POSTGRES_WEIGHTS = ("A", "B", "C", "D", "B", "D")
CHUNK = 500
# FTS5's default token characters are letters, numbers and private use; marks are added so that Thai vowels and
# tone marks (and Indic vowel signs) stay inside their word instead of splitting it, as PostgreSQL's parser does.
SQLITE_TOKENIZER = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'"

# Scripts written without spaces between words: Han (with 々〆〇), Hiragana, Katakana, Hangul, Thai. Their
# punctuation (・, ゠, ๏, ๚, ๛, ฿) is left out so that it ends a run, as both engines treat it as a separator.
_HAN = "\u3005-\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_KANA = "\u3041-\u3096\u3099\u309a\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff\uff66-\uff9f"
_HANGUL = "\u1100-\u11ff\u3131-\u318e\ua960-\ua97c\uac00-\ud7a3\ud7b0-\ud7fb\uffa0-\uffdc"
_THAI = "\u0e01-\u0e3a\u0e40-\u0e4e\u0e50-\u0e59"
_DENSE_RUN = re.compile(f"[{_HAN}{_KANA}{_HANGUL}{_THAI}]+")
_HAN_CHAR = re.compile(f"[{_HAN}]")
# PostgreSQL keeps word positions up to 16,383 and 256 positions per word; past that, phrases of two-character
# tokens cannot be matched. Documents that may pass either limit carry this token, and a query run there also
# matches all its two-character tokens in any order (see `_postgres_term`).
CROWDED = "fanshelfcrowdeddocument"
_MAX_POSITIONS = 12_000  # under 16,383, leaving room for the parser splitting words more finely than \w+ does
_MAX_REPEATS = 256
_WORD = re.compile(r"\w+")


def _units(run: str) -> list[str]:
    """The characters of a run as a reader sees them: a combining mark (Thai vowels and tones, kana voicing) stays
    with the character before it, so no token starts with a mark."""
    units: list[str] = []
    for char in run:
        if units and unicodedata.category(char).startswith("M"):
            units[-1] += char
        else:
            units.append(char)
    return units


def _bigrams(units: list[str]) -> list[str]:
    if len(units) == 1:
        return units
    return [first + second for first, second in itertools.pairwise(units)]


def index_form(text: str) -> str:
    """Field text as it is indexed: each run of a dense script replaced by its overlapping two-character tokens,
    in place (so a phrase of them means adjacent characters), and the field's Han characters once each at the end
    (so one Han character is found). Other text is unchanged (NFC, as the query is)."""
    text = unicodedata.normalize("NFC", text)
    singles: dict[str, None] = {}

    def tokens(match: re.Match[str]) -> str:
        units = _units(match.group())
        singles.update(dict.fromkeys(unit for unit in units if _HAN_CHAR.match(unit)))
        return " " + " ".join(_bigrams(units)) + " "

    indexed = _DENSE_RUN.sub(tokens, text)
    return " ".join([indexed, *singles]) if singles else indexed


def query_terms(phrase: str) -> list[str]:
    """A search phrase as the terms that must all match: the phrase itself when it has no dense script; otherwise
    each dense run (the phrase of its two-character tokens, or its one character) and each piece of other text
    between them, so `Re:ゼロ` needs `Re:` and `ゼロ`."""
    phrase = unicodedata.normalize("NFC", phrase)
    if not _DENSE_RUN.search(phrase):
        return [phrase]
    terms: list[str] = []
    position = 0
    for match in _DENSE_RUN.finditer(phrase):
        terms.append(phrase[position : match.start()])
        terms.append(" ".join(_bigrams(_units(match.group()))))
        position = match.end()
    terms.append(phrase[position:])
    return [term.strip() for term in terms if any(char.isalnum() for char in term)]


def _crowded(fields: Sequence[str]) -> bool:
    """Whether PostgreSQL may drop positions of this (indexed) document's dense-script tokens."""
    if not any(_DENSE_RUN.search(field) for field in fields):
        return False
    words = _WORD.findall(" ".join(fields))
    return len(words) > _MAX_POSITIONS or max(Counter(words).values()) > _MAX_REPEATS


def plain_text(markup: str) -> str:
    """Sanitized HTML as plain words for indexing."""
    return " ".join(html.unescape(_TAG.sub(" ", markup)).split())


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def create_table_sql(vendor: str) -> list[str]:
    """DDL for the text table on this database vendor (used by the migration)."""
    if vendor == "postgresql":
        return [
            f"CREATE TABLE IF NOT EXISTS {TABLE} (work_id bigint PRIMARY KEY, change_id bigint NOT NULL, "
            "document tsvector NOT NULL)",
            f"CREATE INDEX IF NOT EXISTS {TABLE}_document ON {TABLE} USING gin (document)",
        ]
    columns = ", ".join(FIELDS)
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5({columns}, change_id UNINDEXED, "
        f"tokenize = {_sql_string(SQLITE_TOKENIZER)})"
    ]


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def drop_table_sql(vendor: str) -> list[str]:
    return [f"DROP TABLE IF EXISTS {TABLE}"]


@dataclass
class WorkText:
    work_id: int
    fields: tuple[str, str, str, str, str, str]


def _documents(work_ids: Sequence[int]) -> list[WorkText]:
    works = Work.objects.filter(pk__in=work_ids).values_list(
        "pk", "title", "summary", "notes", "end_notes", "anonymous"
    )
    tags: dict[int, list[str]] = {}
    for work_id, name, merger_name in Work.tags.through.objects.filter(work_id__in=work_ids).values_list(
        "work_id", "tag__name", "tag__merger__name"
    ):
        tags.setdefault(work_id, []).extend(n for n in (name, merger_name) if n)
    creators: dict[int, list[str]] = {}
    for work_id, pseud in Creatorship.objects.filter(work_id__in=work_ids).values_list("work_id", "pseud__name"):
        creators.setdefault(work_id, []).append(pseud)
    bodies: dict[int, list[str]] = {}
    chapters = Chapter.objects.filter(work_id__in=work_ids, posted=True).order_by("work_id", "position")
    for work_id, title, summary, notes, end_notes, content in chapters.values_list(
        "work_id", "title", "summary", "notes", "end_notes", "content"
    ):
        bodies.setdefault(work_id, []).extend([title, plain_text(summary), plain_text(notes), plain_text(end_notes)])
        bodies[work_id].append(plain_text(content))
    return [
        WorkText(
            work_id=pk,
            fields=(
                index_form(title),
                "" if anonymous else index_form(" ".join(creators.get(pk, []))),
                index_form(plain_text(summary)),
                index_form(plain_text(notes + " " + end_notes)),
                index_form(" ".join(tags.get(pk, []))),
                index_form(" ".join(bodies.get(pk, []))),
            ),
        )
        for pk, title, summary, notes, end_notes, anonymous in works
    ]


def _write(cursor: object, changes: Mapping[int, int]) -> None:
    ids = list(changes)
    found = _documents(ids)
    run = cursor.execute  # type: ignore[attr-defined]
    placeholders = ", ".join(["%s"] * len(ids))
    key = "work_id" if is_postgres() else "rowid"
    run(f"DELETE FROM {TABLE} WHERE {key} IN ({placeholders})", ids)  # noqa: S608 - fixed names
    if is_postgres():
        vector = " || ".join(f"setweight(to_tsvector('simple', %s), '{weight}')" for weight in POSTGRES_WEIGHTS)
        sql = f"INSERT INTO {TABLE} (work_id, change_id, document) VALUES (%s, %s, {vector})"  # noqa: S608
        rows = [[doc.work_id, changes[doc.work_id], *_postgres_fields(doc.fields)] for doc in found]
    else:
        columns = ", ".join(FIELDS)
        sql = f"INSERT INTO {TABLE} (rowid, {columns}, change_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"  # noqa: S608
        rows = [[doc.work_id, *doc.fields, changes[doc.work_id]] for doc in found]
    # One statement for the batch: psycopg sends its rows in one pipeline instead of a round trip each.
    cursor.executemany(sql, rows)  # type: ignore[attr-defined]


def _postgres_fields(fields: Sequence[str]) -> list[str]:
    return [*fields[:-1], fields[-1] + " " + CROWDED] if _crowded(fields) else list(fields)


def apply_changes(changes: Mapping[int, int]) -> int:
    """Rewrite the text rows of works whose latest outbox id (value) is newer than their row; returns how many."""
    if not changes:
        return 0
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if is_postgres():
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        ids = list(changes)
        for begin in range(0, len(ids), CHUNK):
            chunk = ids[begin : begin + CHUNK]
            key = "work_id" if is_postgres() else "rowid"
            placeholders = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT {key}, change_id FROM {TABLE} WHERE {key} IN ({placeholders})", chunk)  # noqa: S608
            current = {int(pk): int(change) for pk, change in cursor.fetchall()}
            stale = {pk: changes[pk] for pk in chunk if current.get(pk, -1) < changes[pk]}
            if stale:
                _write(cursor, stale)
                written += len(stale)
    return written


def rebuild(work_ids: Iterable[int], change_id: int) -> int:
    """Rewrite the text rows of these works (a full reindex passes every work)."""
    batch: dict[int, int] = {}
    total = 0
    for work_id in work_ids:
        batch[work_id] = change_id
        if len(batch) >= CHUNK:
            total += _rewrite(batch)
            batch = {}
    return total + _rewrite(batch)


def _rewrite(batch: dict[int, int]) -> int:
    if not batch:
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        if is_postgres():
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        _write(cursor, batch)
    return len(batch)


def drop_rows_of_missing_works() -> int:
    """Delete the text rows of works that no longer exist, which only the outbox would otherwise have removed (a
    work deleted where its outbox row was lost: rows deleted by hand, a backup restored); `reindex` runs it, so its
    common words (kept_hits.store_common_terms) never hold a missing work's id. Returns how many were deleted."""
    key = "work_id" if is_postgres() else "rowid"
    with connection.cursor() as cursor:
        # Nothing but the code's own table and column names goes into it.
        cursor.execute(f"DELETE FROM {TABLE} WHERE {key} NOT IN (SELECT id FROM {Work._meta.db_table})")  # noqa: S608
        return max(int(cursor.rowcount), 0)


def clear() -> None:
    """Empty the text table (before a full rebuild)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608 - fixed name


@dataclass
class TextHits:
    """Works matching a text query, with relevance scores (higher is better) when positives were given."""

    ids: IdArray
    scores: np.ndarray[tuple[int], np.dtype[np.float64]]


def _fts5_phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _postgres_term(term: str) -> tuple[str, list[str]]:
    """A term's tsquery and parameters: its phrase, or in a crowded document (see CROWDED) for a dense run of
    several two-character tokens, all of them anywhere."""
    if not _DENSE_RUN.search(term) or " " not in term:
        return "phraseto_tsquery('simple', %s)", [term]
    crowded = "(plainto_tsquery('simple', %s) && to_tsquery('simple', %s))"
    return f"(phraseto_tsquery('simple', %s) || {crowded})", [term, term, CROWDED]


def terms_of(phrases: Sequence[str]) -> tuple[str, ...]:
    """The terms a work must hold to match every phrase, each once and sorted: phrases that ask the same ("Salt
    Salt", "Tide Salt", "salt tide") give the same terms, and `search` the same hits. A term in ASCII is taken in
    lower case, as both engines fold it (other scripts are left to the engine's own folding)."""
    terms = (term.lower() if term.isascii() else term for phrase in phrases for term in query_terms(phrase))
    return tuple(sorted(set(terms)))


def common_terms(at_least: int) -> list[tuple[str, int]]:
    """The terms of the text index held by at least this many works, with how many: read from the whole index (FTS5's
    vocabulary; PostgreSQL's ts_stat), so only after a full rebuild."""
    with connection.cursor() as cursor:
        if is_postgres():
            cursor.execute(
                f"SELECT word, ndoc FROM ts_stat('SELECT document FROM {TABLE}') "  # noqa: S608 - fixed name
                "WHERE ndoc >= %s AND word <> %s",
                [at_least, CROWDED],
            )
        else:
            vocabulary = f"{TABLE}_vocabulary"
            cursor.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{vocabulary} USING fts5vocab(main, {TABLE}, row)")
            cursor.execute(
                f"SELECT term, doc FROM temp.{vocabulary} WHERE doc >= %s",  # noqa: S608
                [at_least],
            )
        return [(str(term), int(works)) for term, works in cursor.fetchall()]


def search(phrases: Sequence[str]) -> TextHits:
    """Works containing every phrase (each a word or a quoted phrase), with scores."""
    return search_terms(terms_of(phrases))


def search_terms(terms: Sequence[str], among: Sequence[int] | None = None) -> TextHits:
    """Works containing every term (as `terms_of` gives them), with scores, in the order of their ids; with
    `among`, only those of these works."""
    if not terms or (among is not None and not len(among)):
        return _no_hits()
    rows: list[tuple[int, float]] = []
    chunks: list[list[int] | None] = [None]
    if among is not None:
        chunks = [*_chunks([int(work_id) for work_id in among])]
    with connection.cursor() as cursor:
        for chunk in chunks:
            cursor.execute(*_search_statement(terms, chunk))
            rows += cursor.fetchall()
    if not rows:
        return _no_hits()
    pairs = np.asarray(rows, dtype=np.float64)
    pairs = pairs[np.argsort(pairs[:, 0], kind="stable")]
    return TextHits(ids=pairs[:, 0].astype(np.int64), scores=pairs[:, 1].copy())


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[begin : begin + CHUNK] for begin in range(0, len(ids), CHUNK)]


def _search_statement(terms: Sequence[str], among: list[int] | None) -> tuple[str, list[Any]]:
    """The statement and parameters finding works with every term (among these works, when given)."""
    if is_postgres():
        # Each term ranked on its own and the ranks added (in double precision, as `all_of` adds them), so a search
        # of several terms scores what its terms' own hits add up to: ts_rank of them all at once would weigh how
        # near each other they stand instead.
        parts = [_postgres_term(term) for term in terms]
        names = [f"q{number}" for number in range(len(parts))]
        queries = ", ".join(sql for sql, _ in parts)
        params: list[Any] = [param for _, params in parts for param in params]
        score = " + ".join(f"ts_rank(document, {name})::float8" for name in names)
        matches = " AND ".join(f"document @@ {name}" for name in names)
        only = f" AND work_id IN ({', '.join(['%s'] * len(among))})" if among is not None else ""
        sql = (
            f"SELECT work_id, {score} FROM {TABLE}, (SELECT {queries}) AS t({', '.join(names)}) "  # noqa: S608 - fixed names and placeholders
            f"WHERE {matches}"
        )
        return sql + only, params + (among or [])
    match = " AND ".join(_fts5_phrase(term) for term in terms)
    weights = ", ".join(str(w) for w in SQLITE_WEIGHTS)
    only = f" AND rowid IN ({', '.join(['%s'] * len(among))})" if among is not None else ""
    # bm25 gives lower numbers for better matches; negate so higher is better everywhere.
    sql = f"SELECT rowid, -bm25({TABLE}, {weights}, 0.0) FROM {TABLE} WHERE {TABLE} MATCH %s"  # noqa: S608
    return sql + only, [match, *(among or [])]


def _no_hits() -> TextHits:
    return TextHits(ids=np.zeros(0, np.int64), scores=np.zeros(0, np.float64))


def replaced(hits: TextHits, works: npt.NDArray[np.intp], found: TextHits) -> TextHits:
    """`hits` with these works' hits replaced by `found` (these works' hits read again)."""
    kept = ~np.isin(hits.ids, works)
    ids = np.concatenate([hits.ids[kept], found.ids])
    scores = np.concatenate([hits.scores[kept], found.scores])
    order = np.argsort(ids, kind="stable")
    return TextHits(ids=ids[order], scores=scores[order])


def all_of(parts: Sequence[TextHits]) -> TextHits:
    """The works in every part (each in the order of its ids), with their scores added."""
    smallest, *others = sorted(parts, key=lambda part: len(part.ids))
    ids, scores = smallest.ids, smallest.scores
    for other in others:
        if not len(ids) or not len(other.ids):
            return _no_hits()
        ids, scores, where = _found_in(ids, scores, other.ids)
        scores = scores + other.scores[where]
    return TextHits(ids=ids, scores=scores)


# Up to this many slots of the shared span per id looked up, a table of positions is made to find them in; past it
# (a rare word's few ids against a common word's many, or sparse ids), a binary search each costs less.
DENSE_SPAN_PER_ID = 32


def _found_in(
    ids: npt.NDArray[np.int64], scores: npt.NDArray[np.float64], sorted_ids: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64], npt.NDArray[np.intp]]:
    """The ids (and their scores) also in `sorted_ids`, and where each is there. Within the span both share, a
    table of positions indexed by id is filled and read (ids are dense: a million works, a table of 4 MB): two
    common words' hits are matched in about half the time a binary search per id takes."""
    low, high = max(ids[0], sorted_ids[0]), min(ids[-1], sorted_ids[-1])
    if high < low:
        return ids[:0], scores[:0], np.zeros(0, np.intp)
    if high - low > DENSE_SPAN_PER_ID * len(ids):
        where = np.minimum(np.searchsorted(sorted_ids, ids), len(sorted_ids) - 1)
        found = sorted_ids[where] == ids
        return ids[found], scores[found], where[found]
    begin, end = np.searchsorted(sorted_ids, [low, high + 1])
    positions = np.full(int(high - low) + 1, -1, np.int32)
    positions[sorted_ids[begin:end] - low] = np.arange(begin, end, dtype=np.int32)
    first, last = np.searchsorted(ids, [low, high + 1])
    ids, scores = ids[first:last], scores[first:last]
    where = positions[ids - low]
    found = where >= 0
    return ids[found], scores[found], where[found].astype(np.intp)


def catch_up() -> int:
    """Rewrite text rows older than their work's latest outbox row (changes made while no process applied them)."""
    from fanshelf.works.models import WorkChange

    outbox = connection.ops.quote_name(WorkChange._meta.db_table)
    key = "work_id" if is_postgres() else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.work_id, MAX(c.id) FROM {outbox} c LEFT JOIN {TABLE} t ON t.{key} = c.work_id "  # noqa: S608
            f"WHERE c.kind NOT IN ({', '.join(['%s'] * len(COUNT_ONLY_KINDS))}) GROUP BY c.work_id "
            "HAVING MAX(c.id) > COALESCE(MAX(t.change_id), -1)",
            COUNT_ONLY_KINDS,
        )
        stale = {int(work_id): int(change) for work_id, change in cursor.fetchall()}
    return apply_changes(stale)


# Forgetting deleted words (SQLite) ------------------------------------------------------------------------------


def merge_segments() -> None:
    """Merge every FTS5 segment of the text table into one (SQLite; PostgreSQL needs nothing). Deleting or
    rewriting a row only records a "delete" marker: the old words stay in the segments (`discovery_worktext_data`)
    until a merge drops them. Costly on a large table (docs/leaving.md), so it runs as a task."""
    if is_postgres():
        return
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES('optimize')")


@task()
def forget_deleted_text() -> int:
    """Bring the text rows up to date with the outbox (a deleted work's row removed, an orphaned one rewritten
    without its old creators), then merge the segments so that no deleted word is left on disk. Returns how many
    rows were rewritten. Safe to run twice. Hits other processes stored (shared_hits.py) are dropped too."""
    from fanshelf.discovery import shared_hits

    written = catch_up()
    merge_segments()
    shared_hits.forget()
    return written


def _queue_forgetting() -> None:
    from fanshelf.discovery import shared_hits

    transaction.on_commit(shared_hits.forget)
    if not is_postgres():
        transaction.on_commit(forget_deleted_text.enqueue)


@receiver(account_deleting, dispatch_uid="discovery.forget_deleted_account_text")
def on_account_deleting(sender: object, **kwargs: Any) -> None:
    """An account's works deleted or orphaned: once that commits, its names and words leave the text index."""
    _queue_forgetting()


@receiver(pseud_deleting, dispatch_uid="discovery.forget_deleted_pseud_text")
def on_pseud_deleting(sender: object, **kwargs: Any) -> None:
    _queue_forgetting()
