"""A reader's history (one row per work they opened) and reading shelves (a work on at most one shelf each).

Both are private to the reader; what they list is always cut down by WorkQuerySet, so a work that becomes hidden,
a draft again or restricted leaves every page here without its rows being touched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from fanshelf.accounts.models import User
from fanshelf.works.models import Chapter, Work

if TYPE_CHECKING:
    from fanshelf.works.models import Viewer


class Shelf(models.TextChoices):
    TO_READ = "to-read", "To read"
    READING = "reading", "Reading"
    FINISHED = "finished", "Finished"
    DROPPED = "dropped", "Dropped"


class ReadingQuerySet(models.QuerySet["Reading"]):
    def shown_to(self, viewer: Viewer) -> ReadingQuerySet:
        """The viewer's own entries for works they may still see in a listing."""
        if not viewer.is_authenticated:
            return self.none()
        return self.filter(user=viewer, work__in=Work.objects.listed_for(viewer))


class Reading(models.Model):
    """A reader's history of one work: when they last opened it, how often, and the last chapter they opened."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="readings")
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="readings")
    last_chapter = models.ForeignKey(Chapter, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    visits = models.PositiveIntegerField(default=1)
    last_read_at = models.DateTimeField()

    objects = ReadingQuerySet.as_manager()

    class Meta:
        ordering = ["-last_read_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "work"], name="one_reading_per_user_work")]
        indexes = [models.Index(fields=["user", "-last_read_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.work_id}"

    @property
    def updated_since_read(self) -> bool:
        """A chapter was posted after the reader last opened the work."""
        revised = self.work.revised_at
        return revised is not None and revised > self.last_read_at


class ShelfEntryQuerySet(models.QuerySet["ShelfEntry"]):
    def listed_for(self, viewer: Viewer) -> ShelfEntryQuerySet:
        """Entries whose work this viewer may see in a listing (not whose shelf they may see: see access.py)."""
        return self.filter(work__in=Work.objects.listed_for(viewer))


class ShelfEntry(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="shelf_entries")
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="shelf_entries")
    shelf = models.CharField(max_length=16, choices=Shelf.choices)
    added_at = models.DateTimeField(auto_now=True)

    objects = ShelfEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-added_at", "-pk"]
        verbose_name_plural = "shelf entries"
        constraints = [models.UniqueConstraint(fields=["user", "work"], name="one_shelf_per_user_work")]
        indexes = [models.Index(fields=["user", "shelf", "-added_at"])]

    def __str__(self) -> str:
        return f"{self.work_id} on {self.user_id}'s {self.shelf}"


class PublicShelf(models.Model):
    """A shelf its reader chose to show to everyone; shelves without a row are private."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="public_shelves")
    shelf = models.CharField(max_length=16, choices=Shelf.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "shelf"], name="one_public_flag_per_shelf")]

    def __str__(self) -> str:
        return f"{self.user_id}'s {self.shelf} is public"


class ShelfVersion(models.Model):
    """Moves on (a new random token) whenever the reader's shelves change, so anything built from their shelves,
    such as the discovery engine's per-reader work sets, is keyed by it and never served stale. A random token
    rather than a counter: a counter restarting after an account is deleted could meet an old cached set."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, primary_key=True, related_name="shelf_version")
    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.token}"
