"""The fixed sets of ratings, archive warnings and categories: canonical from the start."""

from __future__ import annotations

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from fanshelf.tags.models import CATEGORIES, RATINGS, WARNINGS


def create_fixed_tags(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    tag_model = apps.get_model("tags", "Tag")
    for tag_type, names in (("rating", list(RATINGS)), ("warning", WARNINGS), ("category", CATEGORIES)):
        for name in names:
            tag_model.objects.get_or_create(name=name, defaults={"type": tag_type, "canonical": True})


class Migration(migrations.Migration):
    dependencies = [("tags", "0001_initial")]
    operations = [migrations.RunPython(create_fixed_tags, migrations.RunPython.noop)]
