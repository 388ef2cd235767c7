"""Text hits kept by their terms, for the engine's text searches (search.py).

A common word matches a tenth of the archive, and reading its matches and their scores took ~185 ms at a million
works (two rarer words, ~1 ms); every sort, page and filter of its listing reads the same hits. A work's score is
the sum of its terms' own (text.py), so each term's hits are read and kept on their own, and a search of several
terms is made from them: eleven common words make 66 pairs, each of which cost a read of its own before.

Kept hits carry the shared index's state they were read at; at a later state, the works changed since (the index
knows them: every change to a work's text moves it on) are read again and put in their place, so a work posted or
edited anywhere does not make every process read every common word again. The works not changed keep their scores
as read: the archive's size and the word's rarity, which weigh them, move a little with each change, so past
REREAD_AFTER changed works the term is read whole again.

Only hits of at least MANY_TEXT_HITS works are kept, so the cheap ones do not push the costly ones out, up to
FANSHELF_TEXT_MEMO_MB per process (a common word's take ~1.5 MB at a million works). A term read whole is stored
for the archive's other processes too, which start from it instead of reading it themselves (shared_hits.py); a
term that matched few works when last read is read again at once, with no turn to wait for and nothing stored to
look up.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from django.conf import settings

from fanshelf.core.memo import Memo
from fanshelf.discovery import shared_hits, text
from fanshelf.discovery.index import DiscoveryIndex


class _Kept(NamedTuple):
    hits: text.TextHits
    state: tuple[int, int]


_text_memo: Memo[_Kept] = Memo(
    settings.FANSHELF_TEXT_MEMO_MB << 20, weigh=lambda kept: kept.hits.ids.nbytes + kept.hits.scores.nbytes
)
# Whether a term matched fewer than MANY_TEXT_HITS works when last read whole (True) or not (False).
_few: Memo[bool] = Memo(16_384)
MANY_TEXT_HITS = 5_000
REREAD_AFTER = 1_000


def text_hits(phrases: Sequence[str], index: DiscoveryIndex) -> text.TextHits:
    """The text hits, kept when `index` is the shared one (another index, as a test builds, has no state)."""
    from fanshelf.discovery.live import state_if_shared

    state = state_if_shared(index)
    terms = text.terms_of(phrases)
    if len(terms) > 1:
        return text.all_of([_kept_hits((term,), state) for term in terms])
    return _kept_hits(terms, state)


def _kept_hits(terms: tuple[str, ...], state: tuple[int, int] | None) -> text.TextHits:
    """The terms' hits as of `state` (the shared index's, or None: read them now)."""
    if state is None:
        return text.search_terms(terms)
    kept = _brought_to(_text_memo.get(terms), terms, state)
    if kept is None and _few.get(terms):
        kept = _read_whole(terms, state, stored=False)
    if kept is None:
        with shared_hits.one_reader(terms):  # a reader of the same terms elsewhere on this machine goes first
            kept = _brought_to(_text_memo.get(terms), terms, state) or _read_whole(terms, state, stored=True)
    return kept.hits


def _brought_to(kept: _Kept | None, terms: tuple[str, ...], state: tuple[int, int]) -> _Kept | None:
    """Kept hits brought up to `state`: the works changed since read again; None past REREAD_AFTER or a rebuild."""
    from fanshelf.discovery.live import changed_since

    if kept is None or kept.state == state:
        return kept
    changed = changed_since(kept.state)
    if changed is None or len(changed) > REREAD_AFTER:
        return None
    again = text.search_terms(terms, among=changed.tolist())
    return _text_memo.put(terms, _Kept(text.replaced(kept.hits, changed, again), state))


def _read_whole(terms: tuple[str, ...], state: tuple[int, int], stored: bool) -> _Kept:
    """The terms' hits, from those another process stored (shared_hits.py, when `stored`) with the works changed
    since read again, or read whole and stored for the others; kept when they number MANY_TEXT_HITS or more."""
    from fanshelf.discovery.live import changed_after, text_mark

    mark = text_mark()  # before reading: whatever is read is at least this new
    found = shared_hits.load(terms) if stored else None
    changed = changed_after(found[1], REREAD_AFTER) if found is not None else None
    if found is not None and changed is not None:
        hits = text.replaced(found[0], np.asarray(changed), text.search_terms(terms, among=changed))
    else:
        hits = text.search_terms(terms)
        if len(hits.ids) >= MANY_TEXT_HITS:
            shared_hits.save(terms, hits, mark)
    many = len(hits.ids) >= MANY_TEXT_HITS
    _few.put(terms, not many)
    kept = _Kept(hits, state)
    return _text_memo.put(terms, kept) if many else kept


def store_common_terms() -> tuple[int, int]:
    """After a full rebuild of the text index, read the common terms (MANY_TEXT_HITS works or more) whole and store
    them for every process (shared_hits.py), as many as FANSHELF_TEXT_SHARED_MB holds: otherwise the first search
    of each common word after a rebuild reads it whole (~0.3 s at a million works) while every other search of it
    waits. The least common go first: they are the likelier search words (a word in nearly every work selects
    nothing), and the room holds more of them (at a million test works, 218 of 240). Returns (terms stored, terms
    left out for want of room)."""
    from fanshelf.discovery.live import outbox_tops

    shared_hits.forget()  # read before the rebuild: unusable now, and they would take the room
    mark = outbox_tops()[0]  # before catching up: the text table then holds every change up to it
    text.catch_up()
    room, stored = settings.FANSHELF_TEXT_SHARED_MB << 20, 0
    common = sorted(text.common_terms(MANY_TEXT_HITS), key=lambda term: term[1])
    for term, works in common:
        if works * 16 > room:  # an id and a score per work
            break
        terms = text.terms_of([term])
        hits = text.search_terms(terms)
        shared_hits.save(terms, hits, mark)
        room -= hits.ids.nbytes + hits.scores.nbytes
        stored += 1
    return stored, len(common) - stored


def clear() -> None:
    """Forget every kept hit and what is known of terms' sizes (as a process just started: tests)."""
    _text_memo.clear()
    _few.clear()
