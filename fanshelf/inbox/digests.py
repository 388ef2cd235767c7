"""Digest emails, sent by `fanshelf send_digests` (run it from cron or a timer every hour or more often).

Each kind of digest remembers when it last went to each person (DigestMark), so running the command twice in a
row, or every minute, sends nothing twice: hourly digests go at most once an hour, daily ones once a day.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.apps import apps
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from fanshelf.accounts.models import User
from fanshelf.core.site_url import absolute_url
from fanshelf.inbox.display import shown_entries
from fanshelf.inbox.models import DigestMark, EntryKind, InboxEntry
from fanshelf.inbox.notify import send_email
from fanshelf.works.models import Work

HOUR = datetime.timedelta(hours=1)
# A little under a day, so a daily cron job that starts a few seconds early still sends.
DAY = datetime.timedelta(hours=23, minutes=30)


def _due(user_ids: set[int], kind: str, period: datetime.timedelta, now: datetime.datetime) -> set[int]:
    recent = DigestMark.objects.filter(user_id__in=user_ids, kind=kind, sent_at__gt=now - period)
    return user_ids - set(recent.values_list("user_id", flat=True))


def _mark(user: User, kind: str, now: datetime.datetime) -> None:
    DigestMark.objects.update_or_create(user=user, kind=kind, defaults={"sent_at": now})


def send_entry_digests(kind: str, preference: str, value: str, period: datetime.timedelta, label: str) -> int:
    """One email per person listing their entries of `kind` waiting for a digest; entries are shown as the inbox
    shows them now (a work hidden since delivery is masked in the email too)."""
    now = timezone.now()
    pending = InboxEntry.objects.filter(email_pending=True, kind=kind)
    user_ids = set(pending.values_list("user_id", flat=True).distinct())
    sent = 0
    for user in User.objects.filter(pk__in=_due(user_ids, kind, period, now)):
        entries = list(pending.filter(user=user).newest_first())
        if getattr(user, preference) == value and user.is_active and user.email:
            lines = [
                f"- {shown.subject}" + (f"\n  {absolute_url(shown.url)}" if shown.url else "")
                for shown in shown_entries(entries, user)
            ]
            body = "\n".join(lines) + f"\n\nYour inbox: {absolute_url(reverse('inbox:inbox'))}"
            send_email(user, f"{label} ({len(entries)})", body)
            sent += 1
        with transaction.atomic():  # entries for someone who changed their mind are dropped from email, not sent
            InboxEntry.objects.filter(pk__in=[entry.pk for entry in entries]).update(email_pending=False)
            _mark(user, kind, now)
    return sent


def send_kudos_digests() -> int:
    """Once a day, each creator who wants it gets the kudos left on their works since their last digest."""
    kudos_model = apps.get_model("community", "Kudos")  # a sibling app's table, read without importing it
    now = timezone.now()
    sent = 0
    wanting = User.objects.filter(kudos_digest=True, is_active=True).exclude(email="")
    creators = set(
        wanting.filter(pseuds__creatorships__work__kudos__created_at__gt=now - datetime.timedelta(days=2))
        .values_list("pk", flat=True)
        .distinct()
    )
    for user in User.objects.filter(pk__in=_due(creators, "kudos", DAY, now)):
        mark = DigestMark.objects.filter(user=user, kind="kudos").first()
        since = mark.sent_at if mark else now - datetime.timedelta(days=1)
        works = Work.objects.filter(creatorships__pseud__user=user).distinct()
        kudos = kudos_model.objects.filter(work__in=works, created_at__gt=since, created_at__lte=now)
        counts: dict[int, list[str]] = defaultdict(list)
        titles: dict[int, str] = {}
        for given in kudos.select_related("user", "work").order_by("created_at"):
            counts[given.work_id].append(given.user.username if given.user is not None else "a guest")
            titles[given.work_id] = given.work.title
        if counts:
            lines = [
                f"- “{titles[work_id]}”: {len(names)} kudos from {', '.join(names)}"
                for work_id, names in counts.items()
            ]
            send_email(user, "Kudos on your works today", "\n".join(lines))
            sent += 1
        _mark(user, "kudos", now)
    return sent


def send_all() -> dict[str, int]:
    return {
        "subscriptions": send_entry_digests(
            EntryKind.SUBSCRIPTION, "subscription_emails", "hourly", HOUR, "New from your subscriptions"
        ),
        "comments": send_entry_digests(EntryKind.COMMENT, "comment_emails", "digest", DAY, "Comments on your works"),
        "kudos": send_kudos_digests(),
    }
