"""Per-reader work sets for the listing filters on a reader's own shelves: "hide works on my finished shelf",
"only works on my reading shelf".

The engine answers them like any other filter, with a bitmap: the reader's shelved work ids, built once per shelf
version and kept in memory, so a listing never joins the shelf table. The reading app sits beside discovery and
neither imports the other, so its models are looked up by name, the way `tags/usage.py` reaches works. The
reading app moves a reader's shelf version (a random token) on every shelf change, which is what keys the sets and
the memoised listing bodies (`listing.reader_variant`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from pyroaring import BitMap, FrozenBitMap

from fanshelf.core.memo import Memo

if TYPE_CHECKING:
    from fanshelf.discovery.query import WorkQuery
    from fanshelf.works.models import Viewer

# The reading app's Shelf values (fanshelf/reading/models.py); tests/reading checks that the two agree.
SHELF_LABELS = {"to-read": "To read", "reading": "Reading", "finished": "Finished", "dropped": "Dropped"}
# (user id, shelf version, shelves) -> their work ids; a few KB for a reader with a few thousand works shelved.
_sets: Memo[FrozenBitMap] = Memo(2048)


def _model(name: str) -> Any:
    try:
        return apps.get_model("reading", name)
    except LookupError:  # the reading app is not installed: nobody has shelves
        return None


def shelf_version(viewer: Viewer) -> str:
    """The reader's shelf version; "" for a guest or a reader whose shelves never changed (so are empty)."""
    model = _model("ShelfVersion")
    if model is None or not viewer.is_authenticated:
        return ""
    token = model.objects.filter(user_id=viewer.pk).values_list("token", flat=True).first()
    return str(token or "")


def shelved_works(viewer: Viewer, shelves: tuple[str, ...], version: str) -> FrozenBitMap:
    """Ids of the works on these shelves of the reader's (whether or not the reader may still see them: the
    engine's own visibility decides that)."""
    if not version or not shelves:
        return FrozenBitMap()
    key = (viewer.pk, version, tuple(sorted(shelves)))

    def build() -> FrozenBitMap:
        entries = _model("ShelfEntry").objects.filter(user_id=viewer.pk, shelf__in=list(shelves))
        return FrozenBitMap(entries.values_list("work_id", flat=True).iterator())

    return _sets.get_or_make(key, build)


@dataclass(frozen=True)
class ShelfFilter:
    """The reader's sets a query needs, fetched before the index lock is taken."""

    only: FrozenBitMap | None
    hidden: FrozenBitMap | None

    def applied_to(self, matches: BitMap) -> BitMap:
        if self.only is not None:
            matches = matches & self.only
        if self.hidden is not None:
            matches = matches - self.hidden
        return matches


def shelf_filter(query: WorkQuery, viewer: Viewer) -> ShelfFilter | None:
    """None when the query uses no shelf filter. A guest has no shelves: "only on my shelf" finds nothing."""
    if not query.shelf and not query.hide_shelves:
        return None
    version = shelf_version(viewer)
    only = shelved_works(viewer, (query.shelf,), version) if query.shelf else None
    hidden = shelved_works(viewer, query.hide_shelves, version) if query.hide_shelves else None
    return ShelfFilter(only, hidden)
