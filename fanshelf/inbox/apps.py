from __future__ import annotations

from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "fanshelf.inbox"
    label = "inbox"

    def ready(self) -> None:
        from fanshelf.inbox import receivers  # noqa: F401 (connects the receivers)
