"""Moderators find works here and act on them through admin actions that call the works actions, so every change
writes the outbox and reaches listings, search, feeds and downloads. The work's page in the admin is read-only:
creators edit titles, text and credits on the site."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from fanshelf.accounts.admin_access import ActionDeletion, ReadOnlyAccess, ReadOnlyInline, acting_user
from fanshelf.works.actions import delete_work, set_hidden_by_moderator, set_work_flags
from fanshelf.works.models import Chapter, Creatorship, Work

WorkAction = Callable[[admin.ModelAdmin[Work], HttpRequest, QuerySet[Work]], None]


class CreatorshipInline(ReadOnlyInline, admin.TabularInline[Creatorship, Work]):
    model = Creatorship
    fields = readonly_fields = ("pseud", "position")


class ChapterInline(ReadOnlyInline, admin.StackedInline[Chapter, Work]):
    model = Chapter
    fields = readonly_fields = ("position", "title", "posted", "published_on", "word_count")


def _done(request: HttpRequest, count: int, what: str) -> None:
    messages.success(request, f"{count} work(s) {what}.")


def _flag_action(name: str, description: str, what: str, **flags: bool) -> WorkAction:
    """An admin action setting some of a work's flags through set_work_flags; it reports how many changed."""

    def action(modeladmin: admin.ModelAdmin[Work], request: HttpRequest, queryset: QuerySet[Work]) -> None:
        acting = acting_user(request)
        _done(request, sum(set_work_flags(work, **flags, acting=acting) for work in queryset), what)

    action.__name__ = name
    return admin.action(description=description)(action)


@admin.register(Work)
class WorkAdmin(ReadOnlyAccess, ActionDeletion):
    list_display = [
        "title",
        "posted",
        "restricted",
        "anonymous",
        "unrevealed",
        "hidden_by_moderator",
        "word_count",
        "revised_at",
    ]
    list_filter = ["posted", "restricted", "anonymous", "unrevealed", "hidden_by_moderator", "language"]
    search_fields = ["title", "creatorships__pseud__name", "creatorships__pseud__user__username"]
    inlines = [CreatorshipInline, ChapterInline]
    actions = [
        "hide_works",
        "unhide_works",
        _flag_action("restrict_works", "Restrict selected works to logged-in users", "restricted", restricted=True),
        _flag_action("unrestrict_works", "Open selected works to guests", "opened to guests", restricted=False),
        _flag_action("make_anonymous", "Make selected works anonymous", "made anonymous", anonymous=True),
        _flag_action("reveal_creators", "Show the creators of selected works", "credited again", anonymous=False),
        _flag_action("make_unrevealed", "Mark selected works unrevealed", "marked unrevealed", unrevealed=True),
        _flag_action("reveal_works", "Reveal selected works", "revealed", unrevealed=False),
        "delete_works",
    ]

    @admin.action(description="Hide selected works")
    def hide_works(self, request: HttpRequest, queryset: QuerySet[Work]) -> None:
        for work in queryset:
            set_hidden_by_moderator(work, hidden=True, acting=acting_user(request))
        _done(request, queryset.count(), "hidden")

    @admin.action(description="Unhide selected works")
    def unhide_works(self, request: HttpRequest, queryset: QuerySet[Work]) -> None:
        for work in queryset:
            set_hidden_by_moderator(work, hidden=False, acting=acting_user(request))
        _done(request, queryset.count(), "unhidden")

    @admin.action(description="Delete selected works")
    def delete_works(self, request: HttpRequest, queryset: QuerySet[Work]) -> None:
        works = list(queryset)
        for work in works:
            delete_work(work, acting=acting_user(request))
        _done(request, len(works), "deleted")

    def delete_object(self, request: HttpRequest, obj: Work) -> None:
        delete_work(obj, acting=acting_user(request))

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions: dict[str, Any] = super().get_actions(request)
        # Our delete_works asks no confirmation, like hiding; one way to bulk-delete is enough.
        actions.pop("delete_selected", None)
        return actions
