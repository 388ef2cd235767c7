"""In a real browser: a Hebrew work reads right to left on its page and in a listing while the English page chrome
stays left to right, and a tag box offers canonical tags as the reader types (tags.js, under the site's CSP)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.tags.models import TagType
from tests.browser.audit import PageAudit, axe_source
from tests.factories import make_user, make_work
from tests.tags.conftest import canonical_tag

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = pytest.mark.browser

TIMEOUT_MS = 10_000
HEBREW_TITLE = "אור על המים"
HEBREW_SUMMARY = "הספינה יצאה עם שחר, והפנס בחרטום המשיך לדלוק."
HEBREW_STORY = "שומר המגדלור ספר את השחפים פעמיים, כי פעם אחת אף פעם לא הספיקה לים."


def _direction(page: Page, selector: str) -> str:
    return str(page.locator(selector).first.evaluate("element => getComputedStyle(element).direction"))


@pytest.mark.django_db(transaction=True)
def test_a_hebrew_work_reads_right_to_left_in_its_page_and_in_listings(
    live_server: LiveServer, browser: Browser
) -> None:
    author = make_user("Migdalor")
    canonical_tag("נוגה", TagType.FANDOM, make_user("Tagkeeper", is_staff=True))  # facets show canonical tags
    work = make_work(
        author, title=HEBREW_TITLE, summary=HEBREW_SUMMARY, chapters=(HEBREW_STORY,), language="he", fandoms=["נוגה"]
    )
    audit = PageAudit(origin=live_server.url, axe=axe_source())
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    page = audit.watch(context)

    page.goto(live_server.url + work.get_absolute_url())
    audit.check(page)
    assert _direction(page, ".chapter-text, .userstuff") == "rtl"
    assert _direction(page, "header.site-header") == "ltr"

    page.goto(live_server.url + reverse("discovery:works"))
    audit.check(page)
    assert _direction(page, "li.blurb .summary, li.blurb blockquote") == "rtl"
    # The facet's count stays after the name when the name is right to left: "נוגה (1)", never "(1) נוגה".
    facet = page.locator("section.facets a", has_text="נוגה").first
    assert " ".join(facet.inner_text().split()) == "נוגה (1)"
    assert facet.locator("bdi").count() == 1
    context.close()
    if audit.problems:
        pytest.fail("pages fell short:\n" + audit.report(), pytrace=False)


@pytest.mark.django_db(transaction=True)
def test_a_tag_box_offers_canonical_tags_as_the_reader_types(live_server: LiveServer, browser: Browser) -> None:
    moderator: User = make_user("Tagkeeper", is_staff=True)
    canonical_tag("Liesl von Trapp", TagType.CHARACTER, moderator)
    make_work(make_user("Songwriter"), title="Edelweiss at Dusk", characters=["Liesl von Trapp"])
    audit = PageAudit(origin=live_server.url, axe=axe_source())
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    page = audit.watch(context)

    page.goto(live_server.url + reverse("discovery:works"))
    audit.check(page)
    box = page.locator("input[data-tag-complete]").first
    box.evaluate("element => element.closest('details') && (element.closest('details').open = true)")
    box.press_sequentially("Lies", delay=30)
    suggestion = page.locator(f"datalist#{box.get_attribute('list')} option[value='Liesl von Trapp']")
    suggestion.wait_for(state="attached")
    assert suggestion.count() == 1
    context.close()
    if audit.problems:
        pytest.fail("pages fell short:\n" + audit.report(), pytrace=False)
