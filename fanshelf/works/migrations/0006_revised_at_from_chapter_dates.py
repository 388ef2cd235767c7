"""A work's updated date (revised_at) is the date of its latest posted chapter (works.actions.refresh_totals).
Works posted before that rule carry the day they were posted or imported even when backdated (a demo archive
loaded today said its 2024 works were updated today): give each one whose day differs the start of its latest
posted chapter's day. Works whose day is already right keep their time, so same-day order is unchanged.
"""

from __future__ import annotations

import datetime

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.utils import timezone

BATCH = 2000


def derive_revised_at(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    alias = schema_editor.connection.alias
    Work = apps.get_model("works", "Work")
    Chapter = apps.get_model("works", "Chapter")
    latest = dict(
        Chapter.objects.using(alias)
        .filter(posted=True, published_on__isnull=False)
        .order_by()
        .values("work_id")
        .annotate(latest=models.Max("published_on"))
        .values_list("work_id", "latest")
    )
    zone = timezone.get_current_timezone()
    works = Work.objects.using(alias).filter(posted=True, revised_at__isnull=False).order_by("pk")
    changed: list[models.Model] = []
    for pk, revised_at in works.values_list("pk", "revised_at").iterator(chunk_size=BATCH):
        day = latest.get(pk)
        if day is None or timezone.localdate(revised_at, zone) == day:
            continue
        changed.append(Work(pk=pk, revised_at=datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)))
        if len(changed) >= BATCH:
            Work.objects.using(alias).bulk_update(changed, ["revised_at"])
            changed = []
    if changed:
        Work.objects.using(alias).bulk_update(changed, ["revised_at"])


class Migration(migrations.Migration):
    dependencies = [("works", "0005_work_tag_position")]

    operations = [migrations.RunPython(derive_revised_at, migrations.RunPython.noop, elidable=True)]
