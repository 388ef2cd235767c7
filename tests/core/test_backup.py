"""`fanshelf backup` and `fanshelf restore` as an operator runs them: a backup taken while people post, restored on
another archive, holds one consistent moment of the original, media and all, and a damaged backup is refused.

Each archive is a real one in its own FANSHELF_VAR_DIR (its own SQLite file) or, on a PostgreSQL pass, its own
database on the test server.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tests.works.test_hostile_server import ROOT, _server_environment

SEED = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from tests.factories import make_user, make_work
author = make_user("Archivist")
for title in ("潮の記憶", "“Lanterns”", "ספינת אור"):
    make_work(author, title=title)
default_storage.save("audio/tide.mp3", ContentFile(b"ID3" + bytes(range(256)) * 40))
"""

WRITER = """
import sys, django
django.setup()
from fanshelf.accounts.models import User
from tests.factories import make_work
author = User.objects.get(username="Archivist")
while True:
    work = make_work(author, title=f"Written during the backup {author.pk}")
    print(work.pk, flush=True)
"""

SNAPSHOT = """
import json, django
django.setup()
from fanshelf.accounts.models import User
from fanshelf.works.models import Chapter, Work
print(json.dumps({
    "works": [[w.pk, w.title, w.word_count] for w in Work.objects.order_by("pk")],
    "chapters": [[c.pk, c.work_id, c.content] for c in Chapter.objects.order_by("pk")],
    "users": sorted(User.objects.values_list("username", flat=True)),
}, ensure_ascii=False))
"""


@contextmanager
def _postgres_database(name: str) -> Iterator[str]:
    """A fresh database on the test server, and its URL; dropped afterwards."""
    import psycopg

    settings = connection.settings_dict
    server = f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST']}:{settings['PORT']}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def archives(tmp_path: Path) -> Iterator[tuple[dict[str, str], dict[str, str]]]:
    """The environments of two archives: the original and the one a backup is restored to."""
    environments = []
    with ExitStack() as stack:
        for name in ("original", "restored"):
            env = _server_environment(tmp_path / name)
            env.pop("FANSHELF_DEBUG")
            env.pop("FANSHELF_SECRET_KEY")  # each archive generates its own, in its var/
            if connection.vendor == "postgresql":
                name = f"{connection.settings_dict['NAME']}_{name}"
                env["DATABASE_URL"] = stack.enter_context(_postgres_database(name))
            environments.append(env)
        yield environments[0], environments[1]


def python(env: dict[str, str], script: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def fanshelf(env: dict[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "fanshelf.cli", *arguments]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)


def snapshot(env: dict[str, str]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(python(env, SNAPSHOT))
    return result


def media_files(env: dict[str, str]) -> dict[str, bytes]:
    root = Path(env["FANSHELF_VAR_DIR"]) / "media"
    return {str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()}


def test_a_backup_taken_while_people_post_restores_one_consistent_moment(
    archives: tuple[dict[str, str], dict[str, str]], tmp_path: Path
) -> None:
    original, restored = archives
    python(original, SEED)
    before = snapshot(original)
    writer = subprocess.Popen([sys.executable, "-c", WRITER], cwd=ROOT, env=original, stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None
        for _ in range(5):  # the writer is well under way
            writer.stdout.readline()
        taken = fanshelf(original, "backup", str(tmp_path / "busy"))
        assert taken.returncode == 0, taken.stderr
        time.sleep(0.5)  # and goes on after the backup
    finally:
        writer.terminate()
        writer.wait(timeout=30)
    after = snapshot(original)
    done = fanshelf(restored, "restore", "--noinput", str(tmp_path / "busy"))
    assert done.returncode == 0, done.stderr
    copy = snapshot(restored)
    # Everything from before the backup, nothing after it, and no work without its chapter or the reverse.
    assert before["works"] == copy["works"][: len(before["works"])]
    assert len(before["works"]) + 5 <= len(copy["works"]) < len(after["works"])
    assert copy["works"] == after["works"][: len(copy["works"])]  # a prefix: one moment, no holes
    assert {c[1] for c in copy["chapters"]} == {w[0] for w in copy["works"]}
    assert copy["chapters"] == [c for c in after["chapters"] if c[1] in {w[0] for w in copy["works"]}]
    assert copy["users"] == after["users"]
    assert media_files(restored) == media_files(original)
    assert "潮の記憶" in {w[1] for w in copy["works"]}

    # Once the writes stop, a backup restores to exactly what dumpdata shows, over what was restored before.
    quiet = fanshelf(original, "backup", str(tmp_path / "quiet"))
    assert quiet.returncode == 0, quiet.stderr
    done = fanshelf(restored, "restore", "--noinput", str(tmp_path / "quiet"))
    assert done.returncode == 0, done.stderr
    dump = ["dumpdata", "--indent", "0", "-e", "contenttypes", "-e", "auth.permission", "-e", "sessions"]
    assert fanshelf(restored, *dump).stdout == fanshelf(original, *dump).stdout
    assert media_files(restored) == media_files(original)
    secret = Path(original["FANSHELF_VAR_DIR"]) / "secret_key"  # sessions and signed links go on working
    assert (Path(restored["FANSHELF_VAR_DIR"]) / "secret_key").read_text() == secret.read_text()


def test_a_damaged_or_misdirected_backup_is_refused_and_nothing_changes(
    archives: tuple[dict[str, str], dict[str, str]], tmp_path: Path
) -> None:
    original, _ = archives
    python(original, SEED)
    backup = tmp_path / "backup"
    assert fanshelf(original, "backup", str(backup)).returncode == 0
    again = fanshelf(original, "backup", str(backup))
    assert again.returncode != 0
    assert "not empty" in again.stderr
    python(original, "import django; django.setup(); from tests.factories import *; make_work(make_user('Keeper'))")
    kept = snapshot(original)
    media = next(path for path in (backup / "media").rglob("*") if path.is_file())
    media.write_bytes(media.read_bytes()[:-1] + b"!")
    damaged = fanshelf(original, "restore", "--noinput", str(backup))
    assert damaged.returncode != 0
    assert "does not match its checksum" in damaged.stderr
    assert snapshot(original) == kept
    missing = fanshelf(original, "restore", "--noinput", str(tmp_path / "nowhere"))
    assert missing.returncode != 0
    assert "not a Fanshelf backup" in missing.stderr
