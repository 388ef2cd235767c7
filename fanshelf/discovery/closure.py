"""Which filter ids a tag counts under: the one place that knows how wrangling shapes filtering.

A work carries raw tags (as typed by its creator). It is *found* under filter ids: a synonym counts under its
canonical (``Tag.merger``), and a subtag also counts under every metatag above it (``Tag.metatags``),
transitively. Everything in the discovery index goes through `TagGraph.filter_ids`.

Crossover needs a different notion: a work spanning "unrelated" fandoms. `TagGraph.fandom_family` maps a fandom to
the id that decides relatedness: the top of its canonical's metatag chain.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from django.db.models import Q

from fanshelf.tags.graph import MetatagLink
from fanshelf.tags.models import Tag, TagChange, TagType

# Small integer codes for tag types, stored in a numpy column indexed by tag id.
TYPE_CODES: dict[str, int] = {
    TagType.RATING: 1,
    TagType.WARNING: 2,
    TagType.CATEGORY: 3,
    TagType.FANDOM: 4,
    TagType.RELATIONSHIP: 5,
    TagType.CHARACTER: 6,
    TagType.FREEFORM: 7,
    TagType.MEDIA: 8,
}
FACET_TYPES: tuple[str, ...] = (
    TagType.FANDOM,
    TagType.CHARACTER,
    TagType.RELATIONSHIP,
    TagType.FREEFORM,
    TagType.RATING,
    TagType.WARNING,
    TagType.CATEGORY,
)
FIXED_TYPE_CODES = frozenset({TYPE_CODES[TagType.RATING], TYPE_CODES[TagType.WARNING], TYPE_CODES[TagType.CATEGORY]})

IntArray = npt.NDArray[np.int64]


def _synonym_edges() -> Iterable[tuple[int, int]]:
    """(synonym id, canonical id): a synonym's works are found under its canonical, not under itself."""
    return Tag.objects.filter(merger__isnull=False).values_list("pk", "merger_id").iterator(chunk_size=10_000)


def _broader_edges() -> Iterable[tuple[int, int]]:
    """(subtag id, metatag id): a subtag's works are also found under its metatags, transitively.

    The pairs of `Tag.metatags` (tags.graph.MetatagLink: from_tag is the subtag, to_tag its metatag). The closure
    is walked here rather than taken from tags.graph.filter_ids_by_tag because the index needs other shapes: an
    *ordered* tuple whose first id is the tag's own filter id (its canonical), kept only for the tags whose filter
    ids differ from themselves, and each fandom's family (the top of its chain) for crossovers. A test checks the
    two walks agree (tests/discovery/test_wrangling_in_listings.py). Everything outside the index (tag feeds,
    OPDS, tag pages) asks tags.graph (`filed_under`, `filter_ids_by_tag`), since downloads and tags may not import
    discovery; tests/downloads/test_metatag_feeds.py checks a tag's feed holds exactly its listing's works.
    """
    pairs = MetatagLink.objects.order_by().values_list("from_tag_id", "to_tag_id")
    return pairs.iterator(chunk_size=10_000)


@dataclass
class TagGraph:
    """Tag types, canonical flags and the filter-id closure, loaded from the database in one pass."""

    type_code: npt.NDArray[np.int8] = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    canonical: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=np.bool_))
    # Only tags whose filter ids differ from (the tag itself,) are stored; everything else maps to itself.
    closure: dict[int, tuple[int, ...]] = field(default_factory=dict)
    family: dict[int, int] = field(default_factory=dict)

    @classmethod
    def load(cls) -> TagGraph:
        """Read every tag's type and canonical flag, and the synonym and metatag edges."""
        # A banned tag is never a facet nor offered (docs/moderation.md): the index takes it as not canonical.
        shown = Tag.objects.annotate(shown=Q(canonical=True, banned=False)).values_list("pk", "type", "shown")
        rows = list(shown.iterator(chunk_size=20_000))
        size = (max((row[0] for row in rows), default=0)) + 1
        type_code = np.zeros(size, dtype=np.int8)
        canonical = np.zeros(size, dtype=np.bool_)
        for pk, tag_type, is_canonical in rows:
            type_code[pk] = TYPE_CODES.get(tag_type, 0)
            canonical[pk] = is_canonical
        return cls.from_edges(type_code, canonical, dict(_synonym_edges()), _broader_edges())

    @classmethod
    def from_edges(
        cls,
        type_code: npt.NDArray[np.int8],
        canonical: npt.NDArray[np.bool_],
        mergers: dict[int, int],
        broader_pairs: Iterable[tuple[int, int]],
    ) -> TagGraph:
        """Close the synonym and metatag edges: every tag's filter ids and fandom family."""
        broader: dict[int, list[int]] = {}
        for child, parent in broader_pairs:
            broader.setdefault(child, []).append(parent)
        graph = cls(type_code=type_code, canonical=canonical)
        for tag in set(mergers) | set(broader):
            base = mergers.get(tag, tag)
            ids = _upwards(base, broader)
            if ids != (tag,):
                graph.closure[tag] = ids
            top = _first_top(base, broader)
            if top != tag:
                graph.family[tag] = top
        return graph

    def filter_ids(self, tag_id: int) -> tuple[int, ...]:
        """The ids under which a work tagged `tag_id` is found (its canonical for a synonym)."""
        return self.closure.get(tag_id, (tag_id,))

    def expand(self, tag_ids: IntArray) -> tuple[IntArray, IntArray]:
        """Vectorised `filter_ids`: (position in tag_ids, filter id) for every pair."""
        positions = np.arange(len(tag_ids), dtype=np.int64)
        if not self.closure:
            return positions, tag_ids
        extra_positions: list[int] = []
        extra_ids: list[int] = []
        keep = np.ones(len(tag_ids), dtype=np.bool_)
        special = np.flatnonzero(np.isin(tag_ids, np.fromiter(self.closure, dtype=np.int64)))
        for position in special.tolist():
            keep[position] = False
            for filter_id in self.closure[int(tag_ids[position])]:
                extra_positions.append(position)
                extra_ids.append(filter_id)
        return (
            np.concatenate([positions[keep], np.asarray(extra_positions, dtype=np.int64)]),
            np.concatenate([tag_ids[keep], np.asarray(extra_ids, dtype=np.int64)]),
        )

    def fandom_family(self, tag_id: int) -> int:
        """The id deciding whether two fandoms are related (same id: related)."""
        return self.family.get(tag_id, tag_id)

    def type_of(self, tag_id: int) -> int:
        return int(self.type_code[tag_id]) if 0 <= tag_id < len(self.type_code) else 0

    def is_canonical(self, tag_id: int) -> bool:
        return bool(tag_id < len(self.canonical) and self.canonical[tag_id])


def _upwards(base: int, broader: dict[int, list[int]]) -> tuple[int, ...]:
    """`base` and every metatag above it, each once, cycles ignored."""
    seen: dict[int, None] = {base: None}
    stack = list(broader.get(base, []))
    while stack:
        current = stack.pop()
        if current not in seen:
            seen[current] = None
            stack.extend(broader.get(current, []))
    return tuple(seen)


def _first_top(base: int, broader: dict[int, list[int]]) -> int:
    """Follow the first metatag edge to the top: fandoms sharing a top are related, not a crossover."""
    current, seen = base, {base}
    while broader.get(current):
        parent = broader[current][0]
        if parent in seen:
            break
        seen.add(parent)
        current = parent
    return current


def tag_changes(above: int, among: Iterable[int] = ()) -> list[tuple[int, int]]:
    """(outbox id, tag id) of the wrangling outbox's rows past `above`, and of those among the ids given (the gaps
    a cursor still waits on, see discovery/live.py).

    The tags app may not import works, so wrangling cannot write `WorkChange` itself; every wrangling action sends
    `tags_rewired`, and the tags app's own receiver writes one `TagChange` per affected tag in the same transaction
    (fanshelf/tags/signals.py). The index then reloads the graph and re-reads the works carrying those tags.
    """
    rows = list(TagChange.objects.filter(pk__gt=above).values_list("pk", "tag_id"))
    if waited := list(among):
        rows += TagChange.objects.filter(pk__in=waited).values_list("pk", "tag_id")
    return [(int(pk), int(tag_id)) for pk, tag_id in rows]
