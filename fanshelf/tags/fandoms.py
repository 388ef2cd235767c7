"""The Fandoms page: every fandom with works listed to the reader, grouped by medium, with work counts, and the
fandoms nobody has filed under a medium yet ("Uncategorized Fandoms"), as on AO3's media page.

Counts are of works listed to the reader, counted by the discovery index (discovery/views.py passes them in), so
drafts, hidden, unrevealed and (for guests) restricted works count nowhere, and a fandom shows only when it has
such a work: an unwrangled fandom typed on a draft alone is not named (usage.known_to's rule). A fandom's count
holds its synonyms' works and, for a metatag, its subtags' works, as its listing does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fanshelf.tags.models import Tag, TagType

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from fanshelf.accounts.models import User

UNCATEGORIZED = "Uncategorized Fandoms"
# The auto-created through model of Tag.parents: from_tag is the child, to_tag its parent.
ParentLink = Tag.parents.through


@dataclass(frozen=True)
class FandomCount:
    fandom: Tag
    works: int


@dataclass(frozen=True)
class MediumFandoms:
    """One medium's fandoms, by name; `medium` is None for the uncategorized ones."""

    heading: str
    medium: Tag | None
    fandoms: list[FandomCount]


def countable_fandoms(viewer: User | AnonymousUser) -> list[Tag]:
    """The fandoms the page may name to `viewer` (banned ones only to moderators), canonical or not yet wrangled:
    the ones whose works the discovery index counts for the page (discovery/views.py)."""
    return list(Tag.objects.named_to(viewer).filter(type=TagType.FANDOM, merger__isnull=True))


def fandoms_by_medium(fandoms: list[Tag], counts: Mapping[int, int]) -> list[MediumFandoms]:
    """Media by name, each with those of `fandoms` (`countable_fandoms`) that hold works, then the uncategorized
    ones. `counts` holds each fandom's works as its listing has them for the reader: synonyms folded in, a
    metatag with its subtags' works, the reader's mutes and exclusion profile left out. No query names the
    fandoms one by one: an archive's tens of thousands would pass SQLite's limit on a statement's values."""
    counted = {tag.pk: tag for tag in fandoms if counts.get(tag.pk)}
    media_of: dict[int, list[int]] = defaultdict(list)
    links = ParentLink.objects.filter(from_tag__type=TagType.FANDOM, to_tag__type=TagType.MEDIA)
    for fandom_id, medium_id in links.values_list("from_tag_id", "to_tag_id"):
        if fandom_id in counted:
            media_of[medium_id].append(fandom_id)
    groups = [
        MediumFandoms(medium.name, medium, _by_name([counted[pk] for pk in media_of[medium.pk]], counts))
        for medium in Tag.objects.filter(pk__in=media_of).order_by("name")
    ]
    filed = {pk for members in media_of.values() for pk in members}
    uncategorized = [tag for pk, tag in counted.items() if pk not in filed]
    if uncategorized:
        groups.append(MediumFandoms(UNCATEGORIZED, None, _by_name(uncategorized, counts)))
    return groups


def _by_name(fandoms: list[Tag], counts: Mapping[int, int]) -> list[FandomCount]:
    return [FandomCount(tag, counts[tag.pk]) for tag in sorted(fandoms, key=lambda tag: tag.name.casefold())]
