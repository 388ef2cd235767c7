"""Who may wrangle which tag. Actions check it (so every entry point is covered); pages use it to show links."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from fanshelf.accounts.models import is_moderator
from fanshelf.tags.models import Tag, TagQuerySet, TagType
from fanshelf.tags.usage import fandom_family, used_in_fandoms

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from fanshelf.accounts.models import User


def assigned_fandoms(user: User | AnonymousUser) -> TagQuerySet:
    """The fandoms assigned to this wrangler, by name."""
    if not user.is_authenticated:
        return Tag.objects.none()
    return Tag.objects.filter(wrangling_assignments__wrangler=user).order_by("name")


def can_wrangle(user: User | AnonymousUser, tag: Tag) -> bool:
    """Admins may wrangle any tag. A wrangler may wrangle, in the fandoms assigned to them: the fandom and its
    synonyms; tags filed under the fandom (or synonyms of such tags); tags filed under no fandom yet (unwrangled
    ones, or ones just made canonical) used on listed works of the fandom. Ratings, warnings and categories are a
    fixed set that no wrangler touches."""
    if is_moderator(user):  # moderators may wrangle and rename any tag
        return True  # even fixed tags: the actions then refuse them with a clear message
    if tag.is_fixed or not user.is_authenticated:
        return False
    family = fandom_family(assigned_fandoms(user).values_list("pk", flat=True))
    if not family:
        return False
    if tag.pk in family:
        return True
    own_and_canonical = [pk for pk in (tag.pk, tag.merger_id) if pk is not None]
    if Tag.objects.filter(pk__in=own_and_canonical, parents__in=list(family)).exists():
        return True
    unfiled = Tag.objects.exclude(parents__type=TagType.FANDOM)
    return unfiled.filter(used_in_fandoms(set(family.values())), pk=tag.pk).exists()


def require_wrangler(user: User | AnonymousUser, *tags: Tag) -> None:
    """Raise PermissionDenied unless the user may wrangle at least one of these tags (for a link between two
    tags, either end will do: a synonym may be removed from its canonical's page or its own)."""
    if not any(can_wrangle(user, tag) for tag in tags):
        names = " or ".join(f"“{tag.name}”" for tag in tags)
        raise PermissionDenied(f"You may not wrangle {names}: it is outside the fandoms assigned to you.")
