"""Moderators are staff users: they may use every model admin that opts in, without per-model permissions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest


class ModeratorAccess:
    """Mix into a ModelAdmin so that every active staff user (moderator) may view, change and delete its
    objects; adding stays with superusers."""

    def _is_moderator(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._is_moderator(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._is_moderator(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._is_moderator(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._is_moderator(request)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return bool(request.user.is_superuser)


class ModeratorAdmin(ModeratorAccess, admin.ModelAdmin[Any]):
    """A ModelAdmin that every moderator may use."""
