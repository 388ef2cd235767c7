"""Site settings moderators change at runtime, and the audit log of what moderators did."""

from __future__ import annotations

from django.db import models

from fanshelf.accounts.models import User
from fanshelf.works.models import CommentPermission


class SiteSettings(models.Model):
    """One row (pk 1). Read through fanshelf.core.switches, never directly, so every process sees the same."""

    read_only = models.BooleanField(
        "Read-only mode", default=False, help_text="Every change is refused; reading, downloads and feeds go on."
    )
    notice = models.CharField(
        "Notice on every page", max_length=500, blank=True, help_text="Plain text, such as planned maintenance."
    )
    guest_comments = models.BooleanField("Guests may comment where a work allows it", default=True)
    downloads = models.BooleanField("Downloads (EPUB, PDF, HTML and the rest) are offered", default=True)
    default_comment_permission = models.CharField(
        "Who may comment on a new work until its creator chooses",
        max_length=16,
        blank=True,
        choices=[("", "As the server is configured (FANSHELF_DEFAULT_COMMENT_PERMISSION)"), *CommentPermission.choices],
    )
    signups = models.CharField(
        "Sign-ups",
        max_length=10,
        default="open",
        choices=[
            ("open", "Open: anyone may make an account"),
            ("invitation", "By invitation: people ask to join and are invited in turn"),
            ("closed", "Closed: no new accounts"),
        ],
    )
    invitations_per_batch = models.PositiveIntegerField(
        "Invitations sent from the queue each time", default=10, help_text="When sign-ups are by invitation."
    )
    invitation_hours = models.PositiveIntegerField(
        "Hours between two batches of invitations", default=24, help_text="When sign-ups are by invitation."
    )

    class Meta:
        verbose_name_plural = "site settings"

    def __str__(self) -> str:
        return "Site settings"


class AuditEntry(models.Model):
    """One thing a moderator did. Written by actions, never edited or deleted (the admin shows it read-only)."""

    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=40, help_text="Kept when the account is gone.")
    action = models.CharField(max_length=64)
    target = models.CharField(max_length=300, blank=True, help_text="What it was done to, as shown at the time.")
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.actor_name}: {self.action} {self.target}"


class ReportKind(models.TextChoices):
    WORK = "work", "Work"
    CHAPTER = "chapter", "Chapter"
    COMMENT = "comment", "Comment"
    BOOKMARK = "bookmark", "Bookmark"
    SERIES = "series", "Series"
    USER = "user", "User"


class ReportCategory(models.TextChoices):
    SPAM = "spam", "Spam"
    HARASSMENT = "harassment", "Harassment"
    ILLEGAL = "illegal", "Illegal content"
    RATING = "rating", "Wrong rating or warnings"
    PLAGIARISM = "plagiarism", "Plagiarism"
    OTHER = "other", "Other"


class ReportStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    RESOLVED = "resolved", "Resolved"
    DISMISSED = "dismissed", "Dismissed"


class ReportQuerySet(models.QuerySet["Report"]):
    def in_tab(self, tab: str) -> ReportQuerySet:
        """The queue's tabs: open, in progress, and closed (resolved or dismissed, both carrying a decision)."""
        if tab == "resolved":
            return self.filter(status__in=[ReportStatus.RESOLVED, ReportStatus.DISMISSED])
        return self.filter(status=ReportStatus.IN_PROGRESS if tab == "in_progress" else ReportStatus.OPEN)

    def about(self, kind: str, target_id: int) -> ReportQuerySet:
        return self.filter(kind=kind, target_id=target_id)


class Report(models.Model):
    """Someone's report of an item (a work, chapter, comment, bookmark, series or account) for the moderators.
    The item is named by kind and id, not a foreign key, so a report outlives the item a moderator deletes; its
    label and address are kept as they were when it was filed. Written only by moderation/reports.py."""

    kind = models.CharField(max_length=10, choices=ReportKind.choices)
    target_id = models.BigIntegerField()
    target_label = models.CharField(max_length=300)
    target_url = models.CharField(max_length=500, blank=True)
    reported_user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reporter = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    guest_email = models.EmailField(blank=True)
    # A keyed hash of a guest's address (core/visitors.address_key), never the address itself.
    client_key = models.CharField(max_length=64, blank=True)
    category = models.CharField(max_length=12, choices=ReportCategory.choices)
    text = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    decision = models.CharField(max_length=300, blank=True)
    handled_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["kind", "target_id", "created_at"], name="report_item_recent"),
            models.Index(fields=["status", "created_at"], name="report_queue"),
        ]

    def __str__(self) -> str:
        return f"Report {self.pk}: {self.get_kind_display()} {self.target_label}"
