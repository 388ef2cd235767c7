"""A reader in a real browser marks a work for later, finishes it, and hides finished works from a listing; the
work page, shelf page and history page pass axe-core (tests/browser/audit.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.urls import reverse

from tests.browser.audit import PageAudit, axe_source
from tests.factories import PASSWORD, make_user, make_work

if TYPE_CHECKING:
    from playwright.sync_api import Browser
    from pytest_django.live_server_helper import LiveServer

pytestmark = pytest.mark.browser

TIMEOUT_MS = 10_000


@pytest.mark.django_db(transaction=True)
def test_a_reader_marks_a_work_for_later_finishes_it_and_hides_finished_works(
    live_server: LiveServer, browser: Browser
) -> None:
    author = make_user("Harbour_Writer")
    make_user("Shelf_Reader")
    finished = make_work(author, title="Tide Finished")
    make_work(author, title="Tide Unread")
    base_url = live_server.url
    audit = PageAudit(origin=base_url, axe=axe_source())
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = audit.watch(context)

    page.goto(base_url + reverse("account_login"))
    page.locator("input[name='login']").fill("Shelf_Reader")
    page.locator("input[name='password']").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("load")

    page.goto(base_url + finished.get_absolute_url())
    audit.check(page)
    page.get_by_role("button", name="Mark for later").click()
    page.wait_for_load_state("load")
    assert page.get_by_role("link", name="To read").is_visible()
    page.get_by_label("Shelf:").select_option("finished")
    page.get_by_role("button", name="Save shelf").click()
    page.wait_for_load_state("load")
    page.get_by_role("link", name="Finished").click()
    page.wait_for_load_state("load")
    audit.check(page)
    assert page.locator("ol.blurbs").get_by_role("link", name="Tide Finished").is_visible()

    page.goto(base_url + reverse("discovery:works"))
    page.get_by_role("group", name="Hide works on my shelves").get_by_label("Finished").check()
    page.get_by_role("button", name="Sort and filter").first.click()
    page.wait_for_load_state("load")
    results = page.locator("ol.blurbs")
    assert results.get_by_role("link", name="Tide Unread").is_visible()
    assert results.get_by_role("link", name="Tide Finished").count() == 0

    page.get_by_role("link", name="History").click()
    page.wait_for_load_state("load")
    audit.check(page)
    assert page.locator("ol.history").get_by_role("link", name="Tide Finished").is_visible()
    context.close()
    assert not audit.problems, audit.report()
