"""History and shelves in the admin, read-only: they are a reader's own and change only through their pages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from fanshelf.accounts.admin_access import ReadOnlyAccess
from fanshelf.reading.models import Reading, ShelfEntry


class ReadOnlyAdmin(ReadOnlyAccess, admin.ModelAdmin[Any]):
    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Reading)
class ReadingAdmin(ReadOnlyAdmin):
    list_display = ["user", "work", "visits", "last_read_at"]
    raw_id_fields = ["user", "work", "last_chapter"]


@admin.register(ShelfEntry)
class ShelfEntryAdmin(ReadOnlyAdmin):
    list_display = ["user", "work", "shelf", "added_at"]
    list_filter = ["shelf"]
    raw_id_fields = ["user", "work"]
