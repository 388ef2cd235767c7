"""Finding one's way in a real browser: a listing on a phone (390 px wide) puts its filters one tap from the top,
a wide screen shows them beside the results, and the pages a newcomer reaches from the header and the dashboard
pass axe-core (tests/browser/audit.py) as every page the browser tests visit must."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.urls import reverse

from tests.browser.audit import PageAudit, axe_source
from tests.factories import PASSWORD, make_user, make_work

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = pytest.mark.browser

TIMEOUT_MS = 10_000
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
WORKS = 22  # more than a page of results


def _top(page: Page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not laid out on {page.url}"
    return float(box["y"])


def _log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(base_url + reverse("account_login"))
    page.locator("input[name='login']").fill(username)
    page.locator("input[name='password']").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("load")
    assert page.get_by_role("button", name="Log out").is_visible(), f"{username} is not logged in at {page.url}"


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_filters_are_one_tap_from_the_top_and_beside_the_results_on_a_wide_screen(
    live_server: LiveServer, browser: Browser
) -> None:
    author = make_user("Harbour_Writer")
    for number in range(WORKS):
        make_work(author, title=f"Tide {number:02}")
    base_url = live_server.url
    audit = PageAudit(origin=base_url, axe=axe_source())

    phone = browser.new_context(viewport=PHONE)  # type: ignore[arg-type]
    phone.set_default_timeout(TIMEOUT_MS)
    page = audit.watch(phone)
    page.goto(base_url + reverse("discovery:works"))
    audit.check(page)
    toggle = page.locator("details.filters-toggle > summary")
    assert toggle.inner_text().strip() == "Filter"
    assert _top(page, "details.filters-toggle > summary") < PHONE["height"], "the Filter toggle is below the fold"
    assert _top(page, "nav.pagination") < _top(page, "ol.blurbs li.blurb"), "no page numbers above the results"
    facet = page.locator("section.facets a:not(.exclude)", has_text="General Audiences").first
    assert not facet.is_visible(), "the filters start open on a phone"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a {PHONE['width']} px phone"

    toggle.click()
    assert facet.is_visible()
    assert _top(page, "section.facets") < _top(page, "ol.blurbs li.blurb"), "facets are below the results"
    search_text = page.get_by_label("Search text")
    assert not search_text.is_visible(), "the long form is not collapsed"
    page.locator("details.filter-form-toggle > summary").click()
    assert search_text.is_visible()
    audit.check(page)
    phone.close()

    desktop = browser.new_context(viewport=DESKTOP)  # type: ignore[arg-type]
    desktop.set_default_timeout(TIMEOUT_MS)
    page = audit.watch(desktop)
    page.goto(base_url + reverse("discovery:works"))
    assert page.get_by_label("Search text").is_visible(), "a wide screen hides the form behind a toggle"
    assert not page.locator("details.filters-toggle > summary").is_visible()
    sidebar = page.locator("aside.listing-filters").bounding_box()
    results = page.locator("section.listing-results").bounding_box()
    assert sidebar is not None
    assert results is not None
    assert sidebar["x"] > results["x"] + results["width"] - 1, "the filters are not beside the results"
    audit.check(page)
    desktop.close()

    if audit.problems:
        pytest.fail("pages fell short:\n" + audit.report(), pytrace=False)


@pytest.mark.django_db(transaction=True)
def test_the_pages_reached_from_the_header_and_dashboard_pass_axe(live_server: LiveServer, browser: Browser) -> None:
    author = make_user("Harbour_Writer")
    other = make_user("Quay_Reader")
    work = make_work(author, title="Salt Songs", chapters=["First verse of the tide.", "Second verse, at dusk."])
    make_work(author, title="Brand New Fandom Work", fandoms=["Lanternfish Saga"])
    base_url = live_server.url
    audit = PageAudit(origin=base_url, axe=axe_source())
    context = browser.new_context(viewport=PHONE)  # type: ignore[arg-type]
    context.set_default_timeout(TIMEOUT_MS)
    page = audit.watch(context)

    page.goto(base_url + reverse("home"))
    audit.check(page)
    page.get_by_role("link", name="Fandoms", exact=True).click()
    audit.check(page)
    assert page.get_by_role("heading", name="Uncategorized Fandoms").is_visible()
    page.get_by_role("searchbox", name="Search works").fill("Salt")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_load_state("load")
    audit.check(page)
    assert page.locator("ol.blurbs li.blurb h3").first.inner_text().startswith("Salt Songs")

    _log_in(page, base_url, author.username)
    page.goto(base_url + reverse("accounts:dashboard", args=[author.username]))
    audit.check(page)
    for name in ("My works", "My drafts", "Works citing yours", "Manage pseuds", "Access tokens", "Preferences"):
        page.get_by_role("navigation", name="Your account").get_by_role("link", name=name, exact=True).click()
        page.wait_for_load_state("load")
        audit.check(page)
        page.go_back()
    chapter = work.chapters.order_by("position").first()
    assert chapter is not None
    page.goto(base_url + reverse("audio:chapter", args=[work.pk, chapter.pk]))  # the podfic page
    audit.check(page)
    page.goto(base_url + reverse("accounts:preferences", args=[other.username]))
    audit.check(page)
    assert page.get_by_text("Only the account owner may change this.").is_visible()
    context.close()

    if audit.problems:
        pytest.fail("pages fell short:\n" + audit.report(), pytrace=False)
