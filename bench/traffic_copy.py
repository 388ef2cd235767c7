"""The traffic benchmark's copy of the corpus (bench/bench_traffic.py): the corpus itself is never written to."""

from __future__ import annotations

import os
import sqlite3
import sys
import urllib.parse
from contextlib import closing
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


def corpus_url(size: int, database: str) -> str:
    if database == "postgres":
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith("postgres"):
            sys.exit("--db postgres copies the corpus DATABASE_URL names: set it to the PostgreSQL corpus.")
        return url
    path = BENCH_DIR / "data" / f"bench-{size}.sqlite3"
    if not path.exists():
        sys.exit(f"No corpus at {path}: run `python -m bench.run --size {size}` first.")
    return f"sqlite:///{path}"


def copy_url(corpus: str) -> str:
    """Where the copy of the corpus goes."""
    if corpus.startswith("sqlite"):
        source = Path(corpus.removeprefix("sqlite:///"))
        return f"sqlite:///{source.with_name(source.name.replace('bench-', 'traffic-'))}"
    parts = urllib.parse.urlsplit(corpus)
    return parts._replace(path=f"{parts.path}_traffic").geturl()


def copy_corpus(corpus: str) -> str:
    """A fresh copy of the corpus to serve and write to; returns its URL."""
    copy = copy_url(corpus)
    drop_copy(copy)
    if corpus.startswith("sqlite"):
        read_only = closing(sqlite3.connect(f"file:{corpus.removeprefix('sqlite:///')}?mode=ro", uri=True))
        with read_only as reading, closing(sqlite3.connect(copy.removeprefix("sqlite:///"))) as writing:
            reading.backup(writing)  # the corpus is never written
        return copy
    name, copied = (urllib.parse.urlsplit(url).path.lstrip("/") for url in (corpus, copy))
    postgres_admin(corpus, f'CREATE DATABASE "{copied}" TEMPLATE "{name}"')
    return copy


def drop_copy(url: str) -> None:
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    postgres_admin(url, f'DROP DATABASE IF EXISTS "{urllib.parse.urlsplit(url).path.lstrip("/")}" WITH (FORCE)')


def postgres_admin(url: str, statement: str) -> None:
    """Run a database-level statement from the server's maintenance database (outside any transaction)."""
    import psycopg

    admin = urllib.parse.urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(statement.encode())
