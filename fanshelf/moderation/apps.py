from __future__ import annotations

from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "fanshelf.moderation"
    label = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        from fanshelf.moderation import receivers  # noqa: F401 (writes the audit log of the other apps' actions)
