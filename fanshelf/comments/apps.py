from __future__ import annotations

from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "fanshelf.comments"
    label = "comments"

    def ready(self) -> None:
        from fanshelf.comments import receivers  # noqa: F401 - a deleted account's comments, guests' sections
