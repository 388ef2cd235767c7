from __future__ import annotations

from django.apps import AppConfig


class ReadingConfig(AppConfig):
    name = "fanshelf.reading"
    label = "reading"

    def ready(self) -> None:
        from fanshelf.reading import receivers  # noqa: F401 (connects the work_viewed receiver)
