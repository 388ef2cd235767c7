"""Work pages, memoised: the body once per work version and reader variant, the frame for every request.

A work page's body (work information, preface, chapter text and notes, series and related works) is the same for
every reader who passed (or needs no) adult gate, guest or signed in, but for its creators and the moderators
(their buttons, an anonymous work's names, a hidden work's notice) and for the sharing buttons (a gift to refuse,
an invitation to co-create), so it is rendered once and kept in a per-process memo (core.memo.Memo). What differs
per request or moves often is rendered for every request around it: the site's frame (header, messages, CSRF
tokens), the sharing buttons, the stats (hits, kudos, comments and bookmarks counts, read from the work's own row,
which the view loads anyway), the kudos box and the comments. The adult gate and the hit are decided for every
request before the memo is asked (works/reading.py).

The key is everything the body shows:
- the work's *version*: the highest id and the number of its outbox rows (`WorkChange`) other than count changes.
  Every write that changes what the body shows writes one (edits, chapters, tags and their wrangling, pseud
  renames, gifts, co-creators, audio, series membership, related works); the number catches a row that commits
  after a higher one was read. It is read on every request, before the body's data, so a body is never newer data
  under an older version.
- the chapter shown (or the entire work), and the reader variant: the time zone dates are shown in, and the path
  the site is served under (every link carries it);
- what the page shows of other works and of the site, read on every request because their changes do not name
  this work: its series (titles, neighbours), its parent and child works as this reader may see them, and whether
  downloads are on (and the work is listed for them).

A guest and a signed-in reader with the same key get the same body: nothing in it is theirs (blocks and mutes show
in the comments and listings, preferences in blurbs, all outside it). Creators and moderators never use it.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

from django.conf import settings
from django.db.models import Field
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from fanshelf.accounts.models import is_moderator
from fanshelf.core.memo import Memo
from fanshelf.core.prepared import fetch_all, fits_a_column
from fanshelf.works.models import (
    COUNT_ONLY_KINDS,
    Chapter,
    RelatedWork,
    SeriesEntry,
    Work,
    WorkChange,
)
from fanshelf.works.reader_body import reader_body

# Where the sharing buttons and the stats go in a memoised body: random per process, so no text a creator writes
# can stand for them.
SHARING_MARK = mark_safe(f"<!--sharing-{secrets.token_hex(8)}-->")
STATS_MARK = mark_safe(f"<!--stats-{secrets.token_hex(8)}-->")

# How the memo did, for tests and benchmarks: "served" from the memo, "rendered" into it.
counts: Counter[str] = Counter()


@dataclass
class SharedBody:
    """One memoised body, cut where the sharing buttons and the stats go; with what the frame's comments need of
    the chapters."""

    before_sharing: SafeString
    before_stats: SafeString
    after_stats: SafeString
    page_title: str
    chapter: Chapter | None
    chapters: list[Chapter]


_bodies: Memo[SharedBody] = Memo(512, name="works.page_memo")


def _memo_size() -> int:
    """FANSHELF_WORK_PAGE_MEMO, read for each request (tests and benchmarks switch it)."""
    size = int(getattr(settings, "FANSHELF_WORK_PAGE_MEMO", 512))
    _bodies.size = size
    return size


def serves(request: HttpRequest, work: Work, preview: bool) -> bool:
    """Whether this page may come from the memo: a posted work seen by anyone but its creators and the moderators,
    the memo switched on."""
    if _memo_size() <= 0 or preview or not work.posted:
        return False
    user = request.user
    return not user.is_authenticated or not (is_moderator(user) or work.is_created_by(user))


class Probe(NamedTuple):
    """What one query tells of a work before its page is served: its version, whether it is in a series, linked
    to related works, read aloud or commented on at all (when not, as for most works, those are not read; whether
    it has gifts comes with its row, works/blurb_data.py), and its kudos from users and from guests (the kudos
    line every page shows: a statement of its own before)."""

    version: tuple[int, int]
    in_series: bool
    related: bool
    audio: bool
    kudos: tuple[int, int]
    comments: bool

    def frame_context(self) -> dict[str, Any]:
        """What the page around the body takes from the probe: the kudos line's counts, and whether no comment was
        left at all (the comment section then reads none: comments/threads.py)."""
        return {"kudos_counts": self.kudos, "no_comments": not self.comments}


def _probe_columns() -> tuple[str, ...]:
    """The probe's columns, each a subquery of the work's id (`%s`). The kinds are the code's own constants, written
    into the text rather than bound, so both databases match the statement to the partial index `workchange_shown`
    (SQLite cannot prove a bound parameter implies an index's condition)."""
    if not all(kind.isidentifier() for kind in COUNT_ONLY_KINDS):
        raise ValueError(f"not a plain word among {COUNT_ONLY_KINDS}")
    kinds = ", ".join(f"'{kind}'" for kind in COUNT_ONLY_KINDS)
    audio_model = Chapter._meta.get_field("audio_files").related_model  # works may not import audio
    kudos_model = Work._meta.get_field("kudos").related_model  # nor community
    comments_model = Work._meta.get_field("comments").related_model  # nor comments
    changes, entries, links, chapters, audio, kudos, comments = (
        model._meta.db_table
        for model in (WorkChange, SeriesEntry, RelatedWork, Chapter, audio_model, kudos_model, comments_model)
    )
    giver = cast("Field[Any, Any]", kudos_model._meta.get_field("user")).column
    shown = f"FROM {changes} WHERE work_id = %s AND NOT (kind IN ({kinds}))"
    # Nothing but the code's own table names and words goes into them.
    return (
        f"(SELECT MAX(id) {shown})",
        f"(SELECT COUNT(*) {shown})",
        f"EXISTS (SELECT 1 FROM {entries} WHERE work_id = %s)",  # noqa: S608
        f"EXISTS (SELECT 1 FROM {links} WHERE child_id = %s OR parent_id = %s)",  # noqa: S608
        f"EXISTS (SELECT 1 FROM {audio} WHERE chapter_id IN (SELECT id FROM {chapters} WHERE work_id = %s))",  # noqa: S608
        f"(SELECT COUNT(*) FROM {kudos} WHERE work_id = %s AND {giver} IS NOT NULL)",  # noqa: S608
        f"(SELECT COUNT(*) FROM {kudos} WHERE work_id = %s AND {giver} IS NULL)",  # noqa: S608
        f"EXISTS (SELECT 1 FROM {comments} WHERE work_id = %s)",  # noqa: S608
    )


# Read with the work's row on its pages (works/access.py read_with_probe), alone elsewhere (`probe`).
PROBE_COLUMNS = _probe_columns()
PROBE_SQL = f"SELECT {', '.join(PROBE_COLUMNS)}"
_NO_WORK = Probe((0, 0), in_series=False, related=False, audio=False, kudos=(0, 0), comments=False)


def probe(work_id: int) -> Probe:
    """The work's version (the highest id and the number of its outbox rows that may change its body: every
    change but a count's) and whether it has series, related works or audio, in one query. What it finds
    none of is not read (audio added since moves the version on, so a body without it is kept under the
    version it belongs to). Read before the work itself, or in the statement that reads the work's row
    (works/access.py), so that a body rendered from that read is at least as new as the version it is kept under.
    A statement of its own, not a queryset: building that queryset cost more CPU than the rest of a memo hit.
    An id no database column holds names no work (the ORM's rule for such lookups): its page is then a 404."""
    if not fits_a_column(work_id):
        return _NO_WORK
    [row] = fetch_all(PROBE_SQL, [work_id] * PROBE_SQL.count("%s"))
    return probe_of(row)


def probe_of(row: Sequence[Any]) -> Probe:
    """The probe from the values of PROBE_COLUMNS, in their order."""
    top, number, in_series, related, audio, users, guests, comments = row
    flags = (bool(in_series), bool(related), bool(audio))
    return Probe((int(top or 0), int(number)), *flags, (int(users), int(guests)), bool(comments))


def shared_body(
    request: HttpRequest,
    work: Work,
    chapter: Chapter | None,
    entire: bool,
    version_and_surroundings: tuple[tuple[int, int], dict[str, Any]],
    make_context: Callable[[], dict[str, Any]],
) -> SharedBody:
    """The memoised body for this view, rendered when there is none. The work's version comes from `probe`,
    which the view read before the work and everything the body shows; the surroundings are what the body shows of
    other works (see the module's docstring); `make_context` builds the page's context."""
    version, surroundings = version_and_surroundings
    key = (
        work.pk,
        version,
        chapter.pk if chapter is not None else None,
        entire,
        timezone.get_current_timezone_name(),
        get_script_prefix(),  # every link in the body carries it
        _fingerprint(surroundings),
    )
    body = _bodies.get(key)
    if body is not None:
        counts["served"] += 1
        return body
    context = {**make_context(), "sharing_mark": SHARING_MARK, "stats_mark": STATS_MARK, "request": request}
    html = reader_body(context)
    if html is None:  # a page the Python body does not build (works/reader_body.py)
        html = render_to_string("works/_work_body.html", context, request)
    before_sharing, _, rest = html.partition(SHARING_MARK)
    before_stats, _, after_stats = rest.partition(STATS_MARK)
    shown = context["chapter"]
    body = SharedBody(
        mark_safe(before_sharing),  # the template's own output, cut in three
        mark_safe(before_stats),
        mark_safe(after_stats),
        context["page_title"],
        _light(shown) if shown is not None else None,
        [_light(each) for each in context["chapters"]],
    )
    counts["rendered"] += 1
    if "csrfmiddlewaretoken" in html:  # a form only this visitor may send: their page, never everyone's
        return body
    return _bodies.put(key, body)


def _fingerprint(surroundings: dict[str, Any]) -> tuple[object, ...]:
    """The surroundings as plain values: titles and places, not model instances (which compare by id alone)."""
    places = tuple(
        (
            place.series.pk,
            place.series.title,
            place.part,
            *(
                (neighbour.pk, neighbour.title) if neighbour else (None, "")
                for neighbour in (place.previous, place.next)
            ),
        )
        for place in surroundings["series_places"]
    )
    return (places, tuple(surroundings["parents"]), tuple(surroundings["children"]), surroundings["downloadable"])


def _light(chapter: Chapter) -> Chapter:
    """The chapter without its text: what the comments below the body read (its id, place and heading)."""
    return Chapter(
        pk=chapter.pk,
        work_id=chapter.work_id,
        position=chapter.position,
        title=chapter.title,
        posted=chapter.posted,
    )


def clear() -> None:
    _bodies.clear()
