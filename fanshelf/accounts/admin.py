"""Moderators find, suspend and delete accounts here, see each account's pseuds, and revoke leaked tokens."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from fanshelf.accounts import actions as account_actions
from fanshelf.accounts.admin_access import ActionDeletion, ModeratorAccess, ReadOnlyAccess, ReadOnlyInline, acting_user
from fanshelf.accounts.models import PersonalToken, Pseud, User, UsernameChange, outranks

PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")
# Suspending goes through the suspend action, which checks who may suspend whom; dates are the site's to keep.
ACTION_ONLY_FIELDS = ("is_active", "is_official", "last_login", "date_joined")


def _may_act_on(request: HttpRequest, owner: User | None) -> bool:
    """Moderators act on accounts without staff rights only; superusers on anyone (see accounts.models.outranks)."""
    return owner is None or outranks(acting_user(request), owner)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


class AccountCreationForm(AdminUserCreationForm[User]):
    class Meta(AdminUserCreationForm.Meta):
        model = User


class AccountChangeForm(UserChangeForm[User]):
    class Meta(UserChangeForm.Meta):
        model = User

    def clean_username(self) -> str:
        # The rename itself happens in UserAdmin.save_model; refusing here shows why next to the field.
        username = str(self.cleaned_data["username"])
        if username == self.instance.username:
            return username
        try:
            return account_actions.check_new_username(self.instance, username)
        except ValidationError as error:
            raise ValidationError(error.message_dict.get("username", error.messages)) from error


class UsernameChangeInline(ReadOnlyInline, admin.TabularInline[UsernameChange, User]):
    """Past usernames, newest first, so moderators can follow an account across renames."""

    model = UsernameChange
    fk_name = "user"
    verbose_name = "past username"
    verbose_name_plural = "past usernames"
    fields = readonly_fields = ("old_username", "new_username", "changed_at", "changed_by")


class PseudInline(ReadOnlyInline, admin.TabularInline[Pseud, User]):
    """Shown for reference: renaming and deleting pseuds go through their actions (pseud page or PseudAdmin)."""

    model = Pseud
    fields = readonly_fields = ("name", "is_default", "description", "created_at")
    show_change_link = True


@admin.register(User)
class UserAdmin(ModeratorAccess, ActionDeletion, DjangoUserAdmin[User]):
    form = AccountChangeForm
    add_form = AccountCreationForm
    list_display = ("username", "email", "is_active", "is_staff", "date_joined", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser", "date_joined")
    search_fields = ("username", "email", "pseuds__name", "username_changes__old_username")
    ordering = ("username",)
    inlines = (PseudInline, UsernameChangeInline)
    actions = ("suspend_accounts", "reinstate_accounts", "make_official", "make_not_official")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("Role", {"fields": ("is_official",)}),
        (
            "Preferences",
            {"fields": account_actions.PREFERENCE_FIELDS, "classes": ("collapse",)},
        ),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> tuple[str, ...]:
        # Moderators manage accounts; only superusers hand out staff rights or permissions.
        fields = (*super().get_readonly_fields(request, obj), *ACTION_ONLY_FIELDS)
        return fields if request.user.is_superuser else (*fields, *PRIVILEGE_FIELDS)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        own = obj is not None and obj.pk == request.user.pk  # moderators keep their own email and preferences
        return super().has_change_permission(request, obj) and (own or _may_act_on(request, _owner(obj)))

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_delete_permission(request, obj) and _may_act_on(request, _owner(obj))

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[Any, Any, set[str], Any]:
        # What an account owns (pseuds, tokens) goes with it through delete_account, which settles its works
        # first; so only the accounts themselves need the acting person's permission.
        deleted, counts, _, protected = super().get_deleted_objects(objs, request)
        refused = {str(self.opts.verbose_name) for user in objs if not self.has_delete_permission(request, user)}
        return deleted, counts, refused, protected

    def delete_object(self, request: HttpRequest, obj: User) -> None:
        account_actions.delete_account(obj, acting=acting_user(request))

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        """A new username goes through rename_account, so the default pseud follows it and the old one is kept;
        the other fields save as Django saves them (the change view's transaction holds both)."""
        if not (change and "username" in form.changed_data):
            super().save_model(request, obj, form, change)
            return
        new_username, obj.username = obj.username, form.initial["username"]
        super().save_model(request, obj, form, change)
        account_actions.rename_account(obj, new_username, acting=acting_user(request))

    def get_inlines(self, request: HttpRequest, obj: User | None) -> list[type[InlineModelAdmin[Any, Any]]]:
        # A new account gets its default pseud from a signal; pseuds are shown once the account exists.
        return list(self.inlines) if obj is not None else []

    @admin.action(description="Suspend selected accounts (they can no longer log in)")
    def suspend_accounts(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._set_active(request, queryset, active=False, done="Suspended")

    @admin.action(description="Reinstate selected accounts")
    def reinstate_accounts(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._set_active(request, queryset, active=True, done="Reinstated")

    @admin.action(description="Make selected accounts official (they can't be blocked or muted)")
    def make_official(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._set_official(request, queryset, official=True)

    @admin.action(description="Make selected accounts not official")
    def make_not_official(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._set_official(request, queryset, official=False)

    def _set_official(self, request: HttpRequest, queryset: QuerySet[User], *, official: bool) -> None:
        try:
            count = account_actions.set_official(list(queryset), official, acting=acting_user(request))
        except PermissionDenied as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
            return
        self.message_user(request, f"Changed {_plural(count, 'account')}.", messages.SUCCESS)

    def _set_active(self, request: HttpRequest, queryset: QuerySet[User], *, active: bool, done: str) -> None:
        acting = acting_user(request)
        users = list(queryset)
        skipped = sum(not account_actions.may_set_active(acting, user) for user in users)
        count = account_actions.set_users_active(users, active, acting=acting)
        self.message_user(request, f"{done} {_plural(count, 'account')}.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"Skipped {_plural(skipped, 'account')}: nobody suspends or reinstates their own account, and only "
                "superusers act on moderators' and superusers' accounts.",
                messages.WARNING,
            )


def _owner(obj: Model | None) -> User | None:
    if isinstance(obj, User):
        return obj
    return obj.user if isinstance(obj, (Pseud, PersonalToken)) else None


@admin.register(Pseud)
class PseudAdmin(ReadOnlyAccess, ActionDeletion):
    """Read-only: creators rename pseuds on the site (a rename reaches listings through accounts/signals.py).
    Deleting goes through delete_pseud, which refuses a default pseud and one with works, as the site does."""

    list_display = ("name", "user", "is_default", "created_at")
    list_filter = ("is_default",)
    search_fields = ("name", "user__username", "user__email")
    list_select_related = ("user",)
    fields = ("name", "user", "is_default", "description", "created_at")
    actions = ("delete_pseuds",)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_delete_permission(request, obj) and _may_act_on(request, _owner(obj))

    def delete_object(self, request: HttpRequest, obj: Pseud) -> None:
        account_actions.delete_pseud(obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions: dict[str, Any] = super().get_actions(request)
        actions.pop("delete_selected", None)  # it would report a refused pseud as a server error
        return actions

    @admin.action(description="Delete selected pseuds (only those with nothing made under them)")
    def delete_pseuds(self, request: HttpRequest, queryset: QuerySet[Pseud]) -> None:
        deleted, refusals = 0, []
        for pseud in queryset.select_related("user"):
            try:
                if not self.has_delete_permission(request, pseud):
                    raise ValidationError(f"Only a superuser can delete “{pseud}”.")
                account_actions.delete_pseud(pseud)
                deleted += 1
            except ValidationError as refusal:
                refusals.extend(refusal.messages)
        if deleted:
            self.message_user(request, f"Deleted {_plural(deleted, 'pseud')}.", messages.SUCCESS)
        for message in refusals:
            self.message_user(request, message, messages.ERROR)


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

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # revoked, never deleted: owners see which tokens were revoked (accounts.actions.revoke_token)

    @admin.action(description="Revoke selected tokens")
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[PersonalToken]) -> None:
        tokens = list(queryset.filter(revoked=False).select_related("user"))
        allowed = [token for token in tokens if _may_act_on(request, token.user)]
        for token in allowed:
            account_actions.revoke_token(token)
        self.message_user(request, f"Revoked {_plural(len(allowed), 'token')}.", messages.SUCCESS)
        if len(allowed) < len(tokens):
            skipped = _plural(len(tokens) - len(allowed), "token")
            self.message_user(request, f"Skipped {skipped} of moderators or superusers.", messages.WARNING)
