from __future__ import annotations

from django.apps import AppConfig


class BookmarksConfig(AppConfig):
    name = "fanshelf.bookmarks"
    label = "bookmarks"

    def ready(self) -> None:
        from fanshelf.bookmarks import signals  # noqa: F401 - a deleted account's bookmarks leave the counts
