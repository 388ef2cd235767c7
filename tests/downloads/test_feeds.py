"""Atom feeds per canonical tag and the OPDS catalogue: what each viewer finds in them."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.discovery.live import ensure_fresh
from fanshelf.tags.actions import find_or_create_tag
from fanshelf.tags.models import Tag, TagType
from tests.downloads.states import STATES, make_work_in_state
from tests.factories import PASSWORD, make_work

ATOM = "{http://www.w3.org/2005/Atom}"
FANDOM = "Tidewater Chronicles"


def canonical(name: str, tag_type: str = TagType.FANDOM) -> Tag:
    tag = find_or_create_tag(name, tag_type)
    Tag.objects.filter(pk=tag.pk).update(canonical=True)
    return Tag.objects.get(pk=tag.pk)


def make_synonym(name: str, of: Tag) -> Tag:
    Tag.objects.named(name).update(merger=of)
    return Tag.objects.named(name).get()


def feed_url(tag_part: str) -> str:
    return reverse("downloads:tag_feed", args=[tag_part])


def parse(response: object) -> ET.Element:
    return ET.fromstring(response.content)  # type: ignore[attr-defined]  # noqa: S314 (our own feed)


def entry_titles(feed: ET.Element) -> list[str]:
    return [entry.findtext(f"{ATOM}title", "") for entry in feed.iter(f"{ATOM}entry")]


def basic(user: User) -> str:
    return "Basic " + base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()


@pytest.fixture
def works_in_every_state(author: User) -> dict[str, int]:
    works = {state: make_work_in_state(author, state).pk for state in STATES}
    canonical(FANDOM)
    return works


@pytest.mark.parametrize("viewer", ["guest", "reader", "creator", "moderator"])
def test_tag_feed_shows_public_and_anonymous_works_to_everyone_and_nothing_else(
    viewer: str,
    works_in_every_state: dict[str, int],
    client_for: dict[str, Client],
) -> None:
    client = client_for[viewer]
    response = client.get(feed_url(FANDOM))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert sorted(entry_titles(parse(response))) == ["The anonymous lighthouse", "The public lighthouse"]


def test_tag_feed_entry_of_an_anonymous_work_names_no_creator(author: User, guest: Client) -> None:
    make_work_in_state(author, "anonymous")
    canonical(FANDOM)
    response = guest.get(feed_url(FANDOM))
    entry = next(parse(response).iter(f"{ATOM}entry"))
    assert entry.find(f"{ATOM}author") is None
    assert author.username not in response.content.decode()
    assert "by Anonymous" in entry.findtext(f"{ATOM}summary", "")


def test_tag_feed_entry_names_the_creator_and_links_the_work(author: User, guest: Client) -> None:
    work = make_work(author, summary="Gulls, counted <em>twice</em>.")
    canonical(FANDOM)
    entry = next(parse(guest.get(feed_url(FANDOM))).iter(f"{ATOM}entry"))
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == author.username
    link = entry.find(f"{ATOM}link")
    assert link is not None
    assert link.get("href") == f"http://testserver/works/{work.pk}/"  # the address the reader used
    assert "<em>twice</em>" in entry.findtext(f"{ATOM}summary", "")


def test_tag_feed_holds_the_latest_25_works_newest_first(author: User, guest: Client) -> None:
    for number in range(27):
        make_work(author, title=f"Work {number:02d}")
    canonical(FANDOM)
    titles = entry_titles(parse(guest.get(feed_url(FANDOM))))
    assert titles == [f"Work {number:02d}" for number in range(26, 1, -1)]


def test_synonym_feed_moves_to_its_canonical_which_holds_the_synonym_works(author: User, guest: Client) -> None:
    make_work(author, title="Tagged with the synonym", fandoms=["Tidewater"])
    make_synonym("Tidewater", canonical(FANDOM))
    response = guest.get(feed_url("Tidewater"))
    assert response.status_code == 301
    assert response["Location"] == feed_url(FANDOM)
    assert entry_titles(parse(guest.get(feed_url(FANDOM)))) == ["Tagged with the synonym"]


def test_tags_with_url_breaking_characters_have_feeds(author: User, guest: Client) -> None:
    make_work(author, relationships=["Marin/Gull"])
    canonical("Marin/Gull", TagType.RELATIONSHIP)
    assert guest.get(feed_url("Marin*s*Gull")).status_code == 200


def test_unwrangled_and_unknown_tags_have_no_feed(author: User, guest: Client) -> None:
    make_work(author)
    assert guest.get(feed_url(FANDOM)).status_code == 404
    assert guest.get(feed_url("No Such Tag")).status_code == 404


def test_tag_feed_queries_do_not_grow_with_the_number_of_works(
    author: User, guest: Client, django_assert_max_num_queries: object
) -> None:
    fandom = "Queries of the Lighthouse"  # a feed no other test fetched, so none is cached
    for number in range(10):
        make_work(author, title=f"Work {number}", fandoms=[fandom])
    canonical(fandom)
    ensure_fresh()  # the discovery index, which picks the works, catches up first
    # The tag (two reads), the index's look at the outbox, the works, their tags, creators and gifts.
    with django_assert_max_num_queries(7):  # type: ignore[operator]
        feed = parse(guest.get(feed_url(fandom)))
    assert len(entry_titles(feed)) == 10


# OPDS -------------------------------------------------------------------------------------------------------


def test_opds_root_is_a_navigation_feed_with_new_works_fandoms_and_search(guest: Client) -> None:
    response = guest.get(reverse("downloads:opds_root"))
    assert response["Content-Type"] == "application/atom+xml;profile=opds-catalog;kind=navigation;charset=utf-8"
    feed = parse(response)
    assert entry_titles(feed) == ["New works", "Fandoms"]
    rels = {link.get("rel"): link.get("href", "") for link in feed.findall(f"{ATOM}link")}
    assert rels["search"].endswith(reverse("downloads:opensearch"))
    assert rels["start"].endswith(reverse("downloads:opds_root"))


def test_opds_new_works_offer_epub_acquisition_links(author: User, guest: Client) -> None:
    work = make_work(author)
    feed = parse(guest.get(reverse("downloads:opds_new")))
    links = [link.attrib for link in next(feed.iter(f"{ATOM}entry")).findall(f"{ATOM}link")]
    acquisition = next(link for link in links if link["rel"] == "http://opds-spec.org/acquisition")
    assert acquisition["type"] == "application/epub+zip"
    assert acquisition["href"].endswith(reverse("downloads:work", args=[work.pk, "epub"]))


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        ("guest", ["The anonymous lighthouse", "The public lighthouse"]),
        ("reader", ["The anonymous lighthouse", "The public lighthouse", "The restricted lighthouse"]),
        ("creator", ["The anonymous lighthouse", "The public lighthouse", "The restricted lighthouse"]),
        ("moderator", ["The anonymous lighthouse", "The public lighthouse", "The restricted lighthouse"]),
    ],
)
def test_opds_shows_restricted_works_only_to_readers_who_authenticate(
    viewer: str,
    expected: list[str],
    works_in_every_state: dict[str, int],
    author: User,
    reader: User,
    moderator: User,
) -> None:
    user = {"guest": None, "reader": reader, "creator": author, "moderator": moderator}[viewer]
    client = Client(HTTP_AUTHORIZATION=basic(user)) if user else Client()
    for route in ("downloads:opds_new",):
        feed = parse(client.get(reverse(route)))
        assert sorted(entry_titles(feed)) == expected
    tag_feed = parse(client.get(reverse("downloads:opds_tag", args=[FANDOM])))
    assert sorted(entry_titles(tag_feed)) == expected


def test_opds_fandoms_count_works_under_their_canonical_including_synonyms(author: User, guest: Client) -> None:
    make_work(author, title="Canonical")
    make_work(author, title="Synonym", fandoms=["Tidewater"])
    make_work(author, title="Restricted", restricted=True)
    make_synonym("Tidewater", canonical(FANDOM))
    feed = parse(guest.get(reverse("downloads:opds_fandoms")))
    entries = [
        (entry.findtext(f"{ATOM}title"), entry.findtext(f"{ATOM}summary")) for entry in feed.iter(f"{ATOM}entry")
    ]
    assert entries == [(FANDOM, "2 works")]


def test_opds_fandoms_are_counted_from_the_index_without_reading_any_works_tags(author: User, guest: Client) -> None:
    make_work(author, title="Canonical")
    make_work(author, title="Synonym", fandoms=["Tidewater"])
    make_synonym("Tidewater", canonical(FANDOM))
    guest.get(reverse("downloads:opds_fandoms"))  # the index is built on its first use
    with CaptureQueriesContext(connection) as queries:
        feed = parse(guest.get(reverse("downloads:opds_fandoms")))
    assert [entry.findtext(f"{ATOM}summary") for entry in feed.iter(f"{ATOM}entry")] == ["2 works"]
    # Reading every work's fandom tags took 17 s at 2 million works.
    assert not [query["sql"] for query in queries if "works_work_tags" in query["sql"]]


def test_opds_search_finds_works_by_title_words(author: User, guest: Client) -> None:
    make_work(author, title="Salt and Lanterns")
    make_work(author, title="Harbour Lights")
    feed = parse(guest.get(reverse("downloads:opds_search"), {"q": "lanterns salt"}))
    assert entry_titles(feed) == ["Salt and Lanterns"]


def test_opensearch_description_points_at_the_search_feed(guest: Client) -> None:
    response = guest.get(reverse("downloads:opensearch"))
    assert response["Content-Type"].startswith("application/opensearchdescription+xml")
    template = parse(response).find("{http://a9.com/-/spec/opensearch/1.1/}Url")
    assert template is not None
    assert template.get("template", "").endswith(reverse("downloads:opds_search") + "?q={searchTerms}")


def test_opds_login_challenges_until_the_app_authenticates(reader: User) -> None:
    challenged = Client().get(reverse("downloads:opds_login"))
    assert challenged.status_code == 401
    assert "Basic" in challenged["WWW-Authenticate"]
    assert Client().get(reverse("downloads:opds_login"), HTTP_AUTHORIZATION=basic(reader)).status_code == 200


def test_opds_pages_link_to_the_next_page(author: User, guest: Client) -> None:
    for number in range(26):
        make_work(author, title=f"Work {number}")
    feed = parse(guest.get(reverse("downloads:opds_new")))
    rels = {link.get("rel"): link.get("href", "") for link in feed.findall(f"{ATOM}link")}
    assert rels["next"].endswith(reverse("downloads:opds_new") + "?page=2")
    assert len(entry_titles(parse(guest.get(rels["next"].removeprefix("http://testserver"))))) == 1


def test_opds_new_works_queries_do_not_grow_with_the_number_of_works(
    author: User, guest: Client, django_assert_max_num_queries: object
) -> None:
    for number in range(10):
        make_work(author, title=f"Work {number}")
    ensure_fresh()  # the discovery index, which picks the works, catches up first
    # The index's look at the outbox, the works, their tags, creators and gifts, the chapters.
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        feed = parse(guest.get(reverse("downloads:opds_new")))
    assert len(entry_titles(feed)) == 10
