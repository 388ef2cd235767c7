"""Moderators find, hide and delete works here. Hiding goes through the same action as everywhere else."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from fanshelf.core.admin_access import ModeratorAdmin
from fanshelf.works.actions import delete_work, set_hidden_by_moderator
from fanshelf.works.models import Chapter, Creatorship, Work


class CreatorshipInline(admin.TabularInline[Creatorship, Work]):
    model = Creatorship
    extra = 0
    raw_id_fields = ["pseud"]


class ChapterInline(admin.StackedInline[Chapter, Work]):
    model = Chapter
    extra = 0
    fields = ["position", "title", "posted", "published_on", "word_count"]
    readonly_fields = ["word_count"]
    show_change_link = True


@admin.register(Work)
class WorkAdmin(ModeratorAdmin):
    list_display = ["title", "posted", "restricted", "anonymous", "hidden_by_moderator", "word_count", "revised_at"]
    list_filter = ["posted", "restricted", "anonymous", "hidden_by_moderator", "language"]
    search_fields = ["title", "creatorships__pseud__name", "creatorships__pseud__user__username"]
    readonly_fields = ["word_count", "posted_chapter_count", "kudos_count", "hit_count", "created_at", "edited_at"]
    raw_id_fields = ["tags"]
    inlines = [CreatorshipInline, ChapterInline]
    actions = ["hide_works", "unhide_works", "delete_works"]

    @admin.action(description="Hide selected works")
    def hide_works(self, request: HttpRequest, queryset: QuerySet[Work]) -> None:
        for work in queryset:
            set_hidden_by_moderator(work, hidden=True)
        messages.success(request, f"{queryset.count()} work(s) hidden.")

    @admin.action(description="Unhide selected works")
    def unhide_works(self, request: HttpRequest, queryset: QuerySet[Work]) -> None:
        for work in queryset:
            set_hidden_by_moderator(work, hidden=False)
        messages.success(request, f"{queryset.count()} work(s) unhidden.")

    @admin.action(description="Delete selected works")
    def delete_works(self, request: HttpRequest, queryset: QuerySet[Work]) -> None:
        count = 0
        for work in list(queryset):
            delete_work(work)
            count += 1
        messages.success(request, f"{count} work(s) deleted.")

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions: dict[str, Any] = super().get_actions(request)
        actions.pop("delete_selected", None)  # deletion goes through delete_works so the outbox hears of it
        return actions

    def save_model(self, request: HttpRequest, obj: Work, form: object, change: bool) -> None:
        if change and "hidden_by_moderator" in getattr(form, "changed_data", []):
            set_hidden_by_moderator(obj, hidden=obj.hidden_by_moderator)
        super().save_model(request, obj, form, change)
