"""The media fandoms are filed under (AO3's list): canonical from the start, like the fixed tags."""

from __future__ import annotations

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

MEDIA = [
    "Anime & Manga",
    "Books & Literature",
    "Cartoons & Comics & Graphic Novels",
    "Celebrities & Real People",
    "Movies",
    "Music & Bands",
    "Other Media",
    "Theater",
    "TV Shows",
    "Video Games",
]


def create_media(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    tag_model = apps.get_model("tags", "Tag")
    for name in MEDIA:
        if not tag_model.objects.filter(name__iexact=name).exists():
            tag_model.objects.create(name=name, type="media", canonical=True)


class Migration(migrations.Migration):
    dependencies = [("tags", "0003_metatags_and_wrangling_assignments")]
    operations = [migrations.RunPython(create_media, migrations.RunPython.noop)]
