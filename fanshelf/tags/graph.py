"""The tag graph read as filters: which canonical tags a tag's works are found under, and the reverse.

A work carrying tag t is found under:
- t itself when t is canonical,
- t's canonical when t is a synonym (its `merger`),
- and every metatag of those, transitively (metatags are broader canonicals of the same type).
Unwrangled tags (neither canonical nor a synonym) put their works under no filter tag.

`filter_ids_by_tag` answers "which filters does each tag feed?" for the whole graph (the discovery index uses it);
`filed_under` answers the reverse for a few canonicals (tag pages, and the actions, to know which tags' works a
change touches).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from django.db import models

from fanshelf.tags.models import Tag, TagType

_EMPTY: frozenset[int] = frozenset()
# The auto-created through model of Tag.metatags: from_tag is the subtag, to_tag its metatag.
MetatagLink = Tag.metatags.through


def filter_ids_by_tag(only: Collection[int] | None = None) -> dict[int, frozenset[int]]:
    """For every tag id, the ids of the canonical tags a work carrying that tag is found under.

    That is the tag itself if canonical, its canonical if it is a synonym, plus all their metatags transitively;
    an empty set for unwrangled tags. Tags sharing a canonical share one frozenset object, so the map stays small
    at 100,000 tags. `only` limits the keys returned (the graph is still read whole: two queries in all).

    The discovery engine calls this to build its index, and again with `only=tag_ids` when `tags_rewired` is sent
    (fanshelf/tags/signals.py) to refresh the works that carry those tags.
    """
    tag_rows = list(Tag.objects.order_by().values_list("pk", "canonical", "merger_id"))
    metatags_of: dict[int, list[int]] = defaultdict(list)
    for sub_id, meta_id in MetatagLink.objects.values_list("from_tag_id", "to_tag_id"):
        metatags_of[sub_id].append(meta_id)
    canonical_ids = {pk for pk, canonical, _merger in tag_rows if canonical}
    closure = _upward_closures(canonical_ids, metatags_of)
    wanted = None if only is None else set(only)
    result: dict[int, frozenset[int]] = {}
    for pk, canonical, merger_id in tag_rows:
        if wanted is not None and pk not in wanted:
            continue
        if canonical:
            result[pk] = closure[pk]
        elif merger_id is not None and merger_id in canonical_ids:
            result[pk] = closure[merger_id]
        else:
            result[pk] = _EMPTY
    return result


def _upward_closures(canonical_ids: set[int], metatags_of: dict[int, list[int]]) -> dict[int, frozenset[int]]:
    """Each canonical with all its canonical metatags, transitively. Iterative, memoised, and safe even if a
    cycle slipped into the data (the actions refuse them): a tag on the current path is not followed again."""
    done: dict[int, frozenset[int]] = {}
    for start in canonical_ids:
        if start in done:
            continue
        stack: list[tuple[int, bool]] = [(start, False)]
        on_path: set[int] = set()
        while stack:
            tag_id, expanded = stack.pop()
            if expanded:
                on_path.discard(tag_id)
                members = {tag_id}
                for meta_id in metatags_of.get(tag_id, ()):
                    members |= done.get(meta_id, _EMPTY)
                done[tag_id] = frozenset(members)
                continue
            if tag_id in done or tag_id in on_path:
                continue
            on_path.add(tag_id)
            stack.append((tag_id, True))
            stack.extend(
                (meta_id, False)
                for meta_id in metatags_of.get(tag_id, ())
                if meta_id in canonical_ids and meta_id not in done
            )
    return done


def _walk(start: Iterable[int], step: str, back: str) -> set[int]:
    """All tags reachable from `start` along metatag links (`step` names the column to collect, `back` the one to
    match), one query per level; `start` included."""
    seen = set(start)
    frontier = set(seen)
    while frontier:
        found = set(MetatagLink.objects.filter(**{f"{back}__in": frontier}).values_list(step, flat=True))
        frontier = found - seen
        seen |= frontier
    return seen


def subtag_closure(tag_ids: Iterable[int]) -> set[int]:
    """The tags and all their subtags, transitively."""
    return _walk(tag_ids, step="from_tag_id", back="to_tag_id")


def metatag_closure(tag_ids: Iterable[int]) -> set[int]:
    """The tags and all their metatags, transitively."""
    return _walk(tag_ids, step="to_tag_id", back="from_tag_id")


def filed_under(tag_ids: Iterable[int]) -> set[int]:
    """Every tag whose works are found under one of these tags: the tags themselves, their subtags
    transitively, and the synonyms of all of those. For an unwrangled tag, just itself.

    This is also the set of tags whose `filter_ids_by_tag` entries change when these tags gain or lose
    metatags, canonical status or synonyms, so the actions send it with `tags_rewired`.
    """
    members = subtag_closure(tag_ids)
    members |= set(Tag.objects.filter(merger_id__in=members).values_list("pk", flat=True))
    return members


@dataclass
class TagNeighbourhood:
    """What a tag page shows around a tag, each list sorted by name."""

    synonyms: list[Tag]
    parents_by_type: dict[str, list[Tag]]
    children_by_type: dict[str, list[Tag]]
    metatags: list[Tag]
    subtags: list[Tag]
    type_labels: dict[str, str] = field(default_factory=lambda: dict(TagType.choices))

    @property
    def parent_groups(self) -> list[tuple[str, list[Tag]]]:
        return [(self.type_labels[kind], tags) for kind, tags in self.parents_by_type.items()]

    @property
    def child_groups(self) -> list[tuple[str, list[Tag]]]:
        return [(self.type_labels[kind], tags) for kind, tags in self.children_by_type.items()]


def _by_type(tags: Iterable[Tag]) -> dict[str, list[Tag]]:
    groups: dict[str, list[Tag]] = defaultdict(list)
    for tag in tags:
        groups[tag.type].append(tag)
    return dict(groups)


def neighbourhood(tag: Tag, *, show_banned: bool = False) -> TagNeighbourhood:
    """The tag's synonyms, parents, canonical children, metatags and subtags, in five queries. Banned tags are
    left out unless `show_banned` (for moderators, the only ones who see them)."""
    banned = models.Q() if show_banned else models.Q(banned=False)
    return TagNeighbourhood(
        synonyms=list(tag.synonyms.filter(banned)),
        parents_by_type=_by_type(tag.parents.filter(banned)),
        children_by_type=_by_type(tag.children.filter(banned, canonical=True)),
        metatags=list(tag.metatags.filter(banned)),
        subtags=list(tag.subtags.filter(banned)),
    )
