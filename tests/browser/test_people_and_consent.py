"""Issue 11's people-and-consent tools in a real browser, as the people involved use them: an author invites a
co-creator who accepts from the inbox, gives a work to a recipient who refuses it, a reader mutes the author and
sees the author's works leave the works listing and its count (a guest still sees them), then downloads an export
of the account. Every page visited passes axe-core (tests/browser/audit.py)."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pytest
from django.urls import reverse

from tests.browser.audit import PageAudit, axe_source
from tests.browser.pages import log_in, new_page, open_page
from tests.factories import STORY, make_user, make_work

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = pytest.mark.browser

SHARED_TITLE = "Two Lanterns on the Quay"
GIFT_TITLE = "A Net for the Winter"


def _click(audit: PageAudit, page: Page, role: Literal["link", "button"], name: str) -> None:
    """Click a link or button by its accessible name and audit the page it lands on. Every one of them leads to a
    new page: waiting for that navigation, not just for a load event, keeps a slow answer (a loaded machine) from
    leaving the test on the page it clicked from."""
    with page.expect_navigation(wait_until="load"):
        page.get_by_role(role, name=name, exact=True).click()
    audit.check(page)


def _site_nav(audit: PageAudit, page: Page, name: str) -> None:
    """Follow a link of the site's navigation bar (its link to the dashboard, "Works")."""
    page.get_by_role("navigation", name="Site").get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state("load")
    audit.check(page)


def _works_count(page: Page) -> int:
    """The number in the listing's "N Works" heading."""
    heading = page.locator("h2.count").inner_text().strip()
    found = re.fullmatch(r"([\d,]+) Works?", heading)
    assert found, f"unexpected count heading {heading!r} at {page.url}"
    return int(found.group(1).replace(",", ""))


def _blurb(page: Page, title: str) -> Locator:
    """The blurb of the work with this title in the page's list of works."""
    return page.locator("ol.blurbs > li", has=page.get_by_role("link", name=title, exact=True))


@pytest.mark.django_db(transaction=True)
def test_co_creator_gift_mute_and_export_through_the_pages(
    live_server: LiveServer, browser: Browser, tmp_path: Path
) -> None:
    author = make_user("Quay_Author")
    make_user("Net_Mender", allow_cocreators=True)
    make_user("Gift_Keeper")
    make_user("Quiet_Reader")
    other = make_user("Other_Writer")
    make_work(author, title=GIFT_TITLE)
    make_work(author, title="Salt on the Sill")
    make_work(other, title="Someone Else’s Harbour")
    base_url = live_server.url
    audit = PageAudit(origin=base_url, axe=axe_source())
    writer = log_in(audit, browser, base_url, "Quay_Author")

    # 1. The author posts a work through the form, inviting a co-creator by name.
    _click(audit, writer, "link", "Post new work")
    writer.get_by_label(re.compile(r"^Title\b")).fill(SHARED_TITLE)
    writer.get_by_label("Invite co-creators").fill("Net_Mender")
    writer.get_by_label("Rating").select_option("General Audiences")
    writer.get_by_label("No Archive Warnings Apply").check()
    writer.get_by_label("Fandoms").fill("Tidewater Chronicles")
    writer.get_by_label("Chapter text").fill(STORY)
    _click(audit, writer, "button", "Post")
    assert writer.get_by_role("heading", level=1, name=SHARED_TITLE).is_visible(), f"not a work page: {writer.url}"
    shared_url = writer.url.split("#", 1)[0]
    assert writer.locator("p.byline").inner_text().strip() == "by Quay_Author"

    # The co-creator finds the invitation in the inbox and accepts it; the work then credits both.
    mender = log_in(audit, browser, base_url, "Net_Mender")
    mender.get_by_role("link", name=re.compile(r"^Inbox\b")).click()  # "Inbox 1 unread"
    mender.wait_for_load_state("load")
    audit.check(mender)
    invitation = mender.locator("li.inbox-entry", has_text=f"to be a co-creator of “{SHARED_TITLE}”")
    assert invitation.get_by_role("link").inner_text() == (
        f"Quay_Author invited Net_Mender to be a co-creator of “{SHARED_TITLE}”"
    )
    invitation.get_by_role("button", name="Accept invitation").click()
    mender.wait_for_load_state("load")
    audit.check(mender)
    assert mender.url.split("#", 1)[0] == shared_url
    assert mender.get_by_text(f"You are now a co-creator of “{SHARED_TITLE}”.").is_visible()
    byline = mender.locator("p.byline")
    assert byline.get_by_role("link", name="Quay_Author", exact=True).is_visible()
    assert byline.get_by_role("link", name="Net_Mender", exact=True).is_visible()

    open_page(audit, mender, base_url + reverse("discovery:works"))
    listed = _blurb(mender, SHARED_TITLE)
    assert listed.get_by_role("link", name="Quay_Author", exact=True).is_visible()
    assert listed.get_by_role("link", name="Net_Mender", exact=True).is_visible()

    # 2. The author gifts another work through its edit form.
    open_page(audit, writer, base_url + reverse("discovery:user_works", args=["Quay_Author"]))
    writer.get_by_role("link", name=GIFT_TITLE, exact=True).click()
    writer.wait_for_load_state("load")
    audit.check(writer)
    gift_url = writer.url.split("#", 1)[0]
    _click(audit, writer, "link", "Edit work")
    writer.get_by_label("Gift this work to").fill("Gift_Keeper")
    _click(audit, writer, "button", "Save")
    gift_line = writer.locator("p.gifts")
    if not gift_line.count():  # say which page the form led to, should it lead elsewhere
        main = writer.locator("main").inner_text()[:600]
        pytest.fail(f"no gift line at {writer.url}: {main}")
    assert gift_line.inner_text().strip() == "For Gift_Keeper."

    # The recipient finds it on their Gifts page (from their dashboard) and refuses it there.
    keeper = log_in(audit, browser, base_url, "Gift_Keeper")
    _site_nav(audit, keeper, "Gift_Keeper")
    _click(audit, keeper, "link", "Gifts")
    assert keeper.locator("h2.count").inner_text().strip() == "1 Gift"
    assert _blurb(keeper, GIFT_TITLE).is_visible()
    # The button's name carries the title in visually hidden text ("Refuse this gift: <title>").
    keeper.get_by_role("button", name=re.compile(rf"^Refuse this gift\W+{re.escape(GIFT_TITLE)}$")).click()
    keeper.wait_for_load_state("load")
    audit.check(keeper)
    assert keeper.get_by_text(f"You refused the gift of “{GIFT_TITLE}”.").is_visible()
    assert keeper.locator("h2.count").inner_text().strip() == "0 Gifts"
    assert keeper.get_by_role("link", name=GIFT_TITLE, exact=True).count() == 0

    open_page(audit, keeper, gift_url)
    assert keeper.locator("p.gifts").count() == 0
    assert keeper.get_by_text("For Gift_Keeper").count() == 0
    assert keeper.get_by_role("button", name="Refuse this gift").count() == 0
    open_page(audit, writer, gift_url)
    assert writer.locator("p.gifts").count() == 0

    # 3. A reader mutes the author from the author's profile: the author's three works (the shared one too) leave
    # the works listing and its count.
    reader = log_in(audit, browser, base_url, "Quiet_Reader")
    _site_nav(audit, reader, "Works")
    before = _works_count(reader)
    assert before == 4
    for title in (SHARED_TITLE, GIFT_TITLE, "Salt on the Sill", "Someone Else’s Harbour"):
        assert _blurb(reader, title).is_visible(), f"{title} is not listed before the mute"

    open_page(audit, reader, base_url + reverse("accounts:dashboard", args=["Quay_Author"]))
    _click(audit, reader, "button", "Mute")
    assert reader.get_by_role("button", name="Unmute", exact=True).is_visible()

    _site_nav(audit, reader, "Works")
    assert _works_count(reader) == before - 3
    assert _blurb(reader, "Someone Else’s Harbour").is_visible()
    for title in (SHARED_TITLE, GIFT_TITLE, "Salt on the Sill"):
        assert reader.get_by_role("link", name=title, exact=True).count() == 0, f"{title} is still listed"
    assert reader.get_by_role("link", name="Quay_Author", exact=True).count() == 0

    # A guest, in a browser context of their own, still sees everything.
    guest = new_page(audit, browser)
    open_page(audit, guest, base_url + reverse("discovery:works"))
    assert _works_count(guest) == before
    for title in (SHARED_TITLE, GIFT_TITLE, "Salt on the Sill"):
        assert _blurb(guest, title).is_visible(), f"{title} is hidden from a guest"

    # 4. The reader exports the account from the dashboard and finds the mute in it.
    _site_nav(audit, reader, "Quiet_Reader")
    _click(audit, reader, "link", "Export my account")
    with reader.expect_download() as started:
        reader.get_by_role("link", name="Download my export").click()
    download = started.value
    assert download.failure() is None
    assert download.suggested_filename.endswith(".zip")
    saved = tmp_path / "export.zip"
    download.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        names = archive.namelist()
        profile = json.loads(archive.read("profile.json").decode("utf-8"))
        mutes = json.loads(archive.read("mutes.json").decode("utf-8"))
    assert "README.txt" in names
    assert profile["username"] == "Quiet_Reader"
    assert profile["email"] == "quiet_reader@example.org"
    assert [entry["user"]["username"] for entry in mutes] == ["Quay_Author"]

    for page in (writer, mender, keeper, reader, guest):
        page.context.close()
    assert not audit.problems, audit.report()
