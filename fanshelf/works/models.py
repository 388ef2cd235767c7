"""Works, chapters and who made them. Who may see a work is decided here, in WorkQuerySet, and nowhere else."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property

from fanshelf.accounts.models import AiDisclosure, Mute, Pseud, Reuse, User, is_moderator
from fanshelf.core.addresses import address
from fanshelf.tags.models import ADULT_RATINGS, RATINGS, Tag, TagType
from fanshelf.works.languages import LANGUAGE_NAMES, LANGUAGES, direction

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    Viewer = User | AnonymousUser


# What pages show of a work's tags and of its creators' accounts. A listing reads them for twenty works, and the
# rest of the rows (dates, settings, a password hash) cost more to read and convert than the page's engine query.
# A field left out is still read when something asks for it, one query per object: add it here instead.
SHOWN_TAG_FIELDS = ("id", "name", "type", "banned")
SHOWN_CREATOR_FIELDS = ("pseud__name", "pseud__user_id", "pseud__user__id", "pseud__user__username")
# What a blurb reads of a work's own row (works/blurbs.py): a listing leaves out its notes, edit times and settings.
BLURB_FIELDS = (
    "id", "title", "summary", "language", "anonymous", "expected_chapters", "posted_chapter_count", "word_count",
    "published_on", "revised_at", "kudos_count", "hit_count", "comment_count", "audio_seconds", "reuse_podfic",
    "reuse_translation", "reuse_remix", "reuse_ai_training", "ai_disclosure",
)  # fmt: skip


def tags_in_typed_order() -> models.QuerySet[Tag]:
    """A work's tags as its creator typed them, for `Prefetch("tags", ...)` (the join to the link is shared)."""
    return Tag.objects.only(*SHOWN_TAG_FIELDS).order_by("worktag__position", "pk")


def blurb_prefetches() -> list[models.Prefetch[Any, Any, Any] | str]:
    """What a blurb shows of a work besides its row: its tags in typed order, its credits, its gifts."""
    credits = Creatorship.objects.select_related("pseud__user").only(
        "work_id", "pseud_id", "position", *SHOWN_CREATOR_FIELDS
    )
    return [
        models.Prefetch("tags", queryset=tags_in_typed_order()),
        models.Prefetch("creatorships", queryset=credits),
        # "For X, Y" (works/sharing.py shown_gifts): refused gifts show nowhere. Their pseuds are read in queries of
        # their own, which run only when there are gifts: a join read for twenty works that had none cost 0.5 ms.
        models.Prefetch("gifts", queryset=Gift.objects.filter(refused=False)),
        "gifts__pseud__user",
    ]


class WorkQuerySet(models.QuerySet["Work"]):
    def _created_by(self, user: Viewer) -> Q:
        if not user.is_authenticated:
            return Q(pk__in=[])
        return Q(pk__in=Creatorship.objects.filter(pseud__user=user).values("work_id"))

    def visible_to(self, user: Viewer) -> WorkQuerySet:
        """Works this user may open: their own (drafts too); posted works; hidden ones for moderators only;
        restricted works for registered users only."""
        if not user.is_authenticated:
            return self.filter(posted=True, hidden_by_moderator=False, unrevealed=False, restricted=False)
        if is_moderator(user):
            return self.filter(Q(posted=True) | self._created_by(user))
        return self.filter(Q(posted=True, hidden_by_moderator=False, unrevealed=False) | self._created_by(user))

    def posted_visible_to(self, user: Viewer) -> WorkQuerySet:
        """Posted works this user may open: what a link elsewhere (related works, citations) may name to them.
        Unlike a listing, it keeps hidden works for moderators and the user's own hidden works for them."""
        return self.visible_to(user).filter(posted=True)

    def listed_for_users(self) -> WorkQuerySet:
        return self.filter(posted=True, hidden_by_moderator=False, unrevealed=False)

    def listed_for(self, user: Viewer) -> WorkQuerySet:
        """Works that appear in listings and counts: posted, not hidden, not unrevealed, restricted to users."""
        listed = self.listed_for_users()
        return listed if user.is_authenticated else listed.filter(restricted=False)

    def unmuted_for(self, viewer: Viewer) -> WorkQuerySet:
        """Leave out the works the viewer muted someone credited on (accounts.Mute). Anonymous works stay: their
        vanishing would tell the muter who wrote them. Listings get the same from the discovery engine."""
        if not viewer.is_authenticated:
            return self
        muted = Mute.objects.filter(muter_id=viewer.pk).values("muted_id")
        return self.exclude(anonymous=False, creatorships__pseud__user_id__in=muted)

    def by_pseuds(self, pseuds: models.QuerySet[Pseud], viewer: Viewer) -> WorkQuerySet:
        """Works credited to these pseuds; anonymous ones only when the viewer made them or moderates. Their ids
        come from the credits, so the database reads the creator's works by id and never scans every work (as
        a correlated EXISTS led SQLite to: a profile page took 2 s at 2 million works)."""
        credited = self.filter(pk__in=Creatorship.objects.filter(pseud__in=pseuds).values("work_id"))
        return credited.naming_creators_to(viewer)

    def naming_creators_to(self, viewer: Viewer) -> WorkQuerySet:
        """Leave out anonymous works unless the viewer made them or moderates: listings tied to a creator
        (their pages, their series) would otherwise reveal who wrote them."""
        if is_moderator(viewer):
            return self
        return self.filter(Q(anonymous=False) | self._created_by(viewer))

    def drafts_of(self, user: User) -> WorkQuerySet:
        return self.filter(self._created_by(user), posted=False)

    def for_blurbs(self) -> WorkQuerySet:
        """Everything a blurb shows, in a fixed number of queries."""
        return self.prefetch_related(*blurb_prefetches())

    def newest_first(self) -> WorkQuerySet:
        return self.order_by("-revised_at", "-pk")


class CommentPermission(models.TextChoices):
    ANYONE = "anyone", "Anyone, guests included"
    REGISTERED = "registered", "Registered users only"
    NOBODY = "nobody", "Nobody (comments are off)"


class Work(models.Model):
    title = models.CharField(max_length=255)
    summary = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    end_notes = models.TextField(blank=True)
    language = models.CharField(max_length=16, choices=LANGUAGES, default="en")
    restricted = models.BooleanField(default=False, help_text="Only registered users may see it.")
    anonymous = models.BooleanField(default=False, help_text="Creators are shown as Anonymous.")
    hidden_by_moderator = models.BooleanField(default=False)
    unrevealed = models.BooleanField(default=False)
    posted = models.BooleanField(default=False, help_text="False while the work is a draft.")
    expected_chapters = models.PositiveIntegerField(null=True, blank=True, help_text="Empty when unknown.")
    posted_chapter_count = models.PositiveIntegerField(default=0)
    word_count = models.PositiveIntegerField(default=0)
    published_on = models.DateField(null=True, blank=True)
    revised_at = models.DateTimeField(null=True, blank=True, help_text="When a chapter was last posted.")
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(auto_now=True)
    # Derived counts, rebuilt from their tables by `fanshelf reindex`.
    kudos_count = models.PositiveIntegerField(default=0)
    hit_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    bookmark_count = models.PositiveIntegerField(default=0)
    audio_seconds = models.PositiveIntegerField(default=0, help_text="Podfic length of the posted chapters.")
    # Who may comment; a new work takes the site's default (core/switches.py, works/actions.create_work).
    comment_permission = models.CharField(
        max_length=16, choices=CommentPermission.choices, default=CommentPermission.REGISTERED
    )
    moderate_comments = models.BooleanField(default=False, help_text="Comments wait for a creator's approval.")
    # When its creators were told this draft would soon be deleted (works/drafts.py).
    draft_warned_at = models.DateTimeField(null=True, blank=True)
    # What others may make from it; a new work takes its creator's preferences (User.reuse_*).
    reuse_podfic = models.CharField("Podfic", max_length=3, choices=Reuse.choices, default=Reuse.YES)
    reuse_translation = models.CharField("Translation", max_length=3, choices=Reuse.choices, default=Reuse.ASK)
    reuse_remix = models.CharField(
        "Remix and transformative works", max_length=3, choices=Reuse.choices, default=Reuse.YES
    )
    reuse_ai_training = models.CharField("AI training", max_length=3, choices=Reuse.choices, default=Reuse.NO)
    ai_disclosure = models.CharField("AI use", max_length=9, choices=AiDisclosure.choices, default=AiDisclosure.NONE)
    tags = models.ManyToManyField(Tag, related_name="works", blank=True, through="works.WorkTag")

    objects = WorkQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["posted", "hidden_by_moderator", "restricted", "-revised_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return address("works:detail", int(self.pk))

    @property
    def is_complete(self) -> bool:
        return self.expected_chapters is not None and self.posted_chapter_count >= self.expected_chapters

    @property
    def chapter_display(self) -> str:
        expected = "?" if self.expected_chapters is None else str(self.expected_chapters)
        return f"{self.posted_chapter_count}/{expected}"

    @property
    def language_name(self) -> str:
        return LANGUAGE_NAMES.get(self.language, self.language)

    @property
    def direction(self) -> str:
        """The `dir` of its text, summary, notes and title: "rtl" for a right-to-left language, else "ltr"."""
        return direction(self.language)

    @cached_property
    def tags_by_type(self) -> dict[str, list[Tag]]:
        """Each type's tags in the order the creator typed them (AO3 shows the main pairing first)."""
        # Tags prefetched by for_blurbs come ordered; a prefetch without that order would lose it, so there is
        # only the one.
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("tags")
        groups: dict[str, list[Tag]] = defaultdict(list)
        for tag in prefetched if prefetched is not None else self.tags.order_by("worktag__position", "pk"):
            if not tag.banned:  # kept on the work but shown nowhere, and so dropped at its next edit (moderation.md)
                groups[tag.type].append(tag)
        return groups

    @property
    def rating(self) -> Tag | None:
        ratings = self.tags_by_type.get(TagType.RATING, [])
        return ratings[0] if ratings else None

    @property
    def rating_code(self) -> str:
        return RATINGS.get(self.rating.name, "NR") if self.rating else "NR"

    @property
    def is_adult(self) -> bool:
        return self.rating is None or self.rating.name in ADULT_RATINGS

    @cached_property
    def creator_pseuds(self) -> list[Pseud]:
        return [c.pseud for c in sorted(self.creatorships.all(), key=lambda c: c.position)]

    def is_created_by(self, user: Viewer) -> bool:
        return user.is_authenticated and any(p.user_id == user.pk for p in self.creator_pseuds)

    def shows_creators_to(self, user: Viewer) -> bool:
        return not self.anonymous or self.is_created_by(user) or is_moderator(user)


class WorkTag(models.Model):
    """A work's tag, at the place its creator typed it: AO3 shows each type's tags in that order, main pairing
    and character first. The table keeps the name Django gave the plain many-to-many (the discovery loader and
    the benchmarks read it by that name)."""

    # A page's tags are read by work, in typed order: one index holds all three (works_tags_in_order), so the
    # rows come in that order from the index alone; it serves every other lookup by work too.
    work = models.ForeignKey(Work, on_delete=models.CASCADE, db_index=False)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "works_work_tags"
        unique_together = [("work", "tag")]
        indexes = [models.Index(fields=["work", "position", "tag"], name="works_tags_in_order")]

    def __str__(self) -> str:
        return f"{self.tag_id} on {self.work_id} at {self.position}"


class Creatorship(models.Model):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="creatorships")
    pseud = models.ForeignKey(Pseud, on_delete=models.CASCADE, related_name="creatorships")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["work", "pseud"], name="one_creatorship_per_pseud")]

    def __str__(self) -> str:
        return f"{self.pseud_id} on {self.work_id}"


class CreatorInvitation(models.Model):
    """A creator asked `pseud` to be credited on `work` (and on `chapter`, when one is named). It waits in the
    invitee's inbox; accepting makes a Creatorship (and a ChapterCreatorship), declining deletes it."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="invitations")
    chapter = models.ForeignKey("Chapter", null=True, blank=True, on_delete=models.CASCADE, related_name="invitations")
    pseud = models.ForeignKey(Pseud, on_delete=models.CASCADE, related_name="creator_invitations")
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["work", "pseud"], name="one_invitation_per_pseud")]

    def __str__(self) -> str:
        return f"{self.pseud_id} invited to {self.work_id}"


class Gift(models.Model):
    """A work given to a pseud on the archive, or to a plain name (someone not here). A refused gift stays
    recorded so it is not given again, but shows nowhere."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="gifts")
    pseud = models.ForeignKey(Pseud, null=True, blank=True, on_delete=models.CASCADE, related_name="gifts")
    recipient_name = models.CharField(max_length=100, blank=True, help_text="For a recipient who is not a user here.")
    refused = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["work", "pseud"], condition=Q(pseud__isnull=False), name="one_gift_per_pseud"
            ),
            models.CheckConstraint(
                condition=Q(pseud__isnull=False) | ~Q(recipient_name=""), name="gift_has_a_recipient"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work_id} for {self.pseud_id or self.recipient_name}"


class ChapterQuerySet(models.QuerySet["Chapter"]):
    def posted(self) -> ChapterQuerySet:
        return self.filter(posted=True)


class Chapter(models.Model):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="chapters")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=255, blank=True)
    summary = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    end_notes = models.TextField(blank=True)
    content = models.TextField()
    posted = models.BooleanField(default=False)
    published_on = models.DateField(null=True, blank=True)
    word_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(auto_now=True)
    # Empty unless a chapter names its own creators (a co-written chapter); each is also credited on the work.
    creators = models.ManyToManyField(Pseud, related_name="chapters", blank=True)

    objects = ChapterQuerySet.as_manager()

    class Meta:
        ordering = ["position"]
        indexes = [models.Index(fields=["work", "position"])]

    def __str__(self) -> str:
        return self.heading

    @property
    def heading(self) -> str:
        return f"Chapter {self.position}: {self.title}" if self.title else f"Chapter {self.position}"


class Hit(models.Model):
    """One visit per visitor per work per day; the work's hit_count is derived from these rows."""

    # No index of its own: the unique constraint's index starts with the work, and serves every lookup by work
    # (a work's deletion, a recount); one index fewer to write for every hit.
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="hits", db_index=False)
    visitor = models.CharField(max_length=64)
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["work", "visitor", "day"], name="one_hit_per_visitor_day")]

    def __str__(self) -> str:
        return f"{self.visitor} on {self.work_id} ({self.day})"


# Outbox kinds that only move a count (hits, kudos, comment and bookmark counts): listings take them in batches
# (fanshelf/discovery/live.py), the text index ignores them, and a work's page body does not change with them
# (works/page_memo.py). Every writer of these kinds changes nothing else about the work: one that does writes its
# own kind as well.
COUNT_ONLY_KINDS = ("hit", "kudos", "comments", "bookmarks")


class WorkChange(models.Model):
    """The outbox: one row per change to a work, written in the same transaction, read by derived indexes."""

    work_id = models.BigIntegerField(db_index=True)
    kind = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # A work read all day gains a "hit" row per hit flush; its page's version reads only the other rows, in
        # this index, so its cost does not grow with the work's readers.
        indexes = [
            models.Index(fields=["work_id", "id"], condition=~Q(kind__in=COUNT_ONLY_KINDS), name="workchange_shown")
        ]

    def __str__(self) -> str:
        return f"{self.kind} work {self.work_id}"


class RelationKind(models.TextChoices):
    INSPIRED = "inspired", "Inspired by"
    TRANSLATION = "translation", "Translation of"
    PODFIC = "podfic", "Podfic of"


class RelatedWork(models.Model):
    """A child work citing a parent: a work on this archive (needs its creators' approval) or an external one."""

    child = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="parent_links")
    parent = models.ForeignKey(Work, null=True, blank=True, on_delete=models.CASCADE, related_name="child_links")
    external_url = models.URLField(max_length=500, blank=True)
    external_title = models.CharField(max_length=255, blank=True)
    external_creator = models.CharField(max_length=255, blank=True)
    external_language = models.CharField(max_length=16, choices=LANGUAGES, blank=True)
    kind = models.CharField(max_length=16, choices=RelationKind.choices, default=RelationKind.INSPIRED)
    approved = models.BooleanField(default=False, help_text="The parent's creators agreed to show the link.")
    rejected = models.BooleanField(default=False, help_text="The parent's creators removed the link.")
    notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "parent"], condition=Q(parent__isnull=False), name="one_link_per_parent"
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=False) | ~Q(external_url=""), name="related_work_has_a_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child_id} {self.kind} {self.parent_id or self.external_url}"

    @property
    def is_external(self) -> bool:
        return self.parent_id is None


class Series(models.Model):
    """An ordered set of works with its own title, summary and notes; a work may be in several series."""

    title = models.CharField(max_length=255)
    summary = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    complete = models.BooleanField(default=False)
    creators = models.ManyToManyField(Pseud, related_name="series")
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "series"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:

        return reverse("works:series", args=[self.pk])

    def is_created_by(self, user: Viewer) -> bool:
        return user.is_authenticated and self.creators.filter(user=user).exists()

    def works_visible_to(self, user: Viewer) -> WorkQuerySet:
        """The series' works this reader may see, in series order (drafts and hidden works never)."""
        listed = Work.objects.listed_for(user).naming_creators_to(user).filter(series_entries__series=self)
        return listed.order_by("series_entries__position").for_blurbs()


class SeriesEntry(models.Model):
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="entries")
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="series_entries")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["series", "work"], name="work_once_per_series")]

    def __str__(self) -> str:
        return f"{self.work_id} in {self.series_id} at {self.position}"
