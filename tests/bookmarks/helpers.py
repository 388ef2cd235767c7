"""Bookmarks made the way readers make them: through the actions."""

from __future__ import annotations

from collections.abc import Sequence

from fanshelf.accounts.models import User
from fanshelf.bookmarks.actions import BookmarkFields, ExternalFields, bookmark_external, bookmark_work
from fanshelf.bookmarks.models import Bookmark
from fanshelf.works.models import Work


def bookmark(
    user: User, work: Work, *, notes: str = "", tags: Sequence[str] = (), rec: bool = False, private: bool = False
) -> Bookmark:
    fields = BookmarkFields(pseud=user.default_pseud(), notes=notes, tags=tags, rec=rec, private=private)
    return bookmark_work(user, work, fields)


def bookmark_elsewhere(
    user: User, url: str = "https://example.org/stories/lanterns", *, title: str = "Lanterns Far Away", **extra: object
) -> Bookmark:
    external = ExternalFields(url=url, title=title, creator="Ferrywoman", fandoms=["Tidewater Chronicles"])
    fields = BookmarkFields(pseud=user.default_pseud(), **extra)  # type: ignore[arg-type]
    return bookmark_external(user, external, fields)
