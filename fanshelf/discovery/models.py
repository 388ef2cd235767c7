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


class SharedTextHits(models.Model):
    """A common term's text hits as one process read them, for every other process of the archive to start from
    (discovery/shared_hits.py): a cache, never shown, rebuilt from the text table whenever it is not usable."""

    key = models.CharField(max_length=64, primary_key=True)  # sha256 of the terms (text.terms_of)
    mark = models.BigIntegerField()  # every outbox row up to this id was in the text table when they were read
    ids = models.BinaryField()  # work ids, int64, ascending
    scores = models.BinaryField()  # their scores, float64
    size = models.PositiveIntegerField()  # bytes of both
    read_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"text hits {self.key[:12]} at {self.mark}"
