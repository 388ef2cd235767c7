"""`fanshelf move_to_postgres URL`, as an operator outgrowing SQLite runs it: the PostgreSQL archive holds exactly
what the SQLite one did (dumpdata agrees), text search works there, new rows get new ids, and a used target is
refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from tests.core.test_backup import SEED, _postgres_database, fanshelf, python
from tests.works.test_hostile_server import _server_environment

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a PostgreSQL server: runs in the PostgreSQL pass"
)

# `fanshelf reindex` on the new database adds its own outbox row; the rest must match exactly.
DUMP = ["dumpdata", "--indent", "0", "-e", "sessions", "-e", "admin.logentry", "-e", "works.workchange"]


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[tuple[dict[str, str], str]]:
    env = _server_environment(tmp_path)
    env.pop("FANSHELF_DEBUG")
    env.pop("DATABASE_URL", None)  # the archive starts on SQLite, in its own var/
    with _postgres_database(f"{connection.settings_dict['NAME']}_moved") as url:
        yield env, url


def test_an_archive_moves_from_sqlite_to_postgresql_whole(archive: tuple[dict[str, str], str]) -> None:
    sqlite, url = archive
    python(sqlite, SEED)
    moved = fanshelf(sqlite, "move_to_postgres", url)
    assert moved.returncode == 0, moved.stderr
    postgres = {**sqlite, "DATABASE_URL": url}
    assert fanshelf(postgres, *DUMP).stdout == fanshelf(sqlite, *DUMP).stdout
    found = python(
        {**postgres, "FANSHELF_DEBUG": "true"},  # static files without a collectstatic manifest
        "import django; django.setup(); from django.test import Client; "
        "print(Client(HTTP_HOST='localhost').get('/works/', {'q': '潮の記憶'}).content.decode().count('潮の記憶'))",
    )
    assert int(found.strip().splitlines()[-1]) >= 1
    made = python(
        postgres,
        "import django; django.setup(); from tests.factories import make_user, make_work; "
        "from fanshelf.works.models import Work; print(make_work(make_user('Newcomer')).pk, Work.objects.count())",
    )
    new_id, count = map(int, made.split()[-2:])
    assert new_id == count  # the sequence went past the copied works
    # The planner has statistics at once (without them, on a big archive, the reindex scanned whole tables per batch).
    analyzed = python(
        postgres,
        "import django; django.setup(); from django.db import connection; c = connection.cursor(); "
        "c.execute(\"SELECT reltuples FROM pg_class WHERE relname = 'works_work'\"); print(c.fetchone()[0])",
    )
    assert float(analyzed.strip().splitlines()[-1]) > 0
    # And vacuumed: the copied pages are marked all-visible, so a lookup by index alone need not visit the table.
    visible = python(
        postgres,
        "import django; django.setup(); from django.db import connection; c = connection.cursor(); "
        "c.execute(\"SELECT relallvisible FROM pg_class WHERE relname = 'works_work_tags'\"); print(c.fetchone()[0])",
    )
    assert int(visible.strip().splitlines()[-1]) > 0
    again = fanshelf(sqlite, "move_to_postgres", url)
    assert again.returncode != 0
    assert "already holds an archive" in again.stderr


def test_only_a_postgresql_url_is_taken(archive: tuple[dict[str, str], str]) -> None:
    sqlite, _ = archive
    refused = fanshelf(sqlite, "move_to_postgres", "mysql://somewhere/db")
    assert refused.returncode != 0
    assert "Give a PostgreSQL URL" in refused.stderr
