"""Admin: tags are browsed here but wrangled on the tag edit page, whose actions write the works outbox (an admin
save or delete would not), so tags are view-only here. Wrangling assignments are edited here: they only say who may
wrangle which fandom, and change nothing readers see. Moderators ban tags here, with admin actions that call
tags.actions.set_tag_banned."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from fanshelf.accounts.admin_access import ModeratorAccess, acting_user
from fanshelf.tags.actions import set_tag_banned
from fanshelf.tags.models import Tag, WranglingAssignment


def _ban_action(name: str, description: str, banned: bool) -> Callable[..., None]:
    """An admin action banning (or unbanning) the selected tags through set_tag_banned, audited per tag."""

    def action(modeladmin: admin.ModelAdmin[Tag], request: HttpRequest, queryset: QuerySet[Tag]) -> None:
        acting = acting_user(request)
        changed = sum(set_tag_banned(tag, banned, acting=acting) for tag in queryset)
        messages.success(request, f"{changed} tag(s) {'banned' if banned else 'unbanned'}.")

    action.__name__ = name
    return admin.action(description=description)(action)


@admin.register(Tag)
class TagAdmin(ModeratorAccess, admin.ModelAdmin[Tag]):
    list_display = ("name", "type", "canonical", "merger", "banned")
    list_filter = ("type", "canonical", "banned")
    search_fields = ("name",)
    list_select_related = ("merger",)
    fields = ("name", "type", "canonical", "merger", "banned", "parents", "metatags", "wrangle_link")
    readonly_fields = fields
    # Banning is for moderators; it hides the tag from everyone else and stops works adding it (docs/moderation.md).
    actions = [
        _ban_action("ban_tags", "Ban selected tags", banned=True),
        _ban_action("unban_tags", "Lift the ban on selected tags", banned=False),
    ]

    @admin.display(description="Wrangle")
    def wrangle_link(self, tag: Tag) -> SafeString:
        return format_html('<a href="{}">Edit on the wrangling page</a>', reverse("tags:edit", args=[tag.url_part]))

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # creators make tags by using them; ratings, warnings, categories and media by migration

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # deleting would strip the tag from works without telling the listings


@admin.register(WranglingAssignment)
class WranglingAssignmentAdmin(admin.ModelAdmin[WranglingAssignment]):
    list_display = ("wrangler", "fandom", "assigned_at")
    search_fields = ("wrangler__username", "fandom__name")
    autocomplete_fields = ("fandom",)
    raw_id_fields = ("wrangler",)
    list_select_related = ("wrangler", "fandom")
