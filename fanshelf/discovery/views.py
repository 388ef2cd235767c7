"""Every listing of works goes through `render_listing`: all works and search, a tag's works, a creator's and a
pseud's works, a language's works. Each page view only says what the page is (its scope, heading, template)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import conditional_escape, escape, format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe

from fanshelf.accounts.access import get_pseud, get_user_for_managing, get_user_for_profile
from fanshelf.accounts.models import User
from fanshelf.core import guest_frame
from fanshelf.core.memo import Memo
from fanshelf.core.pagination import paginate
from fanshelf.discovery import listing
from fanshelf.discovery.actions import save_exclusion_profile
from fanshelf.discovery.exclusion_forms import ExclusionForm
from fanshelf.discovery.exclusions import profile_values
from fanshelf.discovery.index import DiscoveryIndex
from fanshelf.discovery.listing import ListingScope
from fanshelf.discovery.listing_body import listing_body
from fanshelf.discovery.live import ensure_fresh, fresh_state, fresh_stats, fresh_stats_of, fresh_waiting
from fanshelf.discovery.models import ExclusionProfile
from fanshelf.discovery.query import QueryError, WorkQuery, split_names
from fanshelf.discovery.search import listed_tag_counts
from fanshelf.discovery.tagnames import COMPLETABLE_TYPES, MAX_TYPED, complete, suggestions
from fanshelf.tags import usage
from fanshelf.tags.access import get_tag_shown_to
from fanshelf.tags.fandoms import FandomCount, countable_fandoms, fandoms_by_medium
from fanshelf.tags.graph import neighbourhood
from fanshelf.works.languages import LANGUAGE_NAMES


@dataclass
class ListingPage:
    """What one kind of listing page is: its heading, fixed scope, body template and its extra context, and what
    goes into the page's <head>."""

    heading: str
    scope: ListingScope = field(default_factory=ListingScope)
    template: str = "discovery/listing_body.html"
    context: dict[str, Any] = field(default_factory=dict)
    memoisable: bool = True  # everything in its body comes from the index and the works (see `body_key`)
    head: str = ""


@dataclass(frozen=True)
class MemoisedBody:
    """A listing body with what decides whether it still holds when a stats batch has been applied since it was
    made, or a count change waits (see `render_listing`)."""

    html: SafeString
    work_ids: tuple[int, ...]  # the works it shows
    deciding: tuple[str, ...]  # the counts that decide its works or their order (`listing.counts_deciding`)
    stats: tuple[int, ...]  # per count deciding, the stats batch that last moved it, when it was made
    counted: tuple[int, ...]  # per work shown, the stats batch that last moved its counts, when it was made
    waiting: tuple[int, ...]  # per work shown, the outbox id of a count change waiting then (0: none)


class MadeBody(NamedTuple):
    html: SafeString
    status: int
    work_ids: tuple[int, ...]
    deciding: tuple[str, ...]  # the counts that decide which works it shows or their order


# Listing bodies (everything but the site's frame) by `body_key`; ~65 KB each.
_bodies: Memo[MemoisedBody] = Memo(128)


def body_key(request: HttpRequest, page: ListingPage) -> tuple[object, ...] | None:
    """What a listing's body depends on, counts aside: its URL, the reader's variant (`listing.reader_variant`)
    and the state of this process's index, which moves on with every applied outbox row and wrangling change but
    counts (every write that changes a listing writes one; call after `ensure_fresh`, which applies them). Counts
    are checked against the memoised body itself (`_still_true`). None for a body that also shows things from
    outside the index (a creator's profile and anonymous works)."""
    if not page.memoisable or request.method != "GET":
        return None
    return (fresh_state(), request.get_full_path(), listing.reader_variant(request))


def render_listing(request: HttpRequest, page: ListingPage) -> HttpResponse:
    """The one listing view: parse the reader's filters, run them in the page's scope, render blurbs, pages,
    the filter form and facet counts. A query that cannot run shows its message beside the form (400). The frame
    (header, messages, the reader's own links) is rendered for every request; the body is memoised."""
    index = ensure_fresh()  # once a request: the body is made from the index as it is now
    key = body_key(request, page)
    stats, waiting = fresh_stats(), fresh_waiting()  # taken before rendering: the body is at least as new
    memo = _bodies.get(key) if key is not None else None
    if memo is not None and _still_true(memo, request.user.is_authenticated, waiting):
        body, status = memo.html, 200
    else:
        made = _listing_body(request, page, index)
        body, status, shown = made.html, made.status, made.work_ids
        if key is not None and status == 200 and fresh_stats() == stats:  # no stats batch landed meanwhile
            deciding = made.deciding
            memo = MemoisedBody(
                body, shown, deciding, fresh_stats_of(deciding), listing.counted_in(shown), _waiting_on(shown, waiting)
            )
            _bodies.put(key, memo)
    if guest_frame.fits(request):  # the page discovery/listing.html gives, in the kept frame
        framed = guest_frame.page(request, _title(page.heading), conditional_escape(page.head), body)
        return HttpResponse(framed, status=status)
    frame = {"heading": page.heading, "head": page.head, "body": body}
    return render(request, "discovery/listing.html", frame, status=status)


def _title(heading: str) -> SafeString:
    """discovery/listing.html's title: the heading without its tags (still HTML when the heading was, as
    `striptags` leaves it), then the site's name."""
    plain = strip_tags(heading)
    return (mark_safe(plain) if isinstance(heading, SafeString) else escape(plain)) + escape(f" - {settings.SITE_NAME}")


def _still_true(memo: MemoisedBody, signed_in: bool, waiting: Mapping[int, int]) -> bool:
    """Whether a memoised body still shows what a new one would, as far as counts go: until a stats batch (at most
    every FANSHELF_STATS_REFRESH_SECONDS, however many hits in between) moves the counts of a work it shows, or,
    when sorted or filtered by some counts, moves those counts of any work (a batch of hits alone leaves a listing
    sorted by kudos as it was). And for a signed-in reader, only while no count change waits on one of its works
    that was not waiting when it was made: it may be their own kudos, comment or bookmark, which the work page
    already shows (guests share bodies until the batch)."""
    if memo.deciding and fresh_stats_of(memo.deciding) != memo.stats:
        return False
    if listing.counted_in(memo.work_ids) != memo.counted:
        return False
    return not signed_in or _waiting_on(memo.work_ids, waiting) == memo.waiting


def _waiting_on(work_ids: tuple[int, ...], waiting: Mapping[int, int]) -> tuple[int, ...]:
    return tuple(waiting.get(work_id, 0) for work_id in work_ids)


def _listing_body(request: HttpRequest, page: ListingPage, index: DiscoveryIndex) -> MadeBody:
    context: dict[str, Any] = {"heading": page.heading, **page.context, "form_data": request.GET}
    shown: tuple[int, ...] = ()
    deciding: tuple[str, ...] = ()

    def body(status: int, **extra: Any) -> MadeBody:
        values = {**context, **extra}
        built = listing_body(page.template, {**values, "user": request.user})
        html = mark_safe(built if built is not None else render_to_string(page.template, values, request))
        return MadeBody(html, status, shown, deciding)

    try:
        query = WorkQuery.from_params(request.GET)
        result = listing.run(page.scope, query, request.user, index=index)
    except QueryError as error:
        raw = {name: split_names(request.GET.getlist(name)) for name in ("include", "exclude")}
        return body(400, **raw, error=str(error))
    params = listing.reader_params(query)
    shown, deciding = tuple(result.work_ids), listing.counts_deciding(result.query)
    context.update(
        form_data=listing.form_data(query, request.GET),
        include=(*query.include, *query.other_include),  # names searched as text stay in the form too
        exclude=(*query.exclude, *query.other_exclude),
        total=result.total,
        page_obj=listing.page_of(result, listing.blurbs_in_order(result.work_ids, request)),
        query_prefix=listing.link(params)[1:],
        facets_html=listing.facet_sidebar(result, params, listing.hidden_facet_types(request)),
        other_names=_other_names(query, params),
        exclusion_line=listing.exclusion_line(result, params, request.user),
    )
    if query.page > result.pages:
        past_the_end = f"There is no page {query.page:,}: this listing has {result.pages:,}."
        return body(404, error=past_the_end, page_obj=None)
    return body(200)


@dataclass(frozen=True)
class OtherName:
    """A name typed as a tag that is no canonical tag, so it was searched as text; with the tags it may mean,
    each as a link to the same listing with that tag in its place."""

    name: str
    kind: str  # "include" or "exclude"
    suggestions: list[tuple[str, str]]  # (tag name, listing link)


# Names given "did you mean" links, at most: each costs a few tag queries, and a query may hold 60 names.
SUGGESTED_NAMES = 5


def _other_names(query: WorkQuery, params: list[tuple[str, str]]) -> list[OtherName]:
    found: list[OtherName] = []
    for kind, names in (("include", query.other_include), ("exclude", query.other_exclude)):
        for name in names:
            meant = suggestions(name) if len(found) < SUGGESTED_NAMES else []
            links = [
                (tag, listing.link([(key, tag if (key, value) == (kind, name) else value) for key, value in params]))
                for tag in meant
            ]
            found.append(OtherName(name, kind, links))
    return found


def tag_names(request: HttpRequest) -> JsonResponse:
    """Completions for a tag box: canonical tags for `term` (what has been typed), of one `type` if given, as
    JSON {"tags": [{"name", "type"}]}. Canonical tags are public, so the answer is the same for everyone."""
    term = request.GET.get("term", "")
    tag_type = request.GET.get("type", "")
    if tag_type and tag_type not in COMPLETABLE_TYPES:
        return JsonResponse({"error": f"Tags are completed for {', '.join(sorted(COMPLETABLE_TYPES))}."}, status=400)
    if len(term) > MAX_TYPED:
        return JsonResponse({"error": f"A tag name has at most {MAX_TYPED} characters."}, status=400)
    tags = complete(term, tag_type or None)
    return JsonResponse({"tags": [{"name": name, "type": kind} for name, kind in tags]})


def home(request: HttpRequest) -> HttpResponse:
    """The front page: the latest works, through the same engine as every listing (no facets)."""
    result = listing.run(ListingScope(), WorkQuery(), request.user, facets=False)
    return render(request, "home.html", {"blurbs": listing.blurbs_in_order(result.work_ids, request)})


def work_index(request: HttpRequest) -> HttpResponse:
    return render_listing(request, ListingPage("Works"))


def fandoms(request: HttpRequest) -> HttpResponse:
    """Every fandom with works this reader may find, by medium (tags/fandoms.py), counted by the index."""
    shown = countable_fandoms(request.user)
    counts = listed_tag_counts([fandom.pk for fandom in shown], request.user)
    groups = fandoms_by_medium(shown, {pk: works for pk, (works, _) in counts.items()})
    return render(request, "tags/fandoms.html", {"groups": groups})


def uncategorized_fandoms(request: HttpRequest) -> HttpResponse:
    """Fandoms nobody has filed under a medium yet, by name, with their works as their listings hold them."""
    fandoms = list(usage.uncategorized_fandoms(request.user))
    counts = listed_tag_counts([fandom.pk for fandom in fandoms], request.user)
    shown = [FandomCount(fandom, counts[fandom.pk][0]) for fandom in fandoms if fandom.pk in counts]
    return render(request, "tags/uncategorized.html", {"page_obj": paginate(request, shown, per_page=100)})


def language_works(request: HttpRequest, language: str) -> HttpResponse:
    name = LANGUAGE_NAMES.get(language)
    if name is None:
        raise Http404("No works are written in that language here.")
    return render_listing(request, ListingPage(f"Works in {name}", ListingScope(language=language)))


def tag_works(request: HttpRequest, tag_name: str) -> HttpResponse:
    """A tag's works: its own, its synonyms' and its subtags', transitively. A synonym's page sends readers to
    its canonical's, filters kept."""
    tag = get_tag_shown_to(tag_name, request.user)
    if tag.merger is not None:
        query = request.GET.urlencode()
        return redirect(tag.merger.get_absolute_url() + (f"?{query}" if query else ""))
    context = {"tag": tag, "related": neighbourhood(tag)}
    scope = ListingScope(include=(tag.name,))
    feed = ""
    if tag.canonical:
        href = reverse("downloads:tag_feed", args=[tag.url_part])
        title = f"Latest works in {tag.name}"
        feed = format_html('<link rel="alternate" type="application/atom+xml" title="{}" href="{}">', title, href)
    page = ListingPage(
        format_html("Works in <bdi>{}</bdi>", tag.name), scope, "discovery/tag_works.html", context, head=feed
    )
    return render_listing(request, page)


def user_works(request: HttpRequest, username: str) -> HttpResponse:
    user = get_user_for_profile(username)
    pseud_ids = tuple(user.pseuds.values_list("pk", flat=True))
    context = _creator_context(request, user, pseud_ids)
    scope = ListingScope(pseud_ids=pseud_ids or (0,))  # no pseuds (never, in practice) must not mean "everyone"
    heading = format_html("Works by <bdi>{}</bdi>", user.username)
    page = ListingPage(heading, scope, "discovery/user_works.html", context, memoisable=False)
    return render_listing(request, page)


def pseud_works(request: HttpRequest, username: str, pseud: str) -> HttpResponse:
    user = get_user_for_profile(username)
    target = get_pseud(user, pseud)
    context = {**_creator_context(request, user, (target.pk,)), "pseud": target}
    scope = ListingScope(pseud_ids=(target.pk,))
    page = ListingPage(
        format_html("Works by <bdi>{}</bdi>", target), scope, "discovery/pseud_works.html", context, memoisable=False
    )
    return render_listing(request, page)


def _creator_context(request: HttpRequest, user: User, pseud_ids: tuple[int, ...]) -> dict[str, Any]:
    """The profile owner, and (on the first page) the anonymous works this viewer may know are theirs."""
    first_page = request.GET.get("page", "1") in ("", "1")
    limit = settings.FANSHELF_WORKS_PER_PAGE
    anonymous = listing.anonymous_works_known_to(request.user, pseud_ids, limit) if first_page else []
    return {"profile_user": user, "is_owner": request.user.pk == user.pk, "anonymous_works": anonymous}


def exclusions(request: HttpRequest, username: str) -> HttpResponse:
    """The owner's exclusion profile: standing filters every listing, count, search, feed and catalogue they see
    applies (docs/exclusions.md)."""
    user = get_user_for_managing(request, username)
    profile = ExclusionProfile.objects.filter(user=user).first()
    initial = profile_values(profile) if profile is not None else {}
    form = ExclusionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            save_exclusion_profile(user, form.choices())
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                form.add_error(name if name in form.fields else None, problems)
        else:
            messages.success(request, "Your filters were saved. Every listing now leaves those works out.")
            return redirect("discovery:exclusions", user.username)
    status = 400 if request.method == "POST" else 200
    return render(request, "discovery/exclusions.html", {"profile_user": user, "form": form}, status=status)
