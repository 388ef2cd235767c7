from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fanshelf.accounts"
    label = "accounts"

    def ready(self) -> None:
        from fanshelf.accounts import signals  # noqa: F401
