"""Pages and feeds travel gzipped to clients that accept it; files that are already compressed do not."""

from __future__ import annotations

import gzip

from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from tests.factories import make_work

BROWSER_ENCODINGS = "gzip, deflate, br, zstd"


def test_a_listing_is_sent_gzipped_and_smaller_to_a_browser_that_accepts_it(author: User, guest: Client) -> None:
    titles = [f"Lantern {number}" for number in range(5)]
    for title in titles:
        make_work(author, title=title)
    plain = guest.get("/works/")
    compressed = guest.get("/works/", HTTP_ACCEPT_ENCODING=BROWSER_ENCODINGS)
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    page = gzip.decompress(compressed.content).decode()
    assert all(title in page for title in titles)
    assert len(compressed.content) < len(page.encode()) / 3
    assert not plain.has_header("Content-Encoding")
    assert all(title in plain.content.decode() for title in titles)


def test_feeds_are_gzipped_for_e_reader_apps_that_accept_it(author: User, guest: Client) -> None:
    make_work(author, title="Lantern")
    feed = guest.get(reverse("downloads:opds_new"), HTTP_ACCEPT_ENCODING="gzip")
    assert feed["Content-Encoding"] == "gzip"
    assert b"Lantern" in gzip.decompress(feed.content)


def test_a_downloaded_epub_is_sent_as_it_is_even_to_a_client_that_accepts_gzip(author: User, guest: Client) -> None:
    work = make_work(author)
    epub = guest.get(f"/downloads/{work.pk}/epub/", HTTP_ACCEPT_ENCODING=BROWSER_ENCODINGS)
    assert epub.status_code == 200
    assert not epub.has_header("Content-Encoding")
    assert b"".join(epub.streaming_content).startswith(b"PK")  # type: ignore[attr-defined]
