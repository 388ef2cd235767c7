from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower


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

TAG_NAME_VALIDATOR = RegexValidator(
    r"^[^,^*<>{}=%\\`]+$", "Tags may not contain , ^ * < > { } = % \\ or `.", code="invalid_tag"
)


# Tag names cannot contain "*", so these stand-ins for characters that break URLs are unambiguous (as on AO3).
_URL_ESCAPES = [("/", "*s*"), ("&", "*a*"), (".", "*d*"), ("?", "*q*"), ("#", "*h*")]


def tag_to_url_part(name: str) -> str:
    for char, escape in _URL_ESCAPES:
        name = name.replace(char, escape)
    return name


def tag_from_url_part(part: str) -> str:
    for char, escape in _URL_ESCAPES:
        part = part.replace(escape, char)
    return part


class TagQuerySet(models.QuerySet["Tag"]):
    def named(self, name: str) -> TagQuerySet:
        return self.annotate(lower_name=Lower("name")).filter(lower_name=name.strip().lower())

    def of_type(self, tag_type: str) -> TagQuerySet:
        return self.filter(type=tag_type)

    def canonical(self) -> TagQuerySet:
        return self.filter(canonical=True)


class Tag(models.Model):
    """A typed tag. Canonical tags are filterable; a synonym points to its canonical through `merger`."""

    name = models.CharField(max_length=150, validators=[TAG_NAME_VALIDATOR])
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
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="tag_name_unique_ignoring_case")]
        indexes = [models.Index(fields=["type", "canonical"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("tags:works", args=[tag_to_url_part(self.name)])

    @property
    def filterable(self) -> Tag:
        """The tag whose listing holds this tag's works: its canonical when it is a synonym."""
        return self.merger if self.merger is not None else self
