"""Issue 12's reports in a real browser: a guest reports a work (giving an email), a moderator signs in, opens the
report queue from the site's menu, hides the work from the report's entry, and the guest no longer sees the work.
Every page visited passes axe-core (tests/browser/audit.py)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from django.core import mail

from tests.browser.audit import PageAudit, axe_source
from tests.browser.pages import log_in, new_page, open_page
from tests.factories import make_user, make_work

if TYPE_CHECKING:
    from playwright.sync_api import Browser
    from pytest_django.live_server_helper import LiveServer

pytestmark = pytest.mark.browser

TITLE = "Borrowed Lighthouse"
REASON_TEXT = "Copied word for word from another archive — 逐語的にコピー."


@pytest.mark.django_db(transaction=True)
def test_a_guest_reports_a_work_and_a_moderator_hides_it_from_the_queue(
    live_server: LiveServer, browser: Browser
) -> None:
    author = make_user("Lamp_Writer")
    make_user("Queue_Keeper", is_staff=True)
    work = make_work(author, title=TITLE)
    base_url = live_server.url
    work_url = f"{base_url}/works/{work.pk}/"
    audit = PageAudit(origin=base_url, axe=axe_source())

    # 1. A guest reads the work, follows its Report link and sends a report with an email.
    guest = new_page(audit, browser)
    open_page(audit, guest, work_url)
    guest.get_by_role("link", name="Report this work").click()
    guest.wait_for_load_state("load")
    audit.check(guest)
    guest.get_by_label("Plagiarism").check()
    guest.get_by_label("Tell the moderators more").fill(REASON_TEXT)
    guest.get_by_label("Your email").fill("tern@example.org")
    guest.get_by_role("button", name="Send report").click()
    guest.wait_for_load_state("load")
    audit.check(guest)
    assert guest.get_by_role("heading", level=1, name="Thank you for your report").is_visible()
    assert [message.to for message in mail.outbox] == [["tern@example.org"]]

    # 2. A moderator signs in, opens Reports from the site's menu and finds the report with the guest's words.
    keeper = log_in(audit, browser, base_url, "Queue_Keeper")
    keeper.get_by_role("link", name="Reports", exact=True).click()
    keeper.wait_for_load_state("load")
    audit.check(keeper)
    entry = keeper.locator("li.report", has=keeper.get_by_role("link", name=f"“{TITLE}”"))
    assert entry.locator(".report-text").inner_text().strip() == REASON_TEXT
    assert "tern@example.org" in entry.inner_text()

    # 3. From the entry the moderator hides the work, giving a reason; the entry moves to Resolved.
    entry.get_by_label(re.compile(r"^Why")).fill("Plagiarised text")
    entry.get_by_role("button", name="Hide the work").click()
    keeper.wait_for_load_state("load")
    audit.check(keeper)
    assert "Hid the work" in keeper.locator(".messages").inner_text()
    assert keeper.locator("li.report").count() == 0
    keeper.get_by_role("link", name="Resolved").click()
    keeper.wait_for_load_state("load")
    audit.check(keeper)
    assert "Hid the work" in keeper.locator("li.report").inner_text()

    # 4. The guest no longer sees the work.
    response = guest.goto(work_url)
    assert response is not None
    assert response.status == 404
    assert not audit.problems, audit.report()
