"""Signals tags sends to the apps above it (tags never imports them, ARCHITECTURE.md)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.dispatch import Signal, receiver

from fanshelf.tags.models import TagChange

tags_rewired = Signal()
"""Sent by every wrangling action, inside the action's transaction, with sender=Tag and:

- ``tag_ids``: a frozenset of the ids of the tags whose works' derived data may have changed: their filter tags
  (see fanshelf.tags.graph.filter_ids_by_tag), names, or parents. Every work that carries one of these tags needs
  reindexing; works carrying other tags are untouched.
- ``action``: the action's name ("make_synonym", "add_metatag", ...), for logs.

fanshelf.works connects a receiver that writes one WorkChange outbox row (kind "tags") per affected work, and the
tags app itself writes one TagChange per tag (below), which tells the discovery index to reload the tag graph
before it re-reads those works. Both run inside the transaction, so the rows commit or roll back with the
wrangling change.
"""

OUTBOX_BATCH = 1000


@receiver(tags_rewired, dispatch_uid="tags.record_tag_changes")
def record_tag_changes(sender: object, tag_ids: Iterable[int], **kwargs: Any) -> None:
    """Write one TagChange per rewired tag, in the wrangling action's transaction."""
    rows = [TagChange(tag_id=tag_id) for tag_id in sorted(set(tag_ids))]
    TagChange.objects.bulk_create(rows, batch_size=OUTBOX_BATCH)
