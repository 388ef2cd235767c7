"""The inbox (what happened that concerns a person) and subscriptions (what a person wants to hear about).

An entry stores the text it was delivered with, but the page checks the work it is about again when it is shown
(`display.py`): a work that has since become hidden, restricted or anonymous is masked then, not only at delivery.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from fanshelf.accounts.models import User
from fanshelf.works.models import Series, Work


class EntryKind(models.TextChoices):
    COMMENT = "comment", "Comment"
    REPLY = "reply", "Reply"
    SUBSCRIPTION = "subscription", "Subscription"
    CITATION = "citation", "Citation"
    INVITATION = "invitation", "Co-creator invitation"
    GIFT = "gift", "Gift"


class InboxEntryQuerySet(models.QuerySet["InboxEntry"]):
    def of(self, user: User) -> InboxEntryQuerySet:
        return self.filter(user=user)

    def newest_first(self) -> InboxEntryQuerySet:
        return self.order_by("-created_at", "-pk")

    def filtered(self, state: str) -> InboxEntryQuerySet:
        """The inbox page's filter: all, unread, read or replied."""
        return {
            "unread": self.filter(read=False),
            "read": self.filter(read=True),
            "replied": self.filter(replied=True),
        }.get(state, self)


class InboxEntry(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="inbox_entries")
    kind = models.CharField(max_length=16, choices=EntryKind.choices)
    subject = models.CharField(max_length=300)
    excerpt = models.TextField(blank=True, help_text="Plain text: the start of a comment, for instance.")
    url = models.CharField(max_length=500, blank=True)
    # A deleted work takes its entries with it; comments live in another app, so only their id is kept.
    work = models.ForeignKey(Work, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    comment_id = models.BigIntegerField(null=True, blank=True)
    # The subject names the work's creators: if the work turns anonymous later, the page stops showing it.
    names_creators = models.BooleanField(default=False)
    read = models.BooleanField(default=False)
    replied = models.BooleanField(default=False)
    # Waiting for a digest email (send_digests clears it once the email has gone).
    email_pending = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = InboxEntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "inbox entries"
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="inbox_newest"),
            models.Index(fields=["user", "read"], name="inbox_unread"),
            models.Index(fields=["email_pending"], condition=Q(email_pending=True), name="inbox_email_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}: {self.subject}"


class Subscription(models.Model):
    """To a work (new chapters), a creator (new works) or a series (new works): exactly one of them."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="subscriptions")
    work = models.ForeignKey(Work, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    series = models.ForeignKey(Series, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    creator = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(work__isnull=False, series__isnull=True, creator__isnull=True)
                    | Q(work__isnull=True, series__isnull=False, creator__isnull=True)
                    | Q(work__isnull=True, series__isnull=True, creator__isnull=False)
                ),
                name="subscription_has_one_target",
            ),
            models.UniqueConstraint(fields=["user", "work"], condition=Q(work__isnull=False), name="one_sub_per_work"),
            models.UniqueConstraint(
                fields=["user", "series"], condition=Q(series__isnull=False), name="one_sub_per_series"
            ),
            models.UniqueConstraint(
                fields=["user", "creator"], condition=Q(creator__isnull=False), name="one_sub_per_creator"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} to work {self.work_id} series {self.series_id} creator {self.creator_id}"


class DigestMark(models.Model):
    """When a person's last digest of one kind went out, so `send_digests` can run as often as cron likes and
    still send each digest at most once per period."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16)
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_digest_mark_per_kind")]

    def __str__(self) -> str:
        return f"{self.kind} digest for {self.user_id} at {self.sent_at}"
