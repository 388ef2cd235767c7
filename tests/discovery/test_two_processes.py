"""Several app processes on one PostgreSQL database stay consistent through the outbox."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from fanshelf.accounts.models import User
from tests.factories import make_work

ROOT = Path(__file__).resolve().parents[2]


def _spawn(role: str, **extra: str) -> subprocess.Popen[str]:
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DISCOVERY_REFRESH_SECONDS": "1", **extra}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.discovery.two_processes", role],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip


def _needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs a PostgreSQL server shared by two processes (run with DATABASE_URL=postgres://...)")


@pytest.mark.django_db(transaction=True)
def test_a_work_posted_through_one_process_is_listed_by_another_within_two_seconds() -> None:
    _needs_postgresql()
    reader = _spawn("reader")
    assert reader.stdout is not None
    assert reader.stdout.readline().startswith("ready 0")
    writer = _spawn("writer")
    posted_line, _ = writer.communicate(timeout=60)
    seen_line = reader.stdout.readline()
    reader.wait(timeout=30)
    assert seen_line.startswith("seen"), seen_line
    posted_at, work_id = float(posted_line.split()[1]), posted_line.split()[2]
    seen_at = float(seen_line.split()[1])
    assert work_id in seen_line
    assert seen_at - posted_at < 2.0


def _searches(count: int) -> list[tuple[str, list[str]]]:
    """What `count` searcher processes, started together and searching at the same moment, found and read."""
    at = str(time.time() + 8)  # time enough for each to start Django and build its index
    searchers = [_spawn("searcher", SEARCH_AT=at) for _ in range(count)]
    said = [searcher.communicate(timeout=90)[0].split() for searcher in searchers]
    assert all(words[:1] == ["found"] for words in said), said
    return [(words[1], words[3:]) for words in said]


@pytest.mark.django_db(transaction=True)
def test_processes_searching_at_once_read_a_term_once_and_a_later_one_reads_only_what_changed(author: User) -> None:
    _needs_postgresql()
    works = [make_work(author, title=f"Harbour log {n}").pk for n in range(3)]
    expected = ",".join(str(w) for w in sorted(works))
    first, second = _searches(2)
    assert first[0] == second[0] == expected
    assert sorted([first[1], second[1]]) == [["none"], ["whole"]], "one read it whole, the other started from it"

    posted = make_work(author, title="A harbour wall").pk
    [(found, reads)] = _searches(1)
    assert found == ",".join(str(w) for w in sorted([*works, posted]))
    assert reads == [str(posted)], "a process started later reads only the work posted since"
