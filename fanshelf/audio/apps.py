from __future__ import annotations

from django.apps import AppConfig


class AudioConfig(AppConfig):
    name = "fanshelf.audio"
    label = "audio"
    verbose_name = "Podfic audio"

    def ready(self) -> None:
        from fanshelf.audio import signals  # noqa: F401  (connects the receivers)
