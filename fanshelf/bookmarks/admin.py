"""Bookmarks in the admin are for looking, and for moderators to delete one (abusive notes, say) through
`delete_bookmark`, which takes a public bookmark off its work's count. External works are read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from fanshelf.accounts.admin_access import ActionDeletion, ReadOnlyAccess, acting_user
from fanshelf.bookmarks.actions import delete_bookmark
from fanshelf.bookmarks.models import Bookmark, ExternalWork


@admin.register(Bookmark)
class BookmarkAdmin(ReadOnlyAccess, ActionDeletion):
    list_display = ("pk", "user", "work", "series", "external", "rec", "private", "created_at")
    list_filter = ("rec", "private")
    list_select_related = ("user", "work", "series", "external")
    raw_id_fields = ("user", "pseud", "work", "series", "external")

    def delete_object(self, request: HttpRequest, obj: Bookmark) -> None:
        delete_bookmark(obj, acting_user(request))


@admin.register(ExternalWork)
class ExternalWorkAdmin(ReadOnlyAccess, admin.ModelAdmin[Any]):
    list_display = ("title", "creator", "url", "created_at")
    search_fields = ("title", "creator", "url")

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # bookmarks hang on it; each is deleted by its owner (or a moderator) instead
