"""A work's tags are read in typed order from one index of (work, position, tag), which also serves every other
lookup by work: the foreign key's own index on work alone is dropped rather than kept beside it. Dropped by name
(Django names it the same on every database), so SQLite keeps its table instead of copying it to change the field."""

import django.db.models.deletion
from django.db import migrations, models

WORK_INDEX = "works_work_tags_work_id_2e2cba2d"


class Migration(migrations.Migration):
    dependencies = [
        ("tags", "0008_tag_name_index"),
        ("works", "0010_outbox_index_of_shown_changes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="worktag",
            index=models.Index(fields=["work", "position", "tag"], name="works_tags_in_order"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="worktag",
                    name="work",
                    field=models.ForeignKey(
                        db_index=False, on_delete=django.db.models.deletion.CASCADE, to="works.work"
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{WORK_INDEX}"',
                    reverse_sql=f'CREATE INDEX "{WORK_INDEX}" ON "works_work_tags" ("work_id")',
                ),
            ],
        ),
    ]
