"""Comments in the admin are read-only: every change goes through comments.actions (the counts and the outbox)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from fanshelf.accounts.admin_access import ReadOnlyAccess
from fanshelf.comments.models import Comment


@admin.register(Comment)
class CommentAdmin(ReadOnlyAccess, admin.ModelAdmin[Any]):
    """Look only; comments are deleted, hidden or marked spam from the work page, through the actions."""

    list_display = ("pk", "work", "status", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("work", "chapter", "parent", "thread", "user", "pseud")

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
