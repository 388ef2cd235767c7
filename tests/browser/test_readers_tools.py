"""Issue 10's readers' tools in a real browser, as two people use them: a reader comments, bookmarks with a note
and a tag, subscribes, and shelves a work; its creator replies, approves a held comment and posts a chapter the
reader then finds in the inbox. Every page visited passes axe-core (tests/browser/audit.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.urls import reverse

from tests.browser.audit import PageAudit, axe_source
from tests.browser.pages import log_in, open_page
from tests.factories import STORY, make_user, make_work

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = pytest.mark.browser


def _submit(audit: PageAudit, page: Page, button: str) -> None:
    """Click a submit button and audit the page the form lands on."""
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state("load")
    audit.check(page)


def _comment(audit: PageAudit, page: Page, text: str) -> None:
    page.locator("#comments textarea[name='text']").fill(text)
    _submit(audit, page, "Comment")


@pytest.mark.django_db(transaction=True)
def test_a_reader_and_a_creator_use_comments_bookmarks_subscriptions_and_shelves_through_the_pages(
    live_server: LiveServer, browser: Browser
) -> None:
    author = make_user("Harbour_Writer")
    make_user("Shelf_Reader")
    serial = make_work(author, title="Tide Serial", expected_chapters=2)
    guarded = make_work(author, title="Quiet Harbour", moderate_comments=True)
    make_work(author, title="Tide Unread")
    base_url = live_server.url
    audit = PageAudit(origin=base_url, axe=axe_source())
    reader = log_in(audit, browser, base_url, "Shelf_Reader")
    creator = log_in(audit, browser, base_url, "Harbour_Writer")

    # The reader comments on the serial, bookmarks it with a note and a tag, and subscribes to it.
    open_page(audit, reader, base_url + serial.get_absolute_url())
    _comment(audit, reader, "The gull count made me laugh.")
    comments = reader.locator("#comments")
    assert comments.get_by_text("The gull count made me laugh.").is_visible()

    reader.get_by_role("link", name="Bookmark", exact=True).click()
    reader.wait_for_load_state("load")
    audit.check(reader)
    reader.get_by_label("Notes").fill("Read it for the lighthouse.")
    reader.get_by_label("Your tags").fill("comfort read")
    _submit(audit, reader, "Create bookmark")
    bookmark = reader.locator("li.bookmark")
    assert bookmark.get_by_role("link", name="Tide Serial").is_visible()
    assert bookmark.get_by_text("Read it for the lighthouse.").is_visible()
    assert bookmark.get_by_role("link", name="comfort read").is_visible()

    open_page(audit, reader, base_url + serial.get_absolute_url())
    _submit(audit, reader, "Subscribe")
    assert reader.get_by_role("button", name="Unsubscribe").is_visible()

    # On a work whose creator moderates comments, the reader's comment waits for approval.
    open_page(audit, reader, base_url + guarded.get_absolute_url())
    _comment(audit, reader, "Does the harbour ever freeze?")
    held = reader.locator("#comments li.comment", has_text="Does the harbour ever freeze?")
    assert held.get_by_text("Awaiting approval").is_visible()

    # The creator replies to the serial's comment, approves the held one and posts the next chapter.
    open_page(audit, creator, base_url + serial.get_absolute_url())
    creator.locator("#comments li.comment", has_text="The gull count made me laugh.").get_by_role(
        "link", name="Reply"
    ).click()
    creator.wait_for_load_state("load")
    audit.check(creator)
    creator.locator("textarea[name='text']").fill("The gulls thank you.")
    _submit(audit, creator, "Reply")
    replies = creator.locator("#comments ol.comment-replies")
    assert replies.get_by_text("The gulls thank you.").is_visible()

    open_page(audit, creator, base_url + guarded.get_absolute_url())
    waiting = creator.locator("#comments li.comment", has_text="Does the harbour ever freeze?")
    waiting.get_by_role("button", name="Approve").click()
    creator.wait_for_load_state("load")
    audit.check(creator)

    open_page(audit, creator, base_url + reverse("works:chapter_new", args=[serial.pk]))
    creator.get_by_label("Chapter text").fill(STORY + " The second tide came in.")
    _submit(audit, creator, "Post")

    # The reader sees the approved comment as published, and the new chapter and the reply in the inbox.
    open_page(audit, reader, base_url + guarded.get_absolute_url())
    approved = reader.locator("#comments li.comment", has_text="Does the harbour ever freeze?")
    assert approved.is_visible()
    assert approved.get_by_text("Awaiting approval").count() == 0

    reader.get_by_role("link", name="Inbox").click()
    reader.wait_for_load_state("load")
    audit.check(reader)
    entries = reader.locator("ol.inbox-entries")
    assert entries.get_by_role("link", name="New chapter of “Tide Serial” (2/2)").is_visible()
    assert entries.locator("li.inbox-entry", has_text="The gulls thank you.").is_visible()

    # The reader marks the serial for later, moves it to finished and hides finished works from a listing.
    open_page(audit, reader, base_url + serial.get_absolute_url())
    _submit(audit, reader, "Mark for later")
    assert reader.locator(".shelf-status").get_by_role("link", name="To read").is_visible()
    reader.get_by_label("Shelf:").select_option("finished")
    _submit(audit, reader, "Save shelf")
    assert reader.locator(".shelf-status").get_by_role("link", name="Finished").is_visible()

    open_page(audit, reader, base_url + reverse("discovery:works"))
    reader.get_by_role("group", name="Hide works on my shelves").get_by_label("Finished").check()
    reader.get_by_role("button", name="Sort and filter").first.click()
    reader.wait_for_load_state("load")
    audit.check(reader)
    results = reader.locator("ol.blurbs")
    assert results.get_by_role("link", name="Tide Unread").is_visible()
    assert results.get_by_role("link", name="Tide Serial").count() == 0

    reader.context.close()
    creator.context.close()
    assert not audit.problems, audit.report()
