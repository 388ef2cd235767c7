"""Every listing of works goes through `render_listing`: all works and search, a tag's works, a creator's and a
pseud's works, a language's works. Each page view only says what the page is (its scope, heading, template)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from fanshelf.accounts.access import get_pseud, get_user_for_profile
from fanshelf.accounts.models import User
from fanshelf.discovery import listing
from fanshelf.discovery.forms import FilterForm
from fanshelf.discovery.listing import ListingScope
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


def render_listing(request: HttpRequest, page: ListingPage) -> HttpResponse:
    """The one listing view: parse the reader's filters, run them in the page's scope, render blurbs, pages,
    the filter form and facet counts. A query that cannot run re-renders the page with its message (400)."""
    context: dict[str, Any] = {"heading": page.heading, **page.context, "form": FilterForm(request.GET)}
    try:
        query = WorkQuery.from_params(request.GET)
        result = listing.run(page.scope, query, request.user)
    except QueryError as error:
        raw = {name: split_names(request.GET.getlist(name)) for name in ("include", "exclude")}
        return render(request, page.template, {**context, **raw, "error": str(error)}, status=400)
    params = listing.reader_params(query)
    context.update(
        form=FilterForm(listing.form_data(query, request.GET)),
        include=query.include,
        exclude=query.exclude,
        total=result.total,
        page_obj=listing.page_of(result, listing.works_in_order(result.work_ids, request.user)),
        query_prefix=listing.link(params)[1:],
        facets=listing.facet_groups(result, params, listing.hidden_facet_types(request)),
    )
    if query.page > result.pages:
        past_the_end = f"There is no page {query.page:,}: this listing has {result.pages:,}."
        return render(request, page.template, {**context, "error": past_the_end, "page_obj": None}, status=404)
    return render(request, page.template, context)


def home(request: HttpRequest) -> HttpResponse:
    """The front page: the latest works, through the same engine as every listing (no facets)."""
    result = listing.run(ListingScope(), WorkQuery(), request.user, facets=False)
    return render(request, "home.html", {"works": listing.works_in_order(result.work_ids, request.user)})


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
    return render_listing(request, ListingPage(heading, scope, "discovery/user_works.html", context))


def pseud_works(request: HttpRequest, username: str, pseud: str) -> HttpResponse:
    user = get_user_for_profile(username)
    target = get_pseud(user, pseud)
    context = {**_creator_context(request, user, (target.pk,)), "pseud": target}
    scope = ListingScope(pseud_ids=(target.pk,))
    return render_listing(request, ListingPage(f"Works by {target}", scope, "discovery/pseud_works.html", context))


def _creator_context(request: HttpRequest, user: User, pseud_ids: tuple[int, ...]) -> dict[str, Any]:
    """The profile owner, and (on the first page) the anonymous works this viewer may know are theirs."""
    first_page = request.GET.get("page", "1") in ("", "1")
    limit = settings.FANSHELF_WORKS_PER_PAGE
    anonymous = listing.anonymous_works_known_to(request.user, pseud_ids, limit) if first_page else []
    return {"profile_user": user, "is_owner": request.user.pk == user.pk, "anonymous_works": anonymous}
