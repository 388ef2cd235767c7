"""Several app processes on one PostgreSQL database stay consistent through the outbox."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _spawn(role: str) -> subprocess.Popen[str]:
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DISCOVERY_REFRESH_SECONDS": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.discovery.two_processes", role],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_a_work_posted_through_one_process_is_listed_by_another_within_two_seconds() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs a PostgreSQL server shared by two processes (run with DATABASE_URL=postgres://...)")
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
