"""Moderators find, suspend and delete accounts here, see each account's pseuds, and revoke leaked tokens."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from fanshelf.accounts import actions as account_actions
from fanshelf.accounts.models import PersonalToken, Pseud, User
from fanshelf.core.admin_access import ModeratorAccess

PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


def _outranks(request: HttpRequest, obj: Model | None) -> bool:
    """Moderators may not change or delete superusers' accounts."""
    return request.user.is_superuser or not (isinstance(obj, User) and obj.is_superuser)


class AccountCreationForm(AdminUserCreationForm[User]):
    class Meta(AdminUserCreationForm.Meta):
        model = User


class AccountChangeForm(UserChangeForm[User]):
    class Meta(UserChangeForm.Meta):
        model = User


class PseudInline(admin.TabularInline[Pseud, User]):
    model = Pseud
    fields = ("name", "is_default", "description", "created_at")
    readonly_fields = ("is_default", "created_at")
    extra = 0


@admin.register(User)
class UserAdmin(ModeratorAccess, DjangoUserAdmin):  # type: ignore[type-arg]
    form = AccountChangeForm
    add_form = AccountCreationForm
    list_display = ("username", "email", "is_active", "is_staff", "date_joined", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser", "date_joined")
    search_fields = ("username", "email", "pseuds__name")
    ordering = ("username",)
    inlines = (PseudInline,)
    actions = ("suspend_accounts", "reinstate_accounts")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (
            "Preferences",
            {"fields": account_actions.PREFERENCE_FIELDS, "classes": ("collapse",)},
        ),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> tuple[str, ...]:
        # Moderators manage accounts; only superusers hand out staff rights or permissions.
        if request.user.is_superuser:
            return tuple(super().get_readonly_fields(request, obj))
        return (*super().get_readonly_fields(request, obj), *PRIVILEGE_FIELDS)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_change_permission(request, obj) and _outranks(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_delete_permission(request, obj) and _outranks(request, obj)

    def get_inlines(self, request: HttpRequest, obj: User | None) -> list[type[InlineModelAdmin[Any, Any]]]:
        # A new account gets its default pseud from a signal; pseuds are edited once the account exists.
        return list(self.inlines) if obj is not None else []

    @admin.action(description="Suspend selected accounts (they can no longer log in)")
    def suspend_accounts(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = account_actions.set_users_active(queryset, False, acting=request.user)  # type: ignore[arg-type]
        self.message_user(request, f"Suspended {count} account{'s' if count != 1 else ''}.", messages.SUCCESS)

    @admin.action(description="Reinstate selected accounts")
    def reinstate_accounts(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = account_actions.set_users_active(queryset, True)
        self.message_user(request, f"Reinstated {count} account{'s' if count != 1 else ''}.", messages.SUCCESS)


@admin.register(Pseud)
class PseudAdmin(ModeratorAccess, admin.ModelAdmin[Pseud]):
    list_display = ("name", "user", "is_default", "created_at")
    list_filter = ("is_default",)
    search_fields = ("name", "user__username", "user__email")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    readonly_fields = ("is_default", "created_at")


@admin.register(PersonalToken)
class PersonalTokenAdmin(ModeratorAccess, admin.ModelAdmin[PersonalToken]):
    list_display = ("name", "prefix", "user", "created_at", "last_used_at", "revoked")
    list_filter = ("revoked",)
    search_fields = ("name", "prefix", "user__username")
    list_select_related = ("user",)
    fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked")
    readonly_fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked")
    actions = ("revoke_tokens",)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # tokens are made by their owners, who alone ever see the secret

    @admin.action(description="Revoke selected tokens")
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[PersonalToken]) -> None:
        tokens = list(queryset.filter(revoked=False))
        for token in tokens:
            account_actions.revoke_token(token)
        self.message_user(request, f"Revoked {len(tokens)} token{'s' if len(tokens) != 1 else ''}.", messages.SUCCESS)
