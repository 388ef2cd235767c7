"""The text search table: FTS5 on SQLite, tsvector + GIN on PostgreSQL (see fanshelf/discovery/text.py).

Migrations are frozen history: the DDL is written out here, not imported from the live module.
"""

from __future__ import annotations

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

POSTGRES_DDL = [
    "CREATE TABLE IF NOT EXISTS discovery_worktext (work_id bigint PRIMARY KEY, change_id bigint NOT NULL, "
    "document tsvector NOT NULL)",
    "CREATE INDEX IF NOT EXISTS discovery_worktext_document ON discovery_worktext USING gin (document)",
]
SQLITE_DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS discovery_worktext USING fts5(title, creators, summary, notes, tags, body, "
    "change_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')"
]


def create_text_table(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    ddl = POSTGRES_DDL if schema_editor.connection.vendor == "postgresql" else SQLITE_DDL
    for statement in ddl:
        schema_editor.execute(statement)


def drop_text_table(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    schema_editor.execute("DROP TABLE IF EXISTS discovery_worktext")


class Migration(migrations.Migration):
    dependencies = [("works", "0001_initial")]
    operations = [migrations.RunPython(create_text_table, drop_text_table)]
