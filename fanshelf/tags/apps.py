from __future__ import annotations

from django.apps import AppConfig


class TagsConfig(AppConfig):
    name = "fanshelf.tags"
    label = "tags"

    def ready(self) -> None:
        from fanshelf.tags import signals  # noqa: F401 - connects the wrangling outbox receiver
