"""The discovery app's own tables: a reader's exclusion profile (the text search table is raw SQL, see text.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ExclusionProfile(models.Model):
    """A signed-in reader's standing filters, applied by the engine to every listing, count, facet, search, feed
    and catalogue they see (docs/exclusions.md). `version` is a fresh token on every save: it keys the engine's
    per-reader sets and the memoised listing bodies, so a change shows at once."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exclusion_profile")
    tags = models.ManyToManyField("tags.Tag", blank=True, related_name="+")
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    pseuds = models.ManyToManyField("accounts.Pseud", blank=True, related_name="+")
    languages = models.JSONField(default=list, blank=True)  # language codes
    ratings = models.JSONField(default=list, blank=True)  # rating tag names
    warnings = models.JSONField(default=list, blank=True)  # archive warning tag names
    crossovers = models.BooleanField(default=False)
    max_fandoms = models.PositiveSmallIntegerField(null=True, blank=True)  # hide works with more fandoms than this
    shelves = models.JSONField(default=list, blank=True)  # the reader's shelves whose works are hidden
    version = models.CharField(max_length=32, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"exclusions of {self.user_id}"
