"""What spam scoring found about each new work and comment, and what moderators decided.

A check names its item, its account and the client it came from by plain ids and keys, not foreign keys: the
verdicts on its domains and text are what the next items are scored against, so they must outlive the item (a
spammer's works are deleted) and the account (docs/spam.md).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class ItemKind(models.TextChoices):
    WORK = "work", "Work"
    COMMENT = "comment", "Comment"


class Verdict(models.TextChoices):
    NONE = "", "Not reviewed"
    SPAM = "spam", "Spam"
    NOT_SPAM = "not_spam", "Not spam"


class FeatureKind(models.TextChoices):
    DOMAIN = "domain", "Link domain"
    SHINGLE = "shingle", "Text fingerprint"


class SpamCheckQuerySet(models.QuerySet["SpamCheck"]):
    def for_review(self, review_score: int) -> SpamCheckQuerySet:
        """What the moderators' review page lists: items held, and items scored at least `review_score` that nobody
        has decided on yet; newest first."""
        return self.filter(Q(held=True) | Q(score__gte=review_score), verdict=Verdict.NONE).order_by("-pk")

    def awaiting_review(self) -> SpamCheckQuerySet:
        """Items hidden by scoring that no moderator has decided on yet: their creators see a notice."""
        return self.filter(held=True, verdict=Verdict.NONE)


class SpamCheck(models.Model):
    kind = models.CharField(max_length=8, choices=ItemKind.choices)
    item_id = models.BigIntegerField()
    # The work a comment was left on (the work itself for a work), for the review page's links.
    work_id = models.BigIntegerField()
    account_id = models.BigIntegerField(null=True, blank=True, help_text="Empty for a guest or a deleted account.")
    # The client's network as a keyed hash (core.visitors.address_key), never the address itself.
    address_key = models.CharField(max_length=64, blank=True)
    score = models.IntegerField()
    # [{"signal": ..., "points": ..., "detail": ...}, ...]: every signal that added or took away points.
    reasons = models.JSONField(default=list)
    held = models.BooleanField(default=False, help_text="Hidden when scored, pending a moderator's review.")
    verdict = models.CharField(max_length=8, choices=Verdict.choices, default=Verdict.NONE, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = SpamCheckQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["kind", "item_id"]),
            models.Index(fields=["account_id", "created_at"]),
            models.Index(fields=["verdict", "held"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.item_id}: {self.score}"


class SpamFeature(models.Model):
    """One link domain or text fingerprint value of a check, indexed so a new item finds the earlier checks sharing
    it (and the verdicts on them) in one query."""

    spam_check = models.ForeignKey(SpamCheck, on_delete=models.CASCADE, related_name="features")
    kind = models.CharField(max_length=8, choices=FeatureKind.choices)
    value = models.CharField(max_length=255)

    class Meta:
        indexes = [models.Index(fields=["kind", "value"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.value}"
