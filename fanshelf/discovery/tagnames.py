"""Tag names as readers type them: completions while typing (the JSON behind static/fanshelf/tags.js) and "did you
mean" for a name that is no canonical tag (query.resolve_tag_names searches such a name as text).

Only canonical tags are offered, named by themselves or by a synonym. They are the archive's public vocabulary
(`tags.usage.known_to` answers yes for them whoever asks), so no answer here can tell anyone that a tag seen only
on drafts, hidden or restricted works exists.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from django.db.models.functions import Lower

from fanshelf.tags.models import USER_TYPES, Tag, TagQuerySet

COMPLETION_LIMIT = 10
SUGGESTION_LIMIT = 5
MAX_TYPED = 150  # the longest tag name
# Close spellings are looked for among at most this many tags sharing the typed name's first letters.
SPELLING_CANDIDATES = 2_000
COMPLETABLE_TYPES = frozenset(str(tag_type) for tag_type in USER_TYPES)


def _offered(tag_type: str | None) -> TagQuerySet:
    """Canonical fandoms, relationships, characters and additional tags (ratings, warnings and categories have
    their own boxes)."""
    types = [tag_type] if tag_type else sorted(COMPLETABLE_TYPES)
    return Tag.objects.canonical().not_banned().filter(type__in=types)


def _typed(text: str) -> str:
    """What was typed, spaces tidied. Case is left to the database's case-insensitive lookups (as typed, so that
    SQLite, which folds ASCII letters only, still matches "Émile" typed as stored)."""
    return " ".join(text.split())[:MAX_TYPED]


def complete(text: str, tag_type: str | None = None, limit: int = COMPLETION_LIMIT) -> list[tuple[str, str]]:
    """(name, type) of canonical tags for what has been typed so far: names starting with it first, then tags
    whose synonym starts with it, then names holding it anywhere ("Liesl" finds "Rolf/Liesl"), each alphabetical."""
    typed = _typed(text)
    if not typed:
        return []
    tags = _offered(tag_type)
    found: dict[str, str] = {}

    def add(rows: Iterable[tuple[str, str]]) -> None:
        for name, kind in rows:
            if len(found) < limit:
                found.setdefault(name, kind)

    by_name = Lower("name")
    add(tags.filter(name__istartswith=typed).order_by(by_name).values_list("name", "type")[:limit])
    if len(found) < limit:
        synonyms = Tag.objects.filter(name__istartswith=typed, merger__in=tags.values("pk")).order_by(by_name)
        add(synonyms.values_list("merger__name", "merger__type")[:limit])
    if len(found) < limit:
        holding = tags.filter(name__icontains=typed).exclude(name__istartswith=typed).order_by(by_name)
        add(holding.values_list("name", "type")[:limit])
    return list(found.items())


def suggestions(text: str, limit: int = SUGGESTION_LIMIT) -> list[str]:
    """Canonical tag names a reader may have meant by a name that is no tag: names holding what they typed, then
    close spellings ("Lisel von Trap" -> "Liesl von Trapp") among tags sharing its first two letters."""
    typed = _typed(text)
    names = [name for name, _ in complete(typed, limit=limit)]
    if len(names) < limit and len(typed) >= 3:
        nearby = _offered(None).filter(name__istartswith=typed[:2]).order_by(Lower("name"))
        by_lower = {name.lower(): name for name in nearby.values_list("name", flat=True)[:SPELLING_CANDIDATES]}
        for close in difflib.get_close_matches(typed.lower(), list(by_lower), n=limit, cutoff=0.75):
            if by_lower[close] not in names and len(names) < limit:
                names.append(by_lower[close])
    return names
