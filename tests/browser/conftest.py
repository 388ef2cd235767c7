"""Browser fixtures: Debian's chromium driven by Playwright's sync API against pytest-django's live server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from django.db import connection

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM = "/usr/bin/chromium"
# Without the networking flags Chromium keeps reaching for addresses that are closed on these machines.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _chromium_path() -> str | None:
    if os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    return shutil.which("chromium")


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Browser]:
    """A headless Chromium. Missing Chromium fails the test on CI and skips it elsewhere. The browser tests run in
    the SQLite pass only: what they drive (pages, forms, scripts) is the same on both databases, and each rule they
    pass through is tested on PostgreSQL too, in the tests of its app."""
    if connection.vendor != "sqlite":
        pytest.skip("the browser tests run in the SQLite pass: pages and scripts do not depend on the database")
    executable = _chromium_path()
    if executable is None:
        message = "chromium is not installed: run `make test-deps` or `apt-get install -y chromium`"
        if _on_ci():
            pytest.fail(f"{message} (CI=true, so the browser test may not be skipped)", pytrace=False)
        pytest.skip(message)
    # Playwright's sync API keeps an event loop running in this thread; the test's own ORM calls are still
    # ordinary blocking calls, so Django's async-safety guard has to be told so.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()
