"""Every Atom and OPDS feed the archive serves has what RFC 4287 and OPDS 1.2 require, for guests and readers.

The routes come from fanshelf/downloads/urls.py, so a new feed is checked as soon as it is added (or this test
fails until it says how to reach it).
"""

from __future__ import annotations

import base64
import datetime
from typing import Any
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

import pytest
from defusedxml.ElementTree import fromstring
from django.test import Client
from django.urls import URLPattern, reverse

from fanshelf.accounts.models import User
from fanshelf.downloads import urls as download_urls
from fanshelf.inbox.actions import subscribe
from fanshelf.reading.actions import shelve
from fanshelf.tags.models import Tag, tag_to_url_part
from tests.factories import PASSWORD, make_work

ATOM = "{http://www.w3.org/2005/Atom}"
OPDS_CATALOG = "profile=opds-catalog"
ACQUISITION = "http://opds-spec.org/acquisition"
FANDOM = "Tidewater Chronicles"
# The routes that answer with files or a search description rather than a feed.
NOT_FEEDS = {"work", "series", "opensearch"}
# How to reach each feed route with the works made below; search with and without words, a second page.
FEEDS: dict[str, list[str]] = {
    "tag_feed": [reverse("downloads:tag_feed", args=[tag_to_url_part(FANDOM)])],
    "opds_root": [reverse("downloads:opds_root")],
    "opds_login": [reverse("downloads:opds_login")],
    "opds_new": [reverse("downloads:opds_new"), reverse("downloads:opds_new") + "?page=2"],
    "opds_fandoms": [reverse("downloads:opds_fandoms")],
    "opds_tag": [reverse("downloads:opds_tag", args=[tag_to_url_part(FANDOM)])],
    "opds_search": [reverse("downloads:opds_search") + "?q=Lantern", reverse("downloads:opds_search")],
    "opds_shelves": [reverse("downloads:opds_shelves")],
    "opds_shelf": [reverse("downloads:opds_shelf", args=["to-read"])],
    "opds_subscriptions": [
        reverse("downloads:opds_subscriptions"),
        reverse("downloads:opds_subscriptions") + "?page=2",
    ],
}
# A reader's own shelves: guests are asked to log in (tests/reading/test_opds_shelves.py checks the challenge).
SIGNED_IN_ONLY = {"opds_login", "opds_shelves", "opds_shelf", "opds_subscriptions"}


def _is_iri(value: str) -> bool:
    return bool(urlsplit(value).scheme and urlsplit(value).netloc)


def _check_date(element: Element, where: str) -> list[str]:
    text = element.findtext(f"{ATOM}updated")
    if not text:
        return [f"{where} has no atom:updated"]
    try:
        parsed = datetime.datetime.fromisoformat(text)
    except ValueError:
        return [f"{where}: atom:updated {text!r} is not an RFC 3339 date"]
    return [] if parsed.tzinfo is not None else [f"{where}: atom:updated {text!r} has no time zone"]


def _check_links(element: Element, where: str) -> list[str]:
    problems = []
    alternates: set[tuple[str, str]] = set()
    for link in element.findall(f"{ATOM}link"):
        if not link.get("href"):
            problems.append(f"{where}: a link has no href")
        rel = link.get("rel", "alternate")
        if rel == "alternate":
            key = (link.get("type", ""), link.get("hreflang", ""))
            if key in alternates:
                problems.append(f"{where}: two alternate links of one type")
            alternates.add(key)
        elif not link.get("type"):
            problems.append(f"{where}: the {rel!r} link has no type")
    return problems


def _check_entry(entry: Element, where: str, feed_has_author: bool, kind: str) -> list[str]:
    problems = _check_date(entry, where) + _check_links(entry, where)
    if not entry.findtext(f"{ATOM}title"):
        problems.append(f"{where} has no atom:title")
    entry_id = entry.findtext(f"{ATOM}id") or ""
    if not _is_iri(entry_id):
        problems.append(f"{where}: atom:id {entry_id!r} is not an absolute IRI")
    if not feed_has_author and entry.find(f"{ATOM}author/{ATOM}name") is None:
        problems.append(f"{where} has no author, nor has its feed")
    links = entry.findall(f"{ATOM}link")
    if entry.find(f"{ATOM}content") is None and not any(link.get("rel", "alternate") == "alternate" for link in links):
        problems.append(f"{where} has neither content nor an alternate link")
    if "kind=navigation" in kind and not any(OPDS_CATALOG in link.get("type", "") for link in links):
        problems.append(f"{where}: a navigation entry links to no catalogue feed")
    if "kind=acquisition" in kind and not any(link.get("rel", "").startswith(ACQUISITION) for link in links):
        problems.append(f"{where}: an acquisition entry has no acquisition link")
    return problems


def feed_problems(content: bytes, content_type: str) -> list[str]:
    """What this feed lacks of RFC 4287 (and of OPDS 1.2 when it is an OPDS catalogue feed)."""
    feed = fromstring(content)
    if feed.tag != f"{ATOM}feed":
        return [f"the document is a {feed.tag}, not an atom:feed"]
    problems = _check_date(feed, "the feed") + _check_links(feed, "the feed")
    if not feed.findtext(f"{ATOM}title"):
        problems.append("the feed has no atom:title")
    if not _is_iri(feed.findtext(f"{ATOM}id") or ""):
        problems.append("the feed's atom:id is not an absolute IRI")
    rels = {link.get("rel"): link for link in feed.findall(f"{ATOM}link")}
    if OPDS_CATALOG in content_type:
        for rel in ("self", "start"):
            if rel not in rels or OPDS_CATALOG not in rels[rel].get("type", ""):
                problems.append(f"the catalogue feed has no {rel!r} link to a catalogue feed")
    feed_has_author = feed.find(f"{ATOM}author/{ATOM}name") is not None
    for number, entry in enumerate(feed.iter(f"{ATOM}entry"), start=1):
        problems += _check_entry(entry, f"entry {number}", feed_has_author, content_type)
    return problems


def basic(user: User) -> str:
    return "Basic " + base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()


@pytest.fixture
def archive(author: User, reader: User) -> None:
    """Enough works for two pages of new works, in a canonical fandom, one anonymous and one restricted; the
    reader has the anonymous one on their to-read shelf and subscribes to the author."""
    for number in range(25):
        make_work(author, title=f"Lantern {number}", summary="Gulls, counted <em>twice</em>.")
    unsigned = make_work(author, title="Lantern, unsigned", anonymous=True)
    make_work(author, title="Lantern, for readers", restricted=True)
    shelve(reader, unsigned, "to-read")
    subscribe(reader, creator=author)
    Tag.objects.filter(name=FANDOM).update(canonical=True)


def test_every_feed_route_is_checked_below() -> None:
    names = {pattern.name for pattern in download_urls.urlpatterns if isinstance(pattern, URLPattern)}
    assert names - NOT_FEEDS == set(FEEDS)


# A guest is asked to log in at opds_login (test_feeds checks the challenge), so that feed is read signed in only.
FEEDS_AND_VIEWERS = [
    (name, viewer)
    for name in sorted(FEEDS)
    for viewer in ("guest", "reader")
    if (name, viewer) not in {(signed_in, "guest") for signed_in in SIGNED_IN_ONLY}
]


@pytest.mark.parametrize(("name", "viewer"), FEEDS_AND_VIEWERS)
def test_every_feed_has_what_atom_and_opds_require(name: str, viewer: str, archive: None, reader: User) -> None:
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": basic(reader)} if viewer == "reader" else {}
    for url in FEEDS[name]:
        response = Client().get(url, **headers)
        assert response.status_code == 200, url
        assert b"<entry" in response.content or url.endswith(reverse("downloads:opds_search")), url
        assert feed_problems(response.content, response["Content-Type"]) == [], url


def test_an_empty_archives_feeds_are_valid_too(db: None) -> None:
    for name in ("opds_root", "opds_new", "opds_fandoms"):
        response = Client().get(FEEDS[name][0])
        assert feed_problems(response.content, response["Content-Type"]) == [], name


def test_opds_navigation_entries_say_when_their_works_last_changed(author: User, guest: Client) -> None:
    make_work(author, title="Older")
    newest = make_work(author, title="Newest")
    Tag.objects.filter(name=FANDOM).update(canonical=True)
    assert newest.revised_at is not None
    for name in ("opds_root", "opds_fandoms"):
        feed = fromstring(guest.get(FEEDS[name][0]).content)
        dates = {entry.findtext(f"{ATOM}updated") for entry in feed.iter(f"{ATOM}entry")}
        assert {datetime.datetime.fromisoformat(date or "") for date in dates} == {newest.revised_at}, name


def test_an_opds_page_past_the_end_is_not_found_rather_than_the_last_page_again(archive: None, guest: Client) -> None:
    new_works = reverse("downloads:opds_new")
    assert guest.get(new_works + "?page=2").status_code == 200
    assert guest.get(new_works + "?page=3").status_code == 404
    assert guest.get(reverse("downloads:opds_fandoms") + "?page=2").status_code == 404
    assert guest.get(reverse("downloads:opds_tag", args=[tag_to_url_part(FANDOM)]) + "?page=9").status_code == 404
    assert guest.get(reverse("downloads:opds_search") + "?q=Lantern&page=3").status_code == 404
    assert guest.get(new_works + "?page=two").status_code == 400
