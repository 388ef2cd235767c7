from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fanshelf.core"
    label = "core"

    def ready(self) -> None:
        from fanshelf.core import csrf_secrets

        csrf_secrets.install()
