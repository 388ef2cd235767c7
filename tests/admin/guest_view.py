"""What a guest finds after a change made in the admin: listings, text search, a tag's listing and its count, the
tag's Atom feed, the OPDS catalogue of new works and the EPUB download."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import quote

from django.test import Client

from fanshelf.works.models import Work
from tests.core.pages import listed_titles, parse

WORKS = "/works/"
TAG = "General Audiences"  # every test work carries this rating, a canonical tag with a feed


def listed(client: Client) -> list[str]:
    return listed_titles(client.get(WORKS))


def found(client: Client, text: str) -> list[str]:
    return listed_titles(client.get(WORKS, {"q": text}))


def bylines(client: Client, text: str) -> list[str]:
    """The headings (title and creators) of the blurbs a text search shows."""
    page = parse(client.get(WORKS, {"q": text}).content.decode())
    headings = [" ".join(h3.get_text(" ").split()) for h3 in page.select("section.listing-results li.blurb h3")]
    return [heading.replace(" ,", ",") for heading in headings]


def tag_listing(client: Client) -> tuple[str, list[str]]:
    """The tag listing's count heading ("2 Works") and the titles listed under it."""
    response = client.get(f"/tags/{quote(TAG)}/works/")
    heading = parse(response.content.decode()).select_one("#results-heading")
    assert heading is not None
    return heading.get_text(strip=True), listed_titles(response)


def feed_entries(client: Client) -> str:
    """The tag's Atom feed, every entry's title and author included."""
    response = client.get(f"/downloads/feeds/tags/{quote(TAG)}.atom")
    assert response.status_code == 200
    return response.content.decode()


def opds_new(client: Client) -> str:
    response = client.get("/downloads/opds/new/")
    assert response.status_code == 200
    return response.content.decode()


def epub_text(client: Client, work: Work) -> str | None:
    """All the text inside the work's EPUB, or None when the guest may not download it."""
    response = client.get(f"/downloads/{work.pk}/epub/")
    if response.status_code != 200:
        return None
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as epub:  # type: ignore[attr-defined]
        return "\n".join(epub.read(name).decode("utf-8", "replace") for name in epub.namelist())
