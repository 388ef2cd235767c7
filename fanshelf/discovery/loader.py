"""Reading works from the database in bulk, for a full build or for the few works an outbox batch names."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from django.db import connection

from fanshelf.accounts.models import Pseud
from fanshelf.discovery.columns import IdArray
from fanshelf.works.models import Creatorship, Work

CHUNK = 50_000
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


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
    """Listed works' attributes as parallel lists, plus the (work, tag) and (work, pseud) pairs."""

    ids: list[int] = field(default_factory=list)
    restricted: list[bool] = field(default_factory=list)
    anonymous: list[bool] = field(default_factory=list)
    language: list[str] = field(default_factory=list)
    complete: list[bool] = field(default_factory=list)
    single_chapter: list[bool] = field(default_factory=list)
    words: list[int] = field(default_factory=list)
    published: list[int] = field(default_factory=list)
    revised: list[int] = field(default_factory=list)
    kudos: list[int] = field(default_factory=list)
    hits: list[int] = field(default_factory=list)
    comments: list[int] = field(default_factory=list)
    bookmarks: list[int] = field(default_factory=list)
    title: list[str] = field(default_factory=list)
    tag_pairs: tuple[IdArray, IdArray] = (np.zeros(0, np.int64), np.zeros(0, np.int64))
    creators: dict[int, list[tuple[int, str]]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)


def _date_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"COALESCE({column} - DATE '0001-01-01' + 1, 0)"
    return f"COALESCE(CAST(julianday({column}) - 1721424.5 AS INTEGER), 0)"


def _micros_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"COALESCE(CAST(EXTRACT(EPOCH FROM {column}) * 1000000 AS BIGINT), 0)"
    # Django stores "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC; the fraction is read as text to stay exact.
    # "%%" because the query always runs with a parameter list, where "%s" would be a placeholder.
    return f"COALESCE(strftime('%%s', {column}) * 1000000 + CAST(substr({column}, 21, 6) AS INTEGER), 0)"


def _work_sql(count: int | None) -> str:
    """Listed works' attributes, dates already as numbers, read through a plain cursor (the ORM's per-value
    converters cost more than everything else in a build)."""
    meta = Work._meta
    q = connection.ops.quote_name
    column = {f.name: q(f.column or f.name) for f in meta.concrete_fields}
    selected = [
        column["id"], column["restricted"], column["anonymous"], column["language"],
        f"COALESCE({column['expected_chapters']}, 0)", column["posted_chapter_count"], column["word_count"],
        _date_sql(column["published_on"]), _micros_sql(column["revised_at"]), column["kudos_count"],
        column["hit_count"], column["comment_count"], column["bookmark_count"], column["title"],
    ]  # fmt: skip
    where = f"{column['posted']} AND NOT {column['hidden_by_moderator']} AND NOT {column['unrevealed']}"
    if count is not None:
        where += f" AND {column['id']} IN ({', '.join(['%s'] * count)})"
    return f"SELECT {', '.join(selected)} FROM {q(meta.db_table)} WHERE {where}"  # noqa: S608 - model metadata


def _listed_rows(work_ids: Sequence[int] | None, out: WorkRows) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_work_sql(None if work_ids is None else len(work_ids)), list(work_ids or []))
        while batch := cursor.fetchmany(CHUNK):
            (ids, restricted, anonymous, language, expected, chapters, words, published, revised, kudos, hits,
             comments, bookmarks, title) = zip(*batch, strict=True)  # fmt: skip
            out.ids.extend(ids)
            out.restricted.extend(map(bool, restricted))
            out.anonymous.extend(map(bool, anonymous))
            out.language.extend(language)
            out.complete.extend(0 < e <= c for e, c in zip(expected, chapters, strict=True))
            out.single_chapter.extend(e == 1 for e in expected)
            for name, values in (
                ("words", words), ("published", published), ("revised", revised), ("kudos", kudos),
                ("hits", hits), ("comments", comments), ("bookmarks", bookmarks), ("title", title),
            ):  # fmt: skip
                getattr(out, name).extend(values)


def _tag_pairs(work_ids: Sequence[int] | None) -> tuple[IdArray, IdArray]:
    """(work id, raw tag id) pairs. This is the big table (~13 rows per work), so each work's tags come back as one
    comma-joined string (walking the covering (work, tag) index) and numpy parses them all at once."""
    through = Work.tags.through._meta
    table = connection.ops.quote_name(through.db_table)
    joined = "string_agg(tag_id::text, ',')" if connection.vendor == "postgresql" else "group_concat(tag_id, ',')"
    sql = f"SELECT work_id, {joined} FROM {table}"  # noqa: S608 - names come from model metadata
    params: list[int] = []
    if work_ids is not None:
        sql += f" WHERE work_id IN ({', '.join(['%s'] * len(work_ids))})"
        params = list(work_ids)
    owners: list[int] = []
    texts: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute(sql + " GROUP BY work_id", params)
        while batch := cursor.fetchmany(CHUNK):
            for owner, joined_ids in batch:
                owners.append(owner)
                texts.append(joined_ids)
    if not owners:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    counts = np.fromiter((t.count(",") + 1 for t in texts), dtype=np.int64, count=len(texts))
    tags = np.array(",".join(texts).split(","), dtype=np.int64)
    return np.repeat(np.asarray(owners, dtype=np.int64), counts), tags


def _creators(work_ids: Sequence[int] | None) -> dict[int, list[tuple[int, str]]]:
    """Each work's (pseud id, pseud name) in credit order."""
    q = connection.ops.quote_name
    sql = (
        f"SELECT c.work_id, c.pseud_id, p.name FROM {q(Creatorship._meta.db_table)} c "  # noqa: S608 - model metadata
        f"JOIN {q(Pseud._meta.db_table)} p ON p.id = c.pseud_id"
    )
    if work_ids is not None:
        sql += f" WHERE c.work_id IN ({', '.join(['%s'] * len(work_ids))})"
    creators: dict[int, list[tuple[int, str]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY c.work_id, c.position, c.id", list(work_ids or []))
        while batch := cursor.fetchmany(CHUNK):
            for work_id, pseud_id, name in batch:
                creators.setdefault(work_id, []).append((pseud_id, name))
    return creators


def load_works(work_ids: Sequence[int] | None = None) -> WorkRows:
    """Every listed work (work_ids None) or just these; works that are not listed are left out."""
    out = WorkRows()
    _listed_rows(work_ids, out)
    if work_ids is None or out.ids:
        owners, tags = _tag_pairs(None if work_ids is None else out.ids)
        listed = np.isin(owners, np.asarray(out.ids, dtype=np.int64))
        out.tag_pairs = (owners[listed], tags[listed])
        out.creators = _creators(None if work_ids is None else out.ids)
    return out
