"""What the browser tests share: a page in its own context (its own cookies), signing in through the real form, and
opening a page with the audit (tests/browser/audit.py) checking it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from tests.factories import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.browser.audit import PageAudit

TIMEOUT_MS = 10_000


def new_page(audit: PageAudit, browser: Browser) -> Page:
    """A desktop-sized page in a fresh browser context, watched by the audit; downloads are accepted."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    return audit.watch(context)


def log_in(audit: PageAudit, browser: Browser, base_url: str, username: str) -> Page:
    """A page in its own browser context (its own cookies), signed in through the real login form."""
    page = new_page(audit, browser)
    page.goto(base_url + reverse("account_login"))
    page.locator("input[name='login']").fill(username)
    page.locator("input[name='password']").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("load")
    assert page.get_by_role("button", name="Log out").is_visible(), f"{username} is not logged in at {page.url}"
    return page


def open_page(audit: PageAudit, page: Page, url: str) -> None:
    page.goto(url)
    audit.check(page)
