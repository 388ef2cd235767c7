"""Tags keep the order their creator typed them in: the plain many-to-many table becomes the WorkTag model, in
place (same table, same columns, same rows), and gains a position. Existing links get positions from the order
they were shown in until now (alphabetical within the work), so no page changes until a creator edits the work.
"""

from __future__ import annotations

from itertools import groupby
from operator import itemgetter

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

BATCH = 2000


def number_existing_links(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    WorkTag = apps.get_model("works", "WorkTag")
    links = WorkTag.objects.using(schema_editor.connection.alias)
    rows = links.order_by("work_id").values_list("work_id", "pk", "tag__name").iterator(chunk_size=BATCH)
    changed: list[models.Model] = []
    for _, work_links in groupby(rows, key=itemgetter(0)):
        # Python's lower(), as the old display sort used, rather than the database's (ASCII-only on SQLite).
        ordered = sorted(work_links, key=lambda row: row[2].lower())
        changed.extend(WorkTag(pk=pk, position=position) for position, (_, pk, _) in enumerate(ordered))
        if len(changed) >= BATCH:
            links.bulk_update(changed, ["position"])
            changed = []
    links.bulk_update(changed, ["position"])


class Migration(migrations.Migration):
    dependencies = [
        ("tags", "0006_tag_change"),
        ("works", "0004_work_audio_seconds"),
    ]

    operations = [
        # Only Django's picture of the table changes: the table Django made for the many-to-many already has
        # these columns and this unique pair.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="WorkTag",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("tag", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="tags.tag")),
                        ("work", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="works.work")),
                    ],
                    options={"db_table": "works_work_tags", "unique_together": {("work", "tag")}},
                ),
                migrations.AlterField(
                    model_name="work",
                    name="tags",
                    field=models.ManyToManyField(
                        blank=True, related_name="works", through="works.WorkTag", to="tags.tag"
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(model_name="worktag", name="position", field=models.PositiveSmallIntegerField(default=0)),
        migrations.RunPython(number_existing_links, migrations.RunPython.noop, elidable=True),
    ]
