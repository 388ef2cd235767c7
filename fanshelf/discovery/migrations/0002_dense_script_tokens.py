"""Text rows in the form that finds words inside Han, Kana, Hangul and Thai runs (see fanshelf/discovery/text.py).

SQLite's table is made again with combining marks as token characters, so a Thai vowel or tone mark no longer
splits its word. On both databases the old rows are removed: each process that starts rewrites the text row of
every work with an outbox row newer than its text row (all of them, now), in the new form; `fanshelf reindex` does
the same at once. Migrations are frozen history: the DDL is written out here, not imported from the live module.
"""

from __future__ import annotations

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

OLD_SQLITE_DDL = (
    "CREATE VIRTUAL TABLE discovery_worktext USING fts5(title, creators, summary, notes, tags, body, "
    "change_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')"
)
NEW_SQLITE_DDL = (
    "CREATE VIRTUAL TABLE discovery_worktext USING fts5(title, creators, summary, notes, tags, body, "
    "change_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 2 categories ''L* N* Co M*''')"
)


def _remake(schema_editor: BaseDatabaseSchemaEditor, sqlite_ddl: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DELETE FROM discovery_worktext")
    else:
        schema_editor.execute("DROP TABLE IF EXISTS discovery_worktext")
        schema_editor.execute(sqlite_ddl)


def forwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _remake(schema_editor, NEW_SQLITE_DDL)


def backwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _remake(schema_editor, OLD_SQLITE_DDL)


class Migration(migrations.Migration):
    dependencies = [("discovery", "0001_worktext")]
    operations = [migrations.RunPython(forwards, backwards)]
