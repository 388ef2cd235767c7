"""Writes to tags. Creators make fandom, character, relationship and freeform tags by typing them."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from fanshelf.tags.models import FIXED_TYPES, TAG_NAME_VALIDATOR, Tag, TagType

MAX_TAG_LENGTH = 150


def clean_tag_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValidationError("A tag needs a name.")
    if len(cleaned) > MAX_TAG_LENGTH:
        raise ValidationError(f"Tags can be at most {MAX_TAG_LENGTH} characters: “{cleaned[:40]}…”.")
    TAG_NAME_VALIDATOR(cleaned)
    return cleaned


def find_or_create_tag(name: str, tag_type: str) -> Tag:
    """The existing tag of that name (ignoring case) or a new unwrangled one of that type.

    A name already used by a tag of another type is still that tag: names are unique across types, as on AO3.
    """
    cleaned = clean_tag_name(name)
    existing = Tag.objects.named(cleaned).first()
    if existing is not None:
        if existing.type in FIXED_TYPES and existing.type != tag_type:
            raise ValidationError(f"“{existing.name}” is a {existing.get_type_display().lower()}; choose it there.")
        return existing
    if tag_type in FIXED_TYPES:
        raise ValidationError(f"“{cleaned}” is not a {TagType(tag_type).label.lower()}.")
    return Tag.objects.create(name=cleaned, type=tag_type)


def fixed_tag(name: str, tag_type: str) -> Tag:
    tag = Tag.objects.named(name).filter(type=tag_type).first()
    if tag is None:
        raise ValidationError(f"“{name}” is not a {TagType(tag_type).label.lower()}.")
    return tag
