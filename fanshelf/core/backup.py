"""`fanshelf backup DIR` and `fanshelf restore DIR`: the database, the uploaded media and the generated secret key,
with a manifest of checksums, taken while the site runs.

The database copy is one consistent moment: SQLite's online backup API copies pages under the database's own
locking (writers go on meanwhile; a page they change is copied again), and pg_dump reads everything in one
snapshot transaction. Media files are copied after the database, so every file the copy names was there unless it
was deleted in between (uploads are written before the row that names them).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
SECRET_FILE = "secret_key"  # noqa: S105 (a file name, not a secret)


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(root: Path) -> Iterator[Path]:
    yield from sorted(path for path in root.rglob("*") if path.is_file())


def _pg_arguments() -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump and pg_restore, and the password in their environment (never on the line)."""
    db = settings.DATABASES["default"]
    options = ["--host", str(db.get("HOST") or "127.0.0.1"), "--port", str(db.get("PORT") or 5432)]
    options += ["--username", str(db.get("USER") or "postgres"), "--dbname", str(db["NAME"])]
    environment = {"PGPASSWORD": str(db.get("PASSWORD") or "")}
    return options, environment


def _run(command: list[str], environment: dict[str, str]) -> None:
    # S603: the command is pg_dump or pg_restore with our own settings as arguments, never user input.
    result = subprocess.run(command, env={**os.environ, **environment}, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip() or result.returncode}")


def _copy_database(target: Path) -> str:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        live: sqlite3.Connection = connection.connection  # the open database, a file or (in tests) memory
        with sqlite3.connect(target / SQLITE_FILE) as copy:
            live.backup(copy, pages=1024)  # a step at a time, so writers are not held for the whole copy
        copy.close()
        return SQLITE_FILE
    if connection.vendor == "postgresql":
        if shutil.which("pg_dump") is None:
            raise BackupError("pg_dump is not installed (Debian: apt-get install postgresql-client).")
        options, environment = _pg_arguments()
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target / PG_FILE), *options], environment)
        return PG_FILE
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")


def backup(target: Path) -> dict[str, Any]:
    """Write a backup into `target` (a new or empty directory) and return its manifest."""
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: give a new directory for each backup.")
    target.mkdir(parents=True, exist_ok=True)
    started = datetime.datetime.now(datetime.UTC)
    database = _copy_database(target)
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.is_dir():
        shutil.copytree(media_root, target / "media", dirs_exist_ok=True)
    secret = Path(settings.VAR_DIR) / SECRET_FILE
    if secret.is_file():  # the generated key; a FANSHELF_SECRET_KEY set in the environment is the operator's
        shutil.copy2(secret, target / SECRET_FILE)
    manifest = {
        "format": FORMAT,
        "engine": connection.vendor,
        "database": database,
        "taken_at": started.isoformat(),
        "files": {str(path.relative_to(target)): _sha256(path) for path in _files(target)},
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def read_manifest(source: Path) -> dict[str, Any]:
    """The backup's manifest, once every file it lists is there with its checksum."""
    try:
        manifest: dict[str, Any] = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise BackupError(f"{source} has no {MANIFEST}: it is not a Fanshelf backup.") from error
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"{source / MANIFEST} is damaged: {error}") from error
    if manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), dict):
        raise BackupError(f"{source / MANIFEST} is not a backup this version of Fanshelf can read.")
    for name, checksum in manifest["files"].items():
        path = source / name
        if not path.is_file() or source.resolve() not in path.resolve().parents:
            raise BackupError(f"The backup is incomplete: {name} is missing.")
        if _sha256(path) != checksum:
            raise BackupError(f"The backup is damaged: {name} does not match its checksum.")
    return manifest


def restore(source: Path) -> dict[str, Any]:
    """Replace the database, the media and the generated secret key with the backup's. Stop the app servers
    first: the discovery index in each running process would not know the database changed."""
    manifest = read_manifest(source)
    if manifest["engine"] != connection.vendor:
        raise BackupError(
            f"This backup is of a {manifest['engine']} database and this archive uses {connection.vendor}."
        )
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(source / SQLITE_FILE) as copy:
            copy.backup(connection.connection)
        copy.close()
    else:
        options, environment = _pg_arguments()
        command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", *options]
        _run([*command, str(source / PG_FILE)], environment)
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists():
        shutil.rmtree(media_root)
    if (source / "media").is_dir():
        shutil.copytree(source / "media", media_root)
    if (source / SECRET_FILE).is_file():
        shutil.copy2(source / SECRET_FILE, Path(settings.VAR_DIR) / SECRET_FILE)
    return manifest
