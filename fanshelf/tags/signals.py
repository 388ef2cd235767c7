"""Signals tags sends to the apps above it (tags never imports them, ARCHITECTURE.md)."""

from __future__ import annotations

from django.dispatch import Signal

tags_rewired = Signal()
"""Sent by every wrangling action, inside the action's transaction, with sender=Tag and:

- ``tag_ids``: a frozenset of the ids of the tags whose works' derived data may have changed: their filter tags
  (see fanshelf.tags.graph.filter_ids_by_tag), names, or parents. Every work that carries one of these tags needs
  reindexing; works carrying other tags are untouched.
- ``action``: the action's name ("make_synonym", "add_metatag", ...), for logs.

fanshelf.works connects a receiver that writes one WorkChange outbox row (kind "tags") per affected work. Because
it runs inside the transaction, the rows commit or roll back with the wrangling change.
"""
