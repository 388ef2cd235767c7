"""Drafts do not stay forever: FANSHELF_DRAFT_DAYS after it was started a draft is deleted (AO3: about a month),
and its creators are emailed a week before. `fanshelf expire_drafts` does both; run it daily. 0 keeps drafts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

from fanshelf.accounts.models import User
from fanshelf.core.site_url import absolute_url
from fanshelf.works.actions import delete_work
from fanshelf.works.models import Work

WARN_BEFORE = datetime.timedelta(days=7)


@dataclass(frozen=True)
class Expiry:
    warned: int
    deleted: int


def expire_drafts(now: datetime.datetime | None = None) -> Expiry:
    days = settings.FANSHELF_DRAFT_DAYS
    if days == 0:
        return Expiry(0, 0)
    now = now or timezone.now()
    limit = now - datetime.timedelta(days=days)
    deleted = 0
    for work in Work.objects.filter(posted=False, created_at__lte=limit):
        delete_work(work)
        deleted += 1
    due = Work.objects.filter(posted=False, created_at__lte=limit + WARN_BEFORE, draft_warned_at__isnull=True)
    warned = 0
    for work in due.prefetch_related("creatorships__pseud__user"):
        _warn(work, work.created_at + datetime.timedelta(days=days))
        Work.objects.filter(pk=work.pk).update(draft_warned_at=now)  # told once, however often this runs
        warned += 1
    return Expiry(warned, deleted)


def _warn(work: Work, deleted_on: datetime.datetime) -> None:
    users: dict[int, User] = {c.pseud.user_id: c.pseud.user for c in work.creatorships.all()}
    edit = absolute_url(reverse("works:edit", args=[work.pk]))
    when = deleted_on.strftime("%d %B %Y")
    body = (
        f"Your draft “{work.title}” has not been posted, and drafts are kept for {settings.FANSHELF_DRAFT_DAYS} days. "
        f"It will be deleted on {when} unless you post it before then:\n\n{edit}\n\n"
        "Copy its text somewhere safe if you want to keep it without posting it."
    )
    recipients = [user.email for user in users.values() if user.email and user.is_active]
    if recipients:
        send_mail(f"[{settings.SITE_NAME}] Your draft “{work.title}” will be deleted on {when}", body, None, recipients)
