from __future__ import annotations

from django.apps import AppConfig


class WorksConfig(AppConfig):
    name = "fanshelf.works"
    label = "works"

    def ready(self) -> None:
        from fanshelf.works import signals  # noqa: F401 - tag wrangling writes the works outbox
