"""`fanshelf move_to_postgres URL`: copy this archive from its SQLite database into an empty PostgreSQL database.

Stop the app servers first (writes made during the move would be left behind). The target is migrated, emptied
of what migrating put there (content types, permissions), then every table both databases have is copied with
COPY, in one transaction with foreign-key triggers held off until the end (the user needs to be PostgreSQL's
superuser or the database's owner with that right); id sequences are set past the copied rows; and the text
index, which the two engines keep differently, is rebuilt by `fanshelf reindex`. Then set DATABASE_URL to the
URL and start the servers: media, the secret key and everything else in FANSHELF_VAR_DIR stay as they are.
"""

from __future__ import annotations

import os
import subprocess
import sys
from argparse import ArgumentParser
from typing import Any

import dj_database_url
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections

TARGET = "move_target"
# Kept by each engine its own way, or the target's own: rebuilt or written there, never copied.
NOT_COPIED = {"django_migrations", "discovery_worktext"}


class Command(BaseCommand):
    help = "Copy this archive from SQLite into an empty PostgreSQL database (stop the app servers first)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("url", help="the PostgreSQL database, such as postgres://USER:PASSWORD@HOST:5432/NAME")

    def handle(self, *args: Any, **options: Any) -> None:
        url: str = options["url"]
        if connection.vendor != "sqlite":
            raise CommandError("This archive is not on SQLite: there is nothing to move.")
        if not url.startswith(("postgres://", "postgresql://")):
            raise CommandError("Give a PostgreSQL URL: postgres://USER:PASSWORD@HOST:5432/NAME")
        self._connect(url)
        try:
            call_command("migrate", database=TARGET, verbosity=0, interactive=False)
            tables = self._tables()
            self._refuse_a_used_target()
            copied = self._copy(tables)
            with connections[TARGET].cursor() as cursor:
                # Statistics for the planner before the reindex reads every work: until autovacuum reaches the new
                # rows it plans from empty tables', and a big archive's reindex scans whole tables per batch. The
                # vacuum marks the copied pages all-visible, so lookups answered by an index alone (a work's tags on
                # every listing) need not visit the table's pages to learn whether each row is visible.
                cursor.execute("VACUUM ANALYZE")
        finally:
            connections[TARGET].close()
        self.stdout.write(f"Copied {copied:,} rows in {len(tables)} tables. Rebuilding the text index...")
        environment = {**os.environ, "DATABASE_URL": url}
        reindex = [sys.executable, "-m", "fanshelf.cli", "reindex"]
        if subprocess.run(reindex, env=environment, check=False).returncode != 0:  # noqa: S603 (our own command)
            raise CommandError("The copy is complete but `fanshelf reindex` failed: run it with DATABASE_URL set.")
        self.stdout.write(f"Done. Set DATABASE_URL={url} and start the app servers.")

    def _connect(self, url: str) -> None:
        both = {"default": settings.DATABASES["default"], TARGET: dj_database_url.parse(url)}
        connections.settings[TARGET] = connections.configure_settings(both)[TARGET]

    def _tables(self) -> list[str]:
        source = set(connection.introspection.table_names())
        target = set(connections[TARGET].introspection.table_names())
        return sorted((source & target) - NOT_COPIED)

    def _refuse_a_used_target(self) -> None:
        with connections[TARGET].cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM accounts_user)")
            (used,) = cursor.fetchone()
        if used:
            raise CommandError("The PostgreSQL database already holds an archive; give an empty one.")

    def _copy(self, tables: list[str]) -> int:
        rows = 0
        target = connections[TARGET]
        target.ensure_connection()
        raw = target.connection
        with raw.transaction(), raw.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")  # foreign keys checked by the source
            cursor.execute("TRUNCATE " + ", ".join(f'"{table}"' for table in tables) + " RESTART IDENTITY")
            for table in tables:
                columns = self._columns(cursor, table)
                rows += self._copy_table(cursor, table, columns)
                if "id" in columns:
                    self._set_sequence(cursor, table)
        return rows

    def _columns(self, cursor: Any, table: str) -> list[str]:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = %s ORDER BY ordinal_position",
            [table],
        )
        return [name for (name,) in cursor.fetchall()]

    def _copy_table(self, cursor: Any, table: str, columns: list[str]) -> int:
        names = ", ".join(f'"{name}"' for name in columns)
        count = 0
        with connection.cursor() as source, cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            source.execute(f'SELECT {names} FROM "{table}"')  # noqa: S608 (names from both schemas)
            while batch := source.fetchmany(2000):
                for row in batch:
                    copy.write_row(row)
                count += len(batch)
        return count

    def _set_sequence(self, cursor: Any, table: str) -> None:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [f'"{table}"'])
        found = cursor.fetchone()
        if found and found[0]:
            cursor.execute(
                f'SELECT setval(%s, COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM "{table}"',  # noqa: S608
                [found[0]],
            )
