"""Who may do what in /admin/. Moderators are staff users: they use every model admin that opts in here, without
per-model permissions. Changes go through the apps' actions, so an admin is either read-only or routes its saves and
deletions to an action (see ActionDeletion)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from fanshelf.accounts.models import User, is_moderator


def moderating(request: HttpRequest) -> bool:
    return is_moderator(request.user)


def acting_user(request: HttpRequest) -> User:
    """The signed-in admin user (model admins are for moderators, who are never anonymous)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


class ModeratorAccess:
    """Mix into a ModelAdmin so that every active moderator may view, change and delete its objects; adding
    stays with superusers."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return moderating(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return moderating(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return moderating(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return moderating(request)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return bool(request.user.is_superuser)


class ReadOnlyAccess(ModeratorAccess):
    """Moderators may look but not edit: the objects change only through admin actions that call the app's
    actions. Deleting is left to the admin (ActionDeletion routes it to an action)."""

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ReadOnlyInline(ReadOnlyAccess):
    """An inline shown for reference: no row may be added, changed or deleted through the parent's form."""

    can_delete = False
    extra = 0

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ActionDeletion(admin.ModelAdmin[Any]):
    """Every way the admin deletes (the delete page, Django's bulk delete, a queryset delete) goes through
    `delete_object`, which subclasses make call their app's action. An action that refuses (ValidationError) is
    shown as an error message and nothing is deleted."""

    def delete_object(self, request: HttpRequest, obj: Any) -> None:
        raise NotImplementedError

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.delete_object(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in list(queryset):
                self.delete_object(request, obj)

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None) -> Any:
        # Django runs the deletion in a transaction; the refusal rolls it back (its log entry too) and lands here.
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as refusal:
            self.message_user(request, " ".join(refusal.messages), messages.ERROR)
            name = f"admin:{self.opts.app_label}_{self.opts.model_name}_change"
            return HttpResponseRedirect(reverse(name, args=[unquote(object_id)]))
