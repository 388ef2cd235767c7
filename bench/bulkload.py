"""Bulk inserts for the benchmark corpus: plain tuples through `executemany` on SQLite and `COPY` on PostgreSQL.

The ORM's bulk_create builds a model instance per row and adapts every value on its own; for millions of rows that
was most of the corpus load (~6 minutes per 100,000 works). Columns a caller does not give take the model's default,
computed once from a template instance, so a new field with a default does not break the benchmark.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Model


def _defaults(model: type[Model], given: Sequence[str]) -> tuple[list[str], tuple[Any, ...]]:
    """The columns the caller leaves out, with their default database values."""
    template = model()
    columns: list[str] = []
    values: list[Any] = []
    for field in model._meta.concrete_fields:
        if field.column in given or field.primary_key:
            continue
        value = field.get_db_prep_save(field.pre_save(template, add=True), connection)
        if value is None and not field.null:
            raise ValueError(f"the benchmark corpus must give {model.__name__}.{field.name}")
        columns.append(str(field.column))
        values.append(value)
    return columns, tuple(values)


def insert_rows(model: type[Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
    """Insert rows (values for `columns`, in order; the rest take defaults) in the current transaction."""
    extra_columns, extra = _defaults(model, columns)
    names = [*columns, *extra_columns]
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(n) for n in names)
    full = (row + extra for row in rows) if extra else rows
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
            for row in full:
                copy.write_row(row)
        return
    marks = ", ".join("?" * len(names))
    # The raw sqlite3 connection skips Django's per-call query rewriting; same connection, same transaction.
    connection.connection.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", full)


def next_id(model: type[Model]) -> int:
    """The first free primary key (the corpus assigns ids itself so it never reads them back)."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        return int(cursor.fetchone()[0])


def reset_sequences(models: Sequence[type[Model]]) -> None:
    """After explicit ids on PostgreSQL, move the id sequences past them (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@contextmanager
def fast_sqlite() -> Iterator[None]:
    """For the bench-only SQLite file: no journal and no fsync while loading (a crash means reloading, which the
    benchmark does anyway when the row count is wrong). PostgreSQL is left alone."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal = str(cursor.fetchone()[0])
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-1000000"):
            cursor.execute(f"PRAGMA {pragma}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA journal_mode={journal}")
            cursor.execute("PRAGMA synchronous=NORMAL")
