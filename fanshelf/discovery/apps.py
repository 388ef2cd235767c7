from __future__ import annotations

from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    name = "fanshelf.discovery"
    label = "discovery"

    def ready(self) -> None:
        # The text index forgets a deleted account's words whichever process deletes it (a web worker, the shell,
        # a management command), so its receivers are connected at start-up, not when a listing first loads it.
        from fanshelf.discovery import text  # noqa: F401
