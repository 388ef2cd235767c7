"""A first visit, end to end in a real browser: sign up, confirm the email, post a two-chapter work, and read it
as somebody else who leaves kudos. Every page on the way is checked by axe-core and for loading errors (audit.py)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from django.core.mail import EmailMessage
from django.urls import reverse

from fanshelf.community.models import Kudos
from tests.browser.audit import PageAudit, axe_source
from tests.factories import PASSWORD, make_user

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = pytest.mark.browser

SCREENSHOT = Path(tempfile.gettempdir()) / "fanshelf-work.png"  # /tmp/fanshelf-work.png here
TIMEOUT_MS = 10_000
NEW_USERNAME = "Inkwell_Otter"
NEW_EMAIL = "inkwell.otter@example.org"
NEW_PASSWORD = "lanterns-over-the-harbour-42"
TITLE = "The Fourth Lighthouse"
FIRST_CHAPTER = (
    "The ferry left at dawn, and Mara counted the lighthouses as they passed.\n"
    "By the third one she had stopped counting and started to wonder who kept them lit."
)
SECOND_CHAPTER = (
    "The keeper of the fourth lighthouse was waiting on the jetty.\n"
    "“You’re late,” she said, though nobody had told her anyone was coming."
)
SUBMIT = "button[type='submit'], input[type='submit']"


def _submit_form_with(page: Page, field_name: str) -> None:
    """Click the submit button of the form that holds a given field, whatever the button says."""
    page.locator(f"form:has([name='{field_name}'])").locator(SUBMIT).first.click()
    page.wait_for_load_state("load")


def _confirmation_link(outbox: list[EmailMessage], address: str) -> str:
    messages = [message for message in outbox if address in message.to]
    assert messages, f"no email was sent to {address}; the outbox holds mail for {[m.to for m in outbox]}"
    body = str(messages[-1].body)
    prefix = reverse("account_confirm_email", args=["KEY"]).split("KEY", 1)[0]
    links: list[str] = [link for link in re.findall(r"https?://\S+", body) if urlsplit(link).path.startswith(prefix)]
    assert links, f"no confirmation link in the email:\n{body}"
    return links[0]


def _sign_up_and_confirm(page: Page, base_url: str, outbox: list[EmailMessage], audit: PageAudit) -> None:
    page.goto(base_url + reverse("home"))
    audit.check(page)
    page.get_by_role("link", name="Sign up").first.click()
    audit.check(page)
    page.locator("input[name='username']").fill(NEW_USERNAME)
    page.locator("input[name='email']").fill(NEW_EMAIL)
    page.locator("input[name='password1']").fill(NEW_PASSWORD)
    page.locator("input[name='password2']").fill(NEW_PASSWORD)
    _submit_form_with(page, "username")
    audit.check(page)

    page.goto(_confirmation_link(outbox, NEW_EMAIL))
    audit.check(page)
    # The link opens a page whose form confirms on POST. Its key is signed afresh on every render, so the form
    # is found by the start of its action, not the whole address.
    prefix = reverse("account_confirm_email", args=["KEY"]).split("KEY", 1)[0]
    page.locator(f"form[action^='{prefix}']").locator(SUBMIT).first.click()
    page.wait_for_load_state("load")
    audit.check(page)


def _log_in(page: Page, base_url: str, login: str, password: str, audit: PageAudit) -> None:
    page.goto(base_url + reverse("account_login"))
    audit.check(page)
    page.locator("input[name='login']").fill(login)
    page.locator("input[name='password']").fill(password)
    _submit_form_with(page, "login")
    audit.check(page)
    assert page.get_by_role("button", name="Log out").is_visible(), f"{login} is not logged in at {page.url}"


def _post_two_chapter_work(page: Page, audit: PageAudit) -> str:
    """Chapter one through the new-work form, chapter two through "Add chapter"; returns the work's address."""
    page.get_by_role("link", name="Post new work").click()
    audit.check(page)
    page.get_by_label(re.compile(r"^Title\b")).fill(TITLE)
    page.get_by_label("Rating").select_option("General Audiences")
    page.get_by_label("No Archive Warnings Apply").check()
    page.get_by_label("Fandoms").fill("Tidewater Chronicles")
    page.get_by_label("Chapters expected").fill("2")
    page.get_by_label("Chapter text").fill(FIRST_CHAPTER)
    page.get_by_role("button", name="Post", exact=True).click()
    page.wait_for_load_state("load")
    audit.check(page)
    assert page.get_by_role("heading", level=1, name=TITLE).is_visible(), f"not a work page: {page.url}"
    work_url = page.url.split("#", 1)[0]

    page.get_by_role("link", name="Add chapter").click()
    audit.check(page)
    page.get_by_label("Chapter text").fill(SECOND_CHAPTER)
    page.get_by_role("button", name="Post", exact=True).click()
    page.wait_for_load_state("load")
    audit.check(page)
    assert page.get_by_text("The keeper of the fourth lighthouse").is_visible(), f"chapter 2 not shown: {page.url}"
    return work_url


def _kudos_count(page: Page) -> str:
    """The number in the work's stats, next to "Kudos:"."""
    label = page.locator("dt", has_text=re.compile(r"^\s*Kudos:?\s*$"))
    return label.locator("xpath=following-sibling::dd[1]").inner_text().strip()


@pytest.mark.django_db(transaction=True)
def test_new_visitor_posts_a_two_chapter_work_and_another_reader_leaves_kudos(
    live_server: LiveServer, browser: Browser, mailoutbox: list[EmailMessage]
) -> None:
    base_url = live_server.url
    audit = PageAudit(origin=base_url, axe=axe_source())

    author_context = browser.new_context()
    author_context.set_default_timeout(TIMEOUT_MS)
    page = audit.watch(author_context)
    _sign_up_and_confirm(page, base_url, mailoutbox, audit)
    _log_in(page, base_url, NEW_USERNAME, NEW_PASSWORD, audit)
    work_url = _post_two_chapter_work(page, audit)
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state("load")
    audit.check(page)
    assert page.get_by_role("link", name="Log in").first.is_visible(), "the author is still logged in"
    author_context.close()

    reader = make_user("Harbour_Reader")
    reader_context = browser.new_context()
    reader_context.set_default_timeout(TIMEOUT_MS)
    page = audit.watch(reader_context)
    _log_in(page, base_url, reader.username, PASSWORD, audit)
    page.goto(work_url)
    audit.check(page)
    assert page.get_by_text("The ferry left at dawn").is_visible(), f"chapter 1 not shown: {page.url}"
    page.get_by_role("link", name=re.compile(r"Next chapter")).first.click()
    page.wait_for_load_state("load")
    audit.check(page)
    assert page.get_by_text("The keeper of the fourth lighthouse").is_visible(), f"chapter 2 not shown: {page.url}"

    page.get_by_role("button", name="Kudos ♥").click()
    page.wait_for_load_state("load")
    audit.check(page)
    assert _kudos_count(page) == "1"
    assert Kudos.objects.filter(user=reader).count() == 1
    page.screenshot(path=SCREENSHOT, full_page=True)
    reader_context.close()

    assert audit.pages_checked >= 14, "the walk-through skipped pages"
    if audit.problems:
        pytest.fail("pages fell short:\n" + audit.report(), pytrace=False)
