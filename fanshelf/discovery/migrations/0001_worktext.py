"""The text search table: FTS5 on SQLite, tsvector + GIN on PostgreSQL (see fanshelf/discovery/text.py)."""

from __future__ import annotations

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from fanshelf.discovery.text import create_table_sql, drop_table_sql


def create_text_table(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for statement in create_table_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def drop_text_table(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for statement in drop_table_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("works", "0001_initial")]
    operations = [migrations.RunPython(create_text_table, drop_text_table)]
