"""Admin: tags are browsed here but wrangled on the tag edit page, whose actions write the works outbox (an admin
save or delete would not), so tags are view-only here. Wrangling assignments are edited here: they only say who may
wrangle which fandom, and change nothing readers see."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from fanshelf.tags.models import Tag, WranglingAssignment


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin[Tag]):
    list_display = ("name", "type", "canonical", "merger")
    list_filter = ("type", "canonical")
    search_fields = ("name",)
    list_select_related = ("merger",)
    fields = ("name", "type", "canonical", "merger", "parents", "metatags", "wrangle_link")
    readonly_fields = fields

    @admin.display(description="Wrangle")
    def wrangle_link(self, tag: Tag) -> SafeString:
        return format_html('<a href="{}">Edit on the wrangling page</a>', reverse("tags:edit", args=[tag.url_part]))

    def has_add_permission(self, request: HttpRequest) -> bool:
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
