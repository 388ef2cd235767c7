"""Read-only: entries and subscriptions are people's own; they change them on their pages."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from fanshelf.inbox.models import InboxEntry, Subscription


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(InboxEntry)
class InboxEntryAdmin(ReadOnlyAdmin):
    list_display = ["user", "kind", "subject", "read", "created_at"]
    list_filter = ["kind", "read"]
    raw_id_fields = ["user", "work"]


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["user", "work", "series", "creator", "created_at"]
    raw_id_fields = ["user", "work", "series", "creator"]
