"""Comments on works and chapters, threaded. Who may see which comment is decided here, in CommentQuerySet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from fanshelf.accounts.models import Pseud, User, is_moderator
from fanshelf.works.models import Chapter, Work

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    Viewer = User | AnonymousUser

MAX_COMMENT = 10_000
# Threads show this many levels below a top-level comment, then "Continue this thread" to the thread's own page.
SHOWN_LEVELS = 5


class CommentStatus(models.TextChoices):
    PUBLISHED = "published", "Published"
    HELD = "held", "Awaiting approval"
    SPAM = "spam", "Spam"
    HIDDEN = "hidden", "Hidden"
    # A deleted comment that has replies stays as "(Previous comment deleted.)", so its thread stays readable.
    DELETED = "deleted", "Deleted"


class CommentQuerySet(models.QuerySet["Comment"]):
    def readable_by(self, viewer: Viewer, work: Work) -> CommentQuerySet:
        """Comments on `work` (which the caller already let this viewer read, works.access) that the viewer may
        see: published ones and deleted placeholders for all; held ones for the work's creators and the commenter;
        hidden ones for the creators and moderators. Spam is shown to nobody."""
        shown = Q(status__in=[CommentStatus.PUBLISHED, CommentStatus.DELETED])
        if work.is_created_by(viewer):
            shown |= Q(status__in=[CommentStatus.HELD, CommentStatus.HIDDEN])
        elif viewer.is_authenticated:
            shown |= Q(status=CommentStatus.HELD, user=viewer)
            if is_moderator(viewer):
                shown |= Q(status=CommentStatus.HIDDEN)
        return self.filter(shown, work=work)

    def counted(self) -> CommentQuerySet:
        """What a work's comment_count counts (`fanshelf reindex` rebuilds it from this): published threads."""
        return self.filter(parent=None, status=CommentStatus.PUBLISHED)

    def for_display(self) -> CommentQuerySet:
        return self.select_related("pseud__user").order_by("created_at", "pk")


class Comment(models.Model):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="comments")
    chapter = models.ForeignKey(Chapter, null=True, blank=True, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    # The top-level comment of the thread (None on a top-level comment), so one query fetches a whole thread.
    thread = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    depth = models.PositiveSmallIntegerField(default=0)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments")
    pseud = models.ForeignKey(Pseud, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments")
    guest_name = models.CharField(max_length=100, blank=True)
    guest_email = models.EmailField(blank=True, help_text="Never shown; for reply notifications only.")
    # A guest's address is used only when they ask for it: off unless they ticked "Email me replies".
    guest_wants_replies = models.BooleanField(default=False)
    text = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=CommentStatus.choices, default=CommentStatus.PUBLISHED)
    frozen = models.BooleanField(default=False, help_text="On a top-level comment: its thread takes no replies.")
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["work", "parent", "created_at"]),
            models.Index(fields=["thread"]),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.work_id}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("comments:permalink", args=[self.pk])

    @property
    def root_id(self) -> int:
        return self.thread_id or self.pk

    @property
    def author_name(self) -> str:
        if self.pseud is not None:
            return self.pseud.name
        return self.guest_name if self.user_id is None and self.guest_name else "(deleted account)"

    @property
    def by_deleted_account(self) -> bool:
        """Left by an account since deleted (comments/receivers.py): no user, and no guest name, which every guest
        gives (comments/actions.post_comment)."""
        return self.user_id is None and not self.guest_name

    def is_by(self, viewer: Viewer) -> bool:
        return viewer.is_authenticated and self.user_id == viewer.pk
