"""A hit's work needs no index of its own: the unique constraint's index (work, visitor, day) starts with it and
serves every lookup by work. Only the index is dropped (both databases name it the same), so neither rebuilds the
table nor checks its foreign key again: instant on an archive of any size."""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "works_hit_work_id_144d83f8"


class Migration(migrations.Migration):
    dependencies = [
        ("works", "0011_tags_read_in_order"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="hit",
                    name="work",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="hits",
                        to="works.work",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    reverse_sql=f'CREATE INDEX "{INDEX}" ON "works_hit" ("work_id")',
                ),
            ],
        ),
    ]
