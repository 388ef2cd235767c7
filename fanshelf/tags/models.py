from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import get_script_prefix

from fanshelf.accounts.models import is_moderator
from fanshelf.core.addresses import address

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from fanshelf.accounts.models import User


class TagType(models.TextChoices):
    RATING = "rating", "Rating"
    WARNING = "warning", "Archive Warning"
    CATEGORY = "category", "Category"
    FANDOM = "fandom", "Fandom"
    RELATIONSHIP = "relationship", "Relationship"
    CHARACTER = "character", "Character"
    FREEFORM = "freeform", "Additional Tags"
    MEDIA = "media", "Media"


# The fixed sets, in display order. A rating's short code is what blurbs show in their symbol box.
RATINGS = {
    "General Audiences": "G",
    "Teen And Up Audiences": "T",
    "Mature": "M",
    "Explicit": "E",
    "Not Rated": "NR",
}
ADULT_RATINGS = {"Mature", "Explicit", "Not Rated"}
WARNINGS = [
    "Creator Chose Not To Use Archive Warnings",
    "No Archive Warnings Apply",
    "Graphic Depictions Of Violence",
    "Major Character Death",
    "Rape/Non-Con",
    "Underage Sex",
]
CATEGORIES = ["F/F", "F/M", "Gen", "M/M", "Multi", "Other"]
FIXED_TYPES = {TagType.RATING, TagType.WARNING, TagType.CATEGORY}
USER_TYPES = [TagType.FANDOM, TagType.RELATIONSHIP, TagType.CHARACTER, TagType.FREEFORM]
# The tag types wranglers sort out of per-fandom bins, in the order the wrangling pages show them.
BIN_TYPES = [TagType.CHARACTER, TagType.RELATIONSHIP, TagType.FREEFORM]
# Which types a canonical parent of each type may have as children: media → fandom → character, relationship
# and freeform; a relationship also links to its characters. Parent and child types never loop back, so parent
# links cannot form cycles.
CHILD_TYPES: dict[str, frozenset[str]] = {
    TagType.MEDIA: frozenset({TagType.FANDOM}),
    TagType.FANDOM: frozenset({TagType.CHARACTER, TagType.RELATIONSHIP, TagType.FREEFORM}),
    TagType.CHARACTER: frozenset({TagType.RELATIONSHIP}),
}

TAG_NAME_VALIDATOR = RegexValidator(
    r"^[^,^*<>{}=%\\`]+$", "Tags may not contain , ^ * < > { } = %% \\ or `.", code="invalid_tag"
)


# Tag names cannot contain "*", so these stand-ins for characters that break URLs are unambiguous (as on AO3).
_URL_ESCAPES = [("/", "*s*"), ("&", "*a*"), (".", "*d*"), ("?", "*q*"), ("#", "*h*")]


def tag_to_url_part(name: str) -> str:
    """The tag name as one URL path segment (reversible with tag_from_url_part)."""
    for char, escape in _URL_ESCAPES:
        name = name.replace(char, escape)
    return name


@functools.lru_cache(maxsize=65_536)
def works_url(prefix: str, name: str) -> str:
    """A tag's works listing, made once per name (a listing's blurbs link ~250 tags). The script prefix is in the
    key because it is in the address."""
    return address("discovery:tag_works", tag_to_url_part(name))


def tag_from_url_part(part: str) -> str:
    for char, escape in _URL_ESCAPES:
        part = part.replace(escape, char)
    return part


def typed_names(names: Iterable[str]) -> list[str]:
    """Names as typed, each once, as tags are looked up by them: stripped and lowercased."""
    return sorted({name.strip().lower() for name in names})


class TagQuerySet(models.QuerySet["Tag"]):
    def named(self, name: str) -> TagQuerySet:
        """The tag of that name, ignoring case and surrounding spaces (names are unique that way)."""
        return self.annotate(lower_name=Lower("name")).filter(lower_name=name.strip().lower())

    def named_any(self, names: Iterable[str]) -> dict[str, Tag]:
        """The tags of these names, as `named` finds each, in one query: {name stripped and lowercased: tag}."""
        found = self.named_in(typed_names(names))
        return {tag.lower_name: tag for tag in found}  # type: ignore[attr-defined]

    def named_in(self, typed: Iterable[str]) -> TagQuerySet:
        """The tags whose lowercased name (`lower_name`, annotated) is one of these (`typed_names`)."""
        return self.annotate(lower_name=Lower("name")).filter(lower_name__in=typed)

    def not_banned(self) -> TagQuerySet:
        """Tags anyone may see and use: every tag but those moderators banned."""
        return self.filter(banned=False)

    def named_to(self, viewer: User | AnonymousUser) -> TagQuerySet:
        """The tags a page may name to `viewer`: banned ones to moderators only."""
        return self if is_moderator(viewer) else self.not_banned()

    def of_type(self, tag_type: str) -> TagQuerySet:
        return self.filter(type=tag_type)

    def canonical(self) -> TagQuerySet:
        return self.filter(canonical=True)

    def unwrangled(self) -> TagQuerySet:
        """Tags no wrangler has dealt with yet: not canonical, not a synonym, and not filed under any fandom.

        A non-canonical tag with a fandom parent counts as wrangled ("unfilterable" on AO3): it was looked at and
        left as it is.
        """
        return self.filter(canonical=False, merger__isnull=True).exclude(parents__type=TagType.FANDOM)

    def uncategorized_fandoms(self) -> TagQuerySet:
        """Fandoms, canonical or new, that are not synonyms and have no media parent yet."""
        return self.filter(type=TagType.FANDOM, merger__isnull=True).exclude(parents__type=TagType.MEDIA)


class Tag(models.Model):
    """A typed tag. Canonical tags are filterable; a synonym points to its canonical through `merger`."""

    # Indexed as written for exact lookups (a listing's filters, tag pages); the unique index is on LOWER(name).
    name = models.CharField(max_length=150, validators=[TAG_NAME_VALIDATOR], db_index=True)
    type = models.CharField(max_length=16, choices=TagType.choices)
    canonical = models.BooleanField(default=False)
    merger = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="synonyms",
        help_text="The canonical tag this one is a synonym of.",
    )
    parents = models.ManyToManyField("self", symmetrical=False, related_name="children", blank=True)
    metatags = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="subtags",
        blank=True,
        help_text="Broader canonical tags of the same type whose listings include this tag's works.",
    )
    banned = models.BooleanField(
        default=False,
        help_text="Banned by a moderator: no work may add it, and only moderators see it (docs/moderation.md).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(Lower("name"), name="tag_name_unique_ignoring_case")
        ]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["type", "canonical"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return works_url(get_script_prefix(), self.name)

    @property
    def url_part(self) -> str:
        return tag_to_url_part(self.name)

    @property
    def filterable(self) -> Tag:
        """The tag whose listing holds this tag's works: its canonical when it is a synonym."""
        return self.merger if self.merger is not None else self

    @property
    def under_ban(self) -> bool:
        """Banned, or a synonym of a banned tag (whose works would be found under it): hidden and refused alike."""
        return self.banned or (self.merger is not None and self.merger.banned)

    @property
    def is_fixed(self) -> bool:
        """Ratings, archive warnings and categories: a fixed set nobody wrangles."""
        return self.type in FIXED_TYPES


class WranglingAssignment(models.Model):
    """A wrangler's fandom: they may wrangle the fandom, its synonyms, the tags filed under it and the unwrangled
    tags used on its works. Admins (staff) may wrangle everything without assignments."""

    wrangler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wrangling_assignments"
    )
    fandom = models.ForeignKey(
        Tag,
        on_delete=models.CASCADE,
        related_name="wrangling_assignments",
        limit_choices_to={"type": TagType.FANDOM},
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["wrangler", "fandom"], name="one_assignment_per_wrangler_fandom")
        ]

    def __str__(self) -> str:
        return f"{self.wrangler} wrangles {self.fandom}"


class TagChange(models.Model):
    """The wrangling outbox: one row per tag whose works' filter tags, name or parents changed, written in the
    wrangling action's transaction (by the tags_rewired receiver in fanshelf/tags/signals.py). The discovery index
    reads it to reload the tag graph and re-read the works carrying these tags. `tag_id` is a plain number, not a
    foreign key: a row outlives a deleted tag, and the outbox never blocks a delete."""

    tag_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"tag {self.tag_id} changed"
