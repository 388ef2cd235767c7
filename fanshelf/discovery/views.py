"""Every listing of works goes through `render_listing`: all works and search, a tag's works, a creator's and a
pseud's works, a language's works. Each page view only says what the page is (its scope, heading, template)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from fanshelf.accounts.access import get_pseud, get_user_for_profile
from fanshelf.accounts.models import User
from fanshelf.core.memo import Memo
from fanshelf.discovery import listing
from fanshelf.discovery.listing import ListingScope
from fanshelf.discovery.live import ensure_fresh, fresh_state
from fanshelf.discovery.query import QueryError, WorkQuery, split_names
from fanshelf.tags.access import get_tag_or_404
from fanshelf.tags.graph import neighbourhood
from fanshelf.works.languages import LANGUAGE_NAMES


@dataclass
class ListingPage:
    """What one kind of listing page is: its heading, fixed scope, template and extra context."""

    heading: str
    scope: ListingScope = field(default_factory=ListingScope)
    template: str = "discovery/listing.html"
    context: dict[str, Any] = field(default_factory=dict)
    shared_by_guests: bool = True  # everything on it comes from the index and the works (see `guest_page_key`)


# Whole listing pages as guests get them, by `guest_page_key`; ~70 KB each.
_guest_pages: Memo[bytes] = Memo(128)


def guest_page_key(request: HttpRequest, page: ListingPage) -> tuple[object, ...] | None:
    """What a guest's listing page depends on: its URL and the state of this process's index, which moves on with
    every applied outbox row and wrangling change (every write that changes a listing writes one). None when the
    page must be rendered: a signed-in reader (their page has their own header and preferences), a page that also
    shows things outside the index (a creator's profile), or a guest with a message waiting to be shown."""
    if request.user.is_authenticated or not page.shared_by_guests or request.method != "GET":
        return None
    if len(messages.get_messages(request)):
        return None
    ensure_fresh()
    return (fresh_state(), request.get_full_path(), timezone.get_current_timezone_name())


def render_listing(request: HttpRequest, page: ListingPage) -> HttpResponse:
    """The one listing view: parse the reader's filters, run them in the page's scope, render blurbs, pages,
    the filter form and facet counts. A query that cannot run re-renders the page with its message (400)."""
    key = guest_page_key(request, page)
    cached = _guest_pages.get(key) if key is not None else None
    if cached is not None:
        return HttpResponse(cached)
    response = _render_listing(request, page)
    if key is not None and response.status_code == 200:
        _guest_pages.put(key, response.content)
    return response


def _render_listing(request: HttpRequest, page: ListingPage) -> HttpResponse:
    context: dict[str, Any] = {"heading": page.heading, **page.context, "form_data": request.GET}
    try:
        query = WorkQuery.from_params(request.GET)
        result = listing.run(page.scope, query, request.user)
    except QueryError as error:
        raw = {name: split_names(request.GET.getlist(name)) for name in ("include", "exclude")}
        return render(request, page.template, {**context, **raw, "error": str(error)}, status=400)
    params = listing.reader_params(query)
    context.update(
        form_data=listing.form_data(query, request.GET),
        include=query.include,
        exclude=query.exclude,
        total=result.total,
        page_obj=listing.page_of(result, listing.blurbs_in_order(result.work_ids, request)),
        query_prefix=listing.link(params)[1:],
        facets_html=listing.facet_sidebar(result, params, listing.hidden_facet_types(request)),
    )
    if query.page > result.pages:
        past_the_end = f"There is no page {query.page:,}: this listing has {result.pages:,}."
        return render(request, page.template, {**context, "error": past_the_end, "page_obj": None}, status=404)
    return render(request, page.template, context)


def home(request: HttpRequest) -> HttpResponse:
    """The front page: the latest works, through the same engine as every listing (no facets)."""
    result = listing.run(ListingScope(), WorkQuery(), request.user, facets=False)
    return render(request, "home.html", {"blurbs": listing.blurbs_in_order(result.work_ids, request)})


def work_index(request: HttpRequest) -> HttpResponse:
    return render_listing(request, ListingPage("Works"))


def language_works(request: HttpRequest, language: str) -> HttpResponse:
    name = LANGUAGE_NAMES.get(language)
    if name is None:
        raise Http404("No works are written in that language here.")
    return render_listing(request, ListingPage(f"Works in {name}", ListingScope(language=language)))


def tag_works(request: HttpRequest, tag_name: str) -> HttpResponse:
    """A tag's works: its own, its synonyms' and its subtags', transitively. A synonym's page sends readers to
    its canonical's, filters kept."""
    tag = get_tag_or_404(tag_name)
    if tag.merger is not None:
        query = request.GET.urlencode()
        return redirect(tag.merger.get_absolute_url() + (f"?{query}" if query else ""))
    context = {"tag": tag, "related": neighbourhood(tag)}
    scope = ListingScope(include=(tag.name,))
    return render_listing(request, ListingPage(f"Works in {tag.name}", scope, "discovery/tag_works.html", context))


def user_works(request: HttpRequest, username: str) -> HttpResponse:
    user = get_user_for_profile(username)
    pseud_ids = tuple(user.pseuds.values_list("pk", flat=True))
    context = _creator_context(request, user, pseud_ids)
    scope = ListingScope(pseud_ids=pseud_ids or (0,))  # no pseuds (never, in practice) must not mean "everyone"
    heading = f"Works by {user.username}"
    page = ListingPage(heading, scope, "discovery/user_works.html", context, shared_by_guests=False)
    return render_listing(request, page)


def pseud_works(request: HttpRequest, username: str, pseud: str) -> HttpResponse:
    user = get_user_for_profile(username)
    target = get_pseud(user, pseud)
    context = {**_creator_context(request, user, (target.pk,)), "pseud": target}
    scope = ListingScope(pseud_ids=(target.pk,))
    page = ListingPage(f"Works by {target}", scope, "discovery/pseud_works.html", context, shared_by_guests=False)
    return render_listing(request, page)


def _creator_context(request: HttpRequest, user: User, pseud_ids: tuple[int, ...]) -> dict[str, Any]:
    """The profile owner, and (on the first page) the anonymous works this viewer may know are theirs."""
    first_page = request.GET.get("page", "1") in ("", "1")
    limit = settings.FANSHELF_WORKS_PER_PAGE
    anonymous = listing.anonymous_works_known_to(request.user, pseud_ids, limit) if first_page else []
    return {"profile_user": user, "is_owner": request.user.pk == user.pk, "anonymous_works": anonymous}
