from __future__ import annotations

from django.apps import AppConfig


class DownloadsConfig(AppConfig):
    name = "fanshelf.downloads"
    label = "downloads"

    def ready(self) -> None:
        from fanshelf.downloads import signals  # noqa: F401 (connects the receivers)
