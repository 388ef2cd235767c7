"""Finding one's way: the header on every page, the dashboard, why a guest is sent to log in, why a 403,
numbered pages above and below a list, and a listing whose filters come before its results."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client
from django.urls import reverse, set_script_prefix

from fanshelf.accounts.models import User
from fanshelf.works.series import add_to_series
from tests.core.pages import parse, unsafe_parts_of_page
from tests.factories import make_work

pytestmark = pytest.mark.django_db


def test_every_page_has_a_search_box_that_searches_the_filterable_works_listing(guest: Client, author: User) -> None:
    work = make_work(author, title="Lamplight Harbour")
    for url in (reverse("home"), work.get_absolute_url(), reverse("account_login"), reverse("discovery:fandoms")):
        header = parse(guest.get(url).content.decode()).select_one("header")
        assert header is not None
        search = header.select_one("form[role=search]")
        assert search is not None, f"no search box on {url}"
        assert search["action"] == reverse("discovery:works")
        assert search.select_one("input[name=q]") is not None
        works_links = [a["href"] for a in header.select("nav a") if a.get_text(strip=True) == "Works"]
        assert works_links == [reverse("discovery:works")], url

    results = parse(guest.get(reverse("discovery:works"), {"q": "Lamplight"}).content.decode())
    assert [h.get_text(" ", strip=True) for h in results.select(".listing-results .blurb h3 a")][:1] == [
        "Lamplight Harbour"
    ]


def test_a_guest_sent_to_log_in_for_a_work_is_told_why(guest: Client, author: User) -> None:
    work = make_work(author, title="Members Only Tide", restricted=True)

    response = guest.get(work.get_absolute_url(), follow=True)

    assert response.request["PATH_INFO"] == reverse("account_login")
    messages = [li.get_text(strip=True) for li in parse(response.content.decode()).select(".messages li")]
    assert messages == ["This work is only for registered users. Log in to read it."]


def test_a_refusal_says_why_rather_than_only_no_permission(reader_client: Client, author: User) -> None:
    response = reader_client.get(reverse("accounts:preferences", args=[author.username]))

    assert response.status_code == 403
    assert "Only the account owner may change this." in response.content.decode()


def test_the_dashboard_links_everything_its_owner_has(author_client: Client, author: User) -> None:
    work = make_work(author, title="Harbour Songs")
    add_to_series(work, author, "The Harbour Cycle")

    page = parse(author_client.get(reverse("accounts:dashboard", args=[author.username])).content.decode())

    links = {a.get_text(strip=True): a["href"] for a in page.select("nav[aria-label='Your account'] a")}
    assert links["My works"] == reverse("discovery:user_works", args=[author.username])
    assert links["My drafts"] == reverse("works:drafts")
    assert links["Works citing yours"] == reverse("works:related_links")
    assert links["Manage pseuds"] == reverse("accounts:pseuds", args=[author.username])
    assert links["Access tokens"] == reverse("accounts:tokens", args=[author.username])
    assert links["Preferences"] == reverse("accounts:preferences", args=[author.username])
    series = [a.get_text(strip=True) for a in page.select("section[aria-labelledby=series-heading] li a")]
    assert series == ["The Harbour Cycle"]


def test_a_series_of_drafts_is_not_shown_on_its_creators_dashboard_to_others(
    reader_client: Client, author_client: Client, author: User
) -> None:
    draft = make_work(author, title="Not Yet", post=False)
    add_to_series(draft, author, "Secret Cycle")
    url = reverse("accounts:dashboard", args=[author.username])

    assert "Secret Cycle" in author_client.get(url).content.decode()
    assert "Secret Cycle" not in reader_client.get(url).content.decode()


def test_long_listings_have_numbered_pages_above_and_below_the_works(
    guest: Client, author: User, settings: object
) -> None:
    settings.FANSHELF_WORKS_PER_PAGE = 1  # type: ignore[attr-defined]
    for number in range(7):
        make_work(author, title=f"Tide {number}")

    page = parse(guest.get(reverse("discovery:works"), {"sort": "title", "page": "4"}).content.decode())

    pagers = page.select(".listing-results nav.pagination")
    assert len(pagers) == 2
    blurbs = page.select_one(".listing-results ol.blurbs")
    assert blurbs is not None
    assert pagers[0].find_next("ol", class_="blurbs") is blurbs
    assert blurbs.find_next("nav", class_="pagination") is pagers[1]
    assert len({pager["aria-label"] for pager in pagers}) == 2  # two landmarks, two names
    for pager in pagers:
        shown = [item.get_text(" ", strip=True).removeprefix("Page ") for item in pager.select("ol li")]
        assert shown == ["← Previous", "1", "2", "3", "4", "5", "6", "7", "Next →"]
        current = pager.select_one("[aria-current=page]")
        assert current is not None
        assert current.get_text(" ", strip=True) == "Page 4"
        jump = next(a for a in pager.select("a") if a.get_text(" ", strip=True) == "Page 6")
        assert dict(parse_qsl(urlsplit(str(jump["href"])).query)) == {"sort": "title", "page": "6"}


def test_a_listings_filters_come_before_its_results_behind_a_filter_toggle_with_facets_first(
    guest: Client, author: User
) -> None:
    make_work(author, title="Tide", characters=["Mira Vance"])

    page = parse(guest.get(reverse("discovery:works")).content.decode())

    listing = page.select_one(".listing")
    assert listing is not None
    toggle, results = listing.find_all(recursive=False)
    assert toggle.name == "details"
    assert toggle.summary.get_text(strip=True) == "Filter"
    assert "listing-results" in results["class"]
    sidebar = toggle.select_one("aside")
    assert sidebar is not None
    facets, form = sidebar.select_one("section.facets"), sidebar.select_one("form.filters")
    assert facets is not None
    assert form is not None
    assert facets.find_next("form", class_="filters") is form
    assert form.find_parent("details")["class"] == ["filter-form-toggle"]


def _served_under(prefix: str, path: str) -> str:
    """A GET through Django's WSGI handler, as a server behind a proxy passes it (the test client sets no prefix)."""
    environ: dict[str, Any] = {"SCRIPT_NAME": prefix, "PATH_INFO": path, "HTTP_HOST": "testserver"}
    setup_testing_defaults(environ)
    answered: list[str] = []
    try:
        body = WSGIHandler()(environ, lambda status, headers: answered.append(status))  # type: ignore[arg-type]
    finally:
        set_script_prefix("/")  # the handler leaves its prefix to the thread, as a server's next request resets it
    assert answered[0].startswith("200"), answered
    return b"".join(body).decode()


@pytest.mark.skipif(
    "postgres" in os.environ.get("DATABASE_URL", ""),
    reason="runs in the SQLite pass: the frame's links do not depend on the database, and Django's own handler "
    "closes the test's PostgreSQL connection at the request's start",
)
def test_a_site_served_under_a_path_links_its_frame_under_that_path(author: User) -> None:
    """The header and footer links are worked out once per process (core/context_processors.frame_links), per
    path the site is served under, and so are works' addresses (works.models._work_address): an archive behind
    /archive links there, and one at the root does not."""
    work = make_work(author, title="Under the Arch 拱")
    for prefix in ("/archive", "", "/archive"):
        page = parse(_served_under(prefix, "/works/"))
        title = page.select_one(f"#work_{work.pk}_title a")
        assert title is not None
        assert title["href"] == f"{prefix}/works/{work.pk}/"
        home, search, opds = (
            page.select_one(".site-name a"),
            page.select_one("form[role=search]"),
            page.select_one("footer a"),
        )
        assert home is not None
        assert search is not None
        assert opds is not None
        assert (home["href"], search["action"], opds["href"]) == (
            f"{prefix}/",
            f"{prefix}/works/",
            f"{prefix}/downloads/opds/",
        )


def test_a_long_listing_leaves_out_runs_of_pages_and_keeps_its_filters_escaped_in_each_link(
    guest: Client, author: User, settings: object
) -> None:
    settings.FANSHELF_WORKS_PER_PAGE = 1  # type: ignore[attr-defined]
    for number in range(12):
        make_work(author, title=f"Lantern “{number}” 灯")

    markup = guest.get(
        reverse("discovery:works"), {"sort": "title", "page": "6", "exclude": "“Moth” & <b>"}
    ).content.decode()
    assert not unsafe_parts_of_page(markup)
    pager = parse(markup).select_one(".listing-results nav.pagination")
    assert pager is not None
    shown = [item.get_text(" ", strip=True).removeprefix("Page ") for item in pager.select("ol li")]
    assert shown == ["← Previous", "1", "…", "4", "5", "6", "7", "8", "…", "12", "Next →"]
    assert pager.select_one(".page-count").get_text(strip=True) == "Page 6 of 12"  # type: ignore[union-attr]
    for link in pager.select("a"):
        query = dict(parse_qsl(urlsplit(str(link["href"])).query))
        assert query.pop("exclude") == "“Moth” & <b>"
        assert query.pop("sort") == "title"
        assert set(query) == {"page"}
