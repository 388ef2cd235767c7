"""Tags as used on works: listings, unwrangled bins and their counts, uncategorized fandoms.

Tags sits below works and never imports it (ARCHITECTURE.md). Works declares `Work.tags` (related name "works"),
so the Work model and its through table are reached through that relation at run time, and which works are
listed is still decided by WorkQuerySet (`listed_for`, `listed_for_users`) alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery

from fanshelf.accounts.models import is_moderator
from fanshelf.tags.graph import filed_under
from fanshelf.tags.models import BIN_TYPES, Tag, TagQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from fanshelf.accounts.models import User


def _works_relation() -> Any:
    return Tag._meta.get_field("works")


def listed_works(viewer: User | AnonymousUser | None = None) -> Any:
    """The WorkQuerySet of works shown in listings: to `viewer` if given, else to any registered user (which
    is what wrangling uses: drafts, hidden and unrevealed works never count)."""
    works = _works_relation().related_model.objects
    return works.listed_for_users() if viewer is None else works.listed_for(viewer)


def known_to(tag: Tag, viewer: User | AnonymousUser) -> bool:
    """Whether the tag's pages may answer `viewer` at all.

    Wrangled tags (canonical, synonyms, filed under a fandom) are the archive's public vocabulary: a wrangler made
    them so, and they answer whoever asks, with works or without. An unwrangled tag exists only because someone
    typed it on a work, so its name alone could confirm a draft, hidden, unrevealed or (for guests) restricted
    work: it is known to a viewer only when they may open a work carrying it (tags.graph's closure, as listings).
    A banned tag is known to moderators alone (docs/moderation.md).
    """
    if tag.banned:
        return is_moderator(viewer)
    if tag.canonical or tag.merger_id is not None or not Tag.objects.unwrangled().filter(pk=tag.pk).exists():
        return True
    works = _works_relation().related_model.objects.visible_to(viewer)
    return bool(works.filter(tags__in=filed_under({tag.pk})).exists())


def taggings() -> QuerySet[Any]:
    """Rows of the work–tag join table (fields: work_id, tag_id)."""
    through: Any = _works_relation().through
    queryset: QuerySet[Any] = through.objects.all()
    return queryset


def fandom_family(fandom_ids: Iterable[int]) -> dict[int, int]:
    """Each of these fandoms and their synonyms, mapped to the fandom they belong to."""
    wanted = set(fandom_ids)
    rows = Tag.objects.filter(Q(pk__in=wanted) | Q(merger_id__in=wanted)).values_list("pk", "merger_id")
    return {pk: pk if pk in wanted or merger_id is None else merger_id for pk, merger_id in rows}


def used_in_fandoms(fandom_ids: Iterable[int]) -> Exists:
    """True for tags used on a listed work that also carries one of these fandoms or their synonyms."""
    in_fandom = listed_works().filter(tags__in=list(fandom_family(fandom_ids)))
    return Exists(taggings().filter(tag_id=OuterRef("pk"), work_id__in=in_fandom.values("pk")))


def bin_tags(fandom: Tag, tag_type: str) -> TagQuerySet:
    """The fandom's bin: unwrangled tags of this type used on its listed works, each annotated with `uses`
    (how many listed works carry it), most used first."""
    uses = (
        taggings()
        .filter(tag_id=OuterRef("pk"), work_id__in=listed_works().values("pk"))
        .order_by()
        .values("tag_id")
        .annotate(count=Count("*"))
        .values("count")
    )
    return (
        Tag.objects.unwrangled()
        .filter(used_in_fandoms([fandom.pk]), type=tag_type)
        .annotate(uses=Subquery(uses, output_field=IntegerField()))
        .order_by("-uses", "name")
    )


def bin_counts(fandom_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """For each fandom, how many tags of each bin type wait in its bin: one query for all fandoms."""
    family = fandom_family(fandom_ids)
    rows = (
        taggings()
        .filter(
            tag__in=Tag.objects.unwrangled().filter(type__in=BIN_TYPES),
            work_id__in=listed_works().values("pk"),
            work__tags__in=list(family),
        )
        .values_list("work__tags", "tag__type", "tag_id")
        .distinct()
    )
    members: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for fandom_member, tag_type, tag_id in rows:
        members[family[fandom_member]][tag_type].add(tag_id)
    return {
        fandom_id: {str(tag_type): len(members[fandom_id][tag_type]) for tag_type in BIN_TYPES}
        for fandom_id in set(family.values())
    }


def uncategorized_fandoms(viewer: User | AnonymousUser) -> TagQuerySet:
    """Fandoms with no media parent yet that `viewer` may see named, by name: the "Uncategorized Fandoms" page,
    which shows those whose listing holds works listed to the viewer (counted by the discovery index)."""
    return Tag.objects.uncategorized_fandoms().named_to(viewer).order_by("name")
