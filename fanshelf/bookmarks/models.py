"""Bookmarks of works, series and external works. Which bookmarks a person may see is decided here, in
BookmarkQuerySet, from WorkQuerySet's rules: a bookmark is shown only when its item is, and a private one only to
its owner."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce

from fanshelf.accounts.blocking import muted_user_ids
from fanshelf.accounts.models import Pseud, User
from fanshelf.tags.models import Tag
from fanshelf.works.models import Creatorship, Series, Work

if TYPE_CHECKING:
    from fanshelf.works.models import Viewer


class ExternalWork(models.Model):
    """A work that lives elsewhere, one per URL, shared by everyone who bookmarks it."""

    url = models.URLField(max_length=500, unique=True)
    title = models.CharField(max_length=255)
    creator = models.CharField(max_length=255)
    tags = models.ManyToManyField(Tag, related_name="external_works", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title


class BookmarkQuerySet(models.QuerySet["Bookmark"]):
    def shown_to(self, viewer: Viewer) -> BookmarkQuerySet:
        """Bookmarks this person may see: of works listed to them (WorkQuerySet.listed_for), of series with a work
        they may see credited (as the series page decides), of external works; private ones to their owner only."""
        works = Work.objects.listed_for(viewer)
        series = Series.objects.filter(entries__work__in=works.naming_creators_to(viewer))
        item = Q(work__in=works) | Q(series__in=series) | Q(external__isnull=False)
        mine = Q(user=viewer) if viewer.is_authenticated else Q(pk__in=[])
        return self.filter(item).filter(Q(private=False) | mine).without_muted(viewer)

    def without_muted(self, viewer: Viewer) -> BookmarkQuerySet:
        """Leave out, for a reader who muted people (accounts/blocking.py), those people's bookmarks and the
        bookmarks of works and series they are credited on, as their works are left out of the reader's listings.
        The reader's own bookmarks stay: they chose those."""
        muted = muted_user_ids(viewer)
        if not muted:
            return self
        # Not anonymous works: a bookmark vanishing would tell the muter who wrote one.
        works = Creatorship.objects.filter(pseud__user_id__in=muted, work__anonymous=False).values("work_id")
        series = Series.objects.filter(creators__user_id__in=muted).values("pk")
        of_theirs = (Q(work_id__in=works) | Q(series_id__in=series)) & ~Q(user_id=viewer.pk)
        return self.exclude(Q(user_id__in=muted) | of_theirs)

    def tagged(self, tag_ids: set[int]) -> BookmarkQuerySet:
        """Bookmarks of works (or external works) carrying one of these tags; pass a tag closure
        (tags.graph.filed_under) for a tag's bookmarks to include its synonyms' and subtags'."""
        tagged_works = Work.objects.filter(tags__in=tag_ids)
        return self.filter(Q(work__in=tagged_works) | Q(external__in=ExternalWork.objects.filter(tags__in=tag_ids)))

    def filtered(
        self,
        *,
        type: str = "",
        rec: bool = False,
        with_notes: bool = False,
        tag: str = "",
        **_: object,
    ) -> BookmarkQuerySet:
        """The reader's filters on the bookmarks themselves (forms.BookmarkFilterForm): item type, recs only, with
        notes only, one of the bookmarker's tags. Filters on the bookmarked works are work_filters.py's."""
        kind = type
        chosen = self.filter(**{f"{kind}__isnull": False}) if kind in ("work", "series", "external") else self
        if rec:
            chosen = chosen.filter(rec=True)
        if with_notes:
            chosen = chosen.exclude(notes="")
        if tag:
            chosen = chosen.filter(tags__in=Tag.objects.named(tag))
        return chosen

    def counted(self) -> BookmarkQuerySet:
        """The bookmarks a work's bookmark_count counts: public ones (private bookmarks are counted nowhere)."""
        return self.filter(private=False, work__isnull=False)

    def for_listing(self) -> BookmarkQuerySet:
        """Everything a bookmark listing shows, in a fixed number of queries."""
        return self.select_related("pseud__user", "series", "external").prefetch_related(
            "tags",
            "external__tags",
            "series__creators__user",
            models.Prefetch("work", queryset=Work.objects.for_blurbs()),
        )

    def sorted_by(self, sort: str) -> BookmarkQuerySet:
        """Newest bookmarked first, or ("updated") by when the bookmarked item last changed."""
        if sort == "updated":
            item_date = Coalesce("work__revised_at", "series__edited_at", "external__created_at")
            return self.annotate(item_date=item_date).order_by("-item_date", "-pk")
        return self.order_by("-created_at", "-pk")


class Bookmark(models.Model):
    """One person's bookmark of one item (exactly one of work, series, external), made under one of their pseuds."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="bookmarks")
    pseud = models.ForeignKey(Pseud, on_delete=models.CASCADE, related_name="bookmarks")
    work = models.ForeignKey(Work, null=True, blank=True, on_delete=models.CASCADE, related_name="bookmarks")
    series = models.ForeignKey(Series, null=True, blank=True, on_delete=models.CASCADE, related_name="bookmarks")
    external = models.ForeignKey(
        ExternalWork, null=True, blank=True, on_delete=models.CASCADE, related_name="bookmarks"
    )
    notes = models.TextField(blank=True)
    tags = models.ManyToManyField(Tag, related_name="bookmarks", blank=True, help_text="The bookmarker's own tags.")
    rec = models.BooleanField(default=False)
    private = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BookmarkQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(work__isnull=False, series__isnull=True, external__isnull=True)
                | Q(work__isnull=True, series__isnull=False, external__isnull=True)
                | Q(work__isnull=True, series__isnull=True, external__isnull=False),
                name="bookmark_of_one_item",
            ),
            models.UniqueConstraint(fields=["user", "work"], name="one_bookmark_per_work"),
            models.UniqueConstraint(fields=["user", "series"], name="one_bookmark_per_series"),
            models.UniqueConstraint(fields=["user", "external"], name="one_bookmark_per_external_work"),
        ]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"Bookmark {self.pk} by {self.user_id}"

    @property
    def item_title(self) -> str:
        item = self.work or self.series or self.external
        return item.title if item is not None else ""

    @property
    def kind(self) -> str:
        return "work" if self.work_id else "series" if self.series_id else "external"
