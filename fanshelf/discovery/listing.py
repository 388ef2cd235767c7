"""One listing, whatever the page: a page's fixed scope (a tag, a creator's pseuds, a language) merged with the
reader's filters from the URL, run through the engine, and turned into what the listing template shows.

The reader's own parameters and the page's scope are kept apart: links (next page, a facet, the sort) carry only
the reader's parameters, so a tag page's links never repeat the tag as `include=`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus, urlencode

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page, Paginator
from django.db.models import F, QuerySet
from django.http import HttpRequest, QueryDict
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from fanshelf.accounts.models import Pseud, is_moderator
from fanshelf.core.memo import Memo
from fanshelf.core.numbers import grouped
from fanshelf.core.prepared import MAX_VALUES, Prepared, loaded
from fanshelf.discovery import exclusions
from fanshelf.discovery.index import COUNT_FIELDS, DiscoveryIndex
from fanshelf.discovery.live import ensure_fresh, fresh_state, fresh_stats_of, fresh_versions
from fanshelf.discovery.query import Range, WorkQuery
from fanshelf.discovery.reader_sets import shelf_version
from fanshelf.discovery.search import FacetCount, SearchResult, execute
from fanshelf.tags.models import TagType
from fanshelf.works.blurb_data import BLURB_COLUMNS, attach_read, blurb_columns
from fanshelf.works.blurbs import html_text, render_blurb, setting, with_updated_marker
from fanshelf.works.models import BLURB_FIELDS, Work

if TYPE_CHECKING:
    from fanshelf.works.models import Viewer

# Facet groups in the order the sidebar shows them, with their headings.
FACET_HEADINGS: dict[str, str] = {
    TagType.RATING: "Ratings",
    TagType.WARNING: "Archive Warnings",
    TagType.CATEGORY: "Categories",
    TagType.FANDOM: "Fandoms",
    TagType.RELATIONSHIP: "Relationships",
    TagType.CHARACTER: "Characters",
    TagType.FREEFORM: "Additional Tags",
}


@dataclass(frozen=True)
class ListingScope:
    """What the page itself implies, whatever the reader filters: a tag page includes its tag, a creator page
    limits to the creator's pseuds (non-anonymous credits), a language page to its language."""

    include: tuple[str, ...] = ()
    pseud_ids: tuple[int, ...] = ()
    language: str = ""

    def applied_to(self, query: WorkQuery) -> WorkQuery:
        include = tuple(dict.fromkeys((*self.include, *query.include)))
        return replace(
            query,
            include=include,
            pseud_ids=self.pseud_ids,
            language=self.language or query.language,
            per_page=settings.FANSHELF_WORKS_PER_PAGE,
        )


def link(params: Sequence[tuple[str, str]], *extra: tuple[str, str]) -> str:
    """A query string: the reader's parameters (page left out, so a link starts at page 1) plus `extra`."""
    return "?" + urlencode([*params, *extra])


def reader_params(query: WorkQuery) -> list[tuple[str, str]]:
    """The reader's own parameters, page left out (each link sets its own)."""
    return [(key, value) for key, value in query.to_params() if key != "page"]


def run(
    scope: ListingScope, query: WorkQuery, viewer: Viewer, *, facets: bool = True, index: DiscoveryIndex | None = None
) -> SearchResult:
    """The query within the page's scope, against an index with every committed change applied (two indexed
    queries when nothing changed; `index`: what the caller's `ensure_fresh` gave earlier in the same request), so a
    reader always sees their own last write. A guest's facet counts come from the memo when the same filters were
    counted at this state of the index (`facet_key`)."""
    scoped = scope.applied_to(query)
    index = ensure_fresh() if index is None else index
    key = facet_key(scoped, viewer) if facets else None
    known = _facet_counts.get(key) if key is not None else None
    result = execute(scoped, viewer, index, facets=facets and known is None)
    if known is not None:
        return replace(result, facets=known)
    if key is not None:  # counted at this state or a newer one (another thread may have applied more since)
        _facet_counts.put(key, result.facets)
    return result


# Facet counts by `facet_key`: they are the most costly part of running a broad query (~4 ms for a big fandom at
# a million works), and the same for every page and sort of its listing.
_facet_counts: Memo[dict[str, list[FacetCount]]] = Memo(1024)


def facet_key(query: WorkQuery, viewer: Viewer) -> tuple[object, ...] | None:
    """What a guest's facet counts depend on: the filters (not the page, sort or direction, which only order and
    cut the same works), the index's state, which moves with every applied change but counts, and the last stats
    batch that moved each count a range filters by (call after `ensure_fresh`). None for a signed-in reader,
    whose mutes, exclusion profile and shelves make theirs their own, and for text searches, whose words are read
    from the database's text index rather than this process's index."""
    if viewer.is_authenticated or query.phrases or query.excluded_phrases:
        return None
    filters = replace(query, sort="", direction=None, page=1, per_page=0)
    ranged = tuple(name for name in COUNT_FIELDS if getattr(query, name) != Range())
    return (fresh_state(), fresh_stats_of(ranged), filters)


def counts_deciding(query: WorkQuery) -> tuple[str, ...]:
    """The counts that decide which works a listing shows or their order (a sort or a range by kudos, hits,
    comments or bookmarks, from the form or the search text), not only the figures its blurbs show."""
    return tuple(name for name in COUNT_FIELDS if query.sort == name or getattr(query, name) != Range())


def counted_in(work_ids: Sequence[int]) -> tuple[int, ...]:
    """Per work, the stats batch that last moved its counts (call after `ensure_fresh`)."""
    return tuple(version[2] for version in fresh_versions(work_ids))


# Listing blurbs by work, version and reader variant (see `blurbs_in_order`), up to FANSHELF_BLURB_MEMO_MB of their
# text (~2.5 KB each): the works of a busy archive's listings are many more than a few thousand.
_blurbs: Memo[SafeString] = Memo(settings.FANSHELF_BLURB_MEMO_MB << 20, weigh=len)


def reader_variant(request: HttpRequest) -> tuple[object, ...]:
    """Everything about the reader a blurb depends on: whether they may see an anonymous work's creators (they
    made it, or moderate), which tags their preferences hide, and their time zone; and the path the site is served
    under, which every link carries. Guests all share one."""
    user = request.user
    zone = (timezone.get_current_timezone_name(), get_script_prefix())
    if not user.is_authenticated:
        return ("guest", zone)
    preferences = (getattr(user, "show_warnings", True), getattr(user, "show_freeforms", True))
    # Shelf filters answer from the reader's shelves, which change without moving the index: key by their version.
    shelves = shelf_version(user) if "shelf" in request.GET or "hide_shelf" in request.GET else ""
    # Mutes and the exclusion profile change without moving the index either: their versions too.
    return (user.pk, is_moderator(user), preferences, zone, shelves, exclusions.variant(user))


def blurbs_in_order(work_ids: list[int], request: HttpRequest) -> list[SafeString]:
    """The page's blurbs in the engine's order. `listed_for` again: if the index lags a moment behind a moderator's
    hide, the work is still not shown (one query for the memoised blurbs; the works read for the others are read
    through it). Blurbs are memoised by work version (which every change to what a blurb shows moves on) and reader
    variant. A guest's blurb shows counts as of the last stats batch (or newer); a signed-in reader's is keyed by
    the count changes still waiting too, so their own kudos, comment or bookmark shows in the count at once."""
    viewer = request.user
    variant = reader_variant(request)
    versions = fresh_versions(work_ids, waiting=viewer.is_authenticated)
    keys = {pk: (pk, version, variant) for pk, version in zip(work_ids, versions, strict=True)}
    found = {pk: html for pk in work_ids if (html := _blurbs.get(keys[pk])) is not None}
    if found:  # memoised blurbs are shown only while their works are listed
        listed = {row[0] for row in _listed(viewer, "ids", list(found))}
        found = {pk: html for pk, html in found.items() if pk in listed}
    missing = [pk for pk in work_ids if pk not in found]
    if missing:  # read and checked in one query: a page seen for the first time reads its works once
        rows = _listed(viewer, "rows", missing)
        works = [loaded(Work, BLURB_FIELDS, row[: len(BLURB_FIELDS)]) for row in rows]
        attach_read(works, [row[len(BLURB_FIELDS) :] for row in rows])
        where = setting()
        for work in works:
            found[work.pk] = _blurbs.put(keys[work.pk], render_blurb(work, viewer, where))
    shown = [pk for pk in work_ids if pk in found]
    updated = updated_since_read(viewer, shown)
    return [with_updated_marker(found[pk]) if pk in updated else found[pk] for pk in shown]


def _guests_listed(shape: tuple[str, int], *work_ids: int) -> QuerySet[Any]:
    return _rows_or_ids(Work.objects.filter(pk__in=work_ids).listed_for(AnonymousUser()), shape[0])


# A guest's check of which works are still listed, and their rows: compiled once per size of the list (rows_in).
_guests_listing = Prepared(_guests_listed)


def _listed(viewer: Viewer, what: str, work_ids: list[int]) -> list[tuple[Any, ...]]:
    """Of these works, those listed for the viewer: as their ids ("ids") or the fields their blurbs read ("rows")."""
    if not viewer.is_authenticated and len(work_ids) <= MAX_VALUES:
        return _guests_listing.rows_in(what, work_ids)
    return list(_rows_or_ids(Work.objects.filter(pk__in=work_ids).listed_for(viewer), what))


def _rows_or_ids(listed: QuerySet[Work], what: str) -> QuerySet[Any]:
    """The works' ids, or ("rows") the fields their blurbs read and what they show besides (works/blurb_data.py)."""
    if what != "rows":
        return listed.values_list("pk")
    return listed.annotate(**blurb_columns()).values_list(*BLURB_FIELDS, *BLURB_COLUMNS)


def updated_since_read(viewer: Viewer, work_ids: list[int]) -> set[int]:
    """Which of these works had a chapter posted after the reader last opened them (the reading app's history,
    looked up by name as reader_sets.py does: discovery and reading do not import each other). One query for the
    page; none for a guest or a reader who keeps no history."""
    if not viewer.is_authenticated or not getattr(viewer, "keep_history", False) or not work_ids:
        return set()
    try:
        reading = apps.get_model("reading", "Reading")
    except LookupError:  # the reading app is not installed: nobody has a history
        return set()
    read = reading.objects.filter(user_id=viewer.pk, work_id__in=work_ids, work__revised_at__gt=F("last_read_at"))
    return set(read.values_list("work_id", flat=True))


def page_of(result: SearchResult, blurbs: list[SafeString]) -> Page:  # type: ignore[type-arg]
    """A Django Page over the exact total (works/work_list.html and its pagination read it)."""
    paginator = Paginator(range(result.total), result.query.per_page)
    return Page(blurbs, result.query.page, paginator)


# The facet sidebar's HTML by everything it shows: its ~70 links are most of a warm listing page's work.
_sidebars: Memo[SafeString] = Memo(1024)


def facet_sidebar(result: SearchResult, params: Sequence[tuple[str, str]], hidden_types: Sequence[str]) -> SafeString:
    """`facet_html`, memoised by the counts, the reader's parameters and the hidden facet types."""
    counts = tuple((t, tuple((f.name, f.count) for f in facets)) for t, facets in result.facets.items())
    key = (counts, tuple(params), result.query.include, tuple(hidden_types))
    return _sidebars.get_or_make(key, lambda: facet_html(result, params, hidden_types))


def facet_html(result: SearchResult, params: Sequence[tuple[str, str]], hidden_types: Iterable[str] = ()) -> SafeString:
    """The sidebar: the top tags per type over all results, each linking to the listing with it included and
    with it excluded; tags every result carries because they are included are left out. Built in Python, as the
    blurbs are (works/blurbs.py): through a template a sidebar took ~3 ms, a tenth of a listing seen first."""
    included = set(result.query.include)
    skipped = set(hidden_types)
    start = html_text(link(params) + ("&" if params else ""))  # the reader's part, encoded and escaped once
    groups = []
    for tag_type, heading in FACET_HEADINGS.items():
        shown = [f for f in result.facets.get(tag_type, []) if f.name and f.name not in included]
        if not shown or tag_type in skipped:
            continue
        links = "".join(_facet_item(start, facet) for facet in shown)
        groups.append(
            f'<h3 id="facet-{tag_type}">{html_text(heading)}</h3>\n'
            f'<ul aria-labelledby="facet-{tag_type}">\n{links}</ul>\n'
        )
    if not groups:
        return SafeString()
    html = (
        '<section class="facets" aria-labelledby="facets-heading">\n<h2 id="facets-heading">Narrow down</h2>\n'
        f"{''.join(groups)}</section>"
    )
    return mark_safe(html)  # this function's own markup around escaped names and links


def _facet_item(start: str, facet: FacetCount) -> str:
    """A facet's two links, to include and to exclude it: its name quoted once for both (as `urlencode` quotes a
    value: nothing is left that HTML would read) and escaped once for its text."""
    name, value = html_text(facet.name), quote_plus(facet.name)
    return (
        f'<li><a href="{start}include={value}" rel="nofollow"><bdi>{name}</bdi> ({grouped(facet.count)})</a> '
        f'<a href="{start}exclude={value}" rel="nofollow" class="exclude" aria-label="Exclude {name}">exclude</a>'
        "</li>\n"
    )


def hidden_facet_types(request: HttpRequest) -> list[str]:
    """Facet groups the reader's preferences keep out of listings: warnings and additional tags."""
    user = request.user
    if not user.is_authenticated:
        return []
    hidden: list[str] = [] if getattr(user, "show_warnings", True) else [TagType.WARNING]
    return hidden + ([] if getattr(user, "show_freeforms", True) else [TagType.FREEFORM])


def form_data(query: WorkQuery | None, raw: QueryDict) -> QueryDict:
    """What the filter form shows: the parsed query, normalised (rating codes as names, synonyms as their
    canonical), or, when the query could not be parsed, exactly what the reader typed, so they can fix it."""
    if query is None:
        return raw
    data = QueryDict(mutable=True)
    for key, value in query.to_params():
        data.appendlist(key, value)
    return data


def anonymous_works_known_to(viewer: Viewer, pseud_ids: Sequence[int], limit: int) -> list[Work]:
    """Anonymous works credited to these pseuds that this viewer may know are theirs: their own, or any for a
    moderator. The index never files anonymous works under pseuds (so no filter can reveal them), which is why a
    creator page lists these apart for the few who may see them: newest first, unfiltered, at most `limit`."""
    if not viewer.is_authenticated:
        return []
    pseuds = Pseud.objects.filter(pk__in=list(pseud_ids))
    known = Work.objects.listed_for(viewer).by_pseuds(pseuds, viewer).filter(anonymous=True)
    return list(known.for_blurbs().newest_first()[:limit])


@dataclass(frozen=True)
class ExclusionLine:
    """The line above a listing's results saying how many works the reader's exclusion profile hid, with the
    switch: the same listing with `exclusions=off` (or back on)."""

    on: bool
    hidden: int
    switch_url: str
    edit_url: str


def exclusion_line(result: SearchResult, params: Sequence[tuple[str, str]], viewer: Viewer) -> ExclusionLine | None:
    """None for a guest or a reader without an exclusion profile."""
    if not result.exclusions:
        return None
    edit_url = reverse("discovery:exclusions", args=[getattr(viewer, "username", "")])
    kept = [(key, value) for key, value in params if key != "exclusions"]
    if result.exclusions == "on":
        return ExclusionLine(True, result.hidden, link(kept, ("exclusions", "off")), edit_url)
    return ExclusionLine(False, 0, link(kept), edit_url)
