from __future__ import annotations

from django.apps import AppConfig


class SpamConfig(AppConfig):
    name = "fanshelf.spam"
    label = "spam"

    def ready(self) -> None:
        from fanshelf.spam import receivers  # noqa: F401 - works and comments are scored as they are posted
