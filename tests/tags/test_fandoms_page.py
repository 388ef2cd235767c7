"""The Fandoms page: every fandom with works a reader can find, by medium, with counts of those works only."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.tags.actions import add_metatag, add_parent, find_or_create_tag, make_synonym
from fanshelf.tags.models import TagType
from tests.factories import make_work
from tests.tags.conftest import canonical_tag

pytestmark = pytest.mark.django_db


def _sections(client: Client) -> dict[str, list[str]]:
    """Each heading on the Fandoms page with its entries as shown ("Name (count)")."""
    response = client.get(reverse("discovery:fandoms"))
    assert response.status_code == 200
    page = BeautifulSoup(response.content.decode(), "html.parser")
    return {
        section.select_one("h2").get_text(strip=True): [  # type: ignore[union-attr]
            " ".join(li.get_text().split()) for li in section.select("ul.fandoms li")
        ]
        for section in page.select("section.medium")
    }


def test_fandoms_are_listed_under_their_medium_with_how_many_works_they_hold(
    guest: Client, author: User, moderator: User
) -> None:
    television = canonical_tag("TV Shows", TagType.MEDIA, moderator)
    books = canonical_tag("Books & Literature", TagType.MEDIA, moderator)
    harbour = canonical_tag("Harbour Lights (TV)", TagType.FANDOM, moderator)
    add_parent(harbour, television, by=moderator)
    tidewater = canonical_tag("Tidewater Chronicles", TagType.FANDOM, moderator)
    add_parent(tidewater, books, by=moderator)
    make_work(author, title="One", fandoms=["Harbour Lights (TV)"])
    make_work(author, title="Two", fandoms=["Harbour Lights (TV)", "Tidewater Chronicles"])

    assert _sections(guest) == {
        "Books & Literature": ["Tidewater Chronicles (1)"],
        "TV Shows": ["Harbour Lights (TV) (2)"],
    }


def test_new_fandoms_nobody_wrangled_are_listed_as_uncategorized(guest: Client, author: User) -> None:
    make_work(author, fandoms=["Lanternfish Saga"])

    assert _sections(guest) == {"Uncategorized Fandoms": ["Lanternfish Saga (1)"]}


def test_a_fandom_used_only_on_drafts_is_not_named_to_anyone(guest: Client, author: User, reader: User) -> None:
    make_work(author, title="Unfinished", fandoms=["Secret Project Fandom"], post=False)
    make_work(author, title="Posted", fandoms=["Tidewater Chronicles"])
    reader_client = Client()
    reader_client.force_login(reader)

    for client in (guest, reader_client):
        page = client.get(reverse("discovery:fandoms")).content.decode()
        assert "Secret Project Fandom" not in page
        assert "Tidewater Chronicles" in page


def test_works_for_registered_users_count_for_them_and_are_not_shown_to_guests(
    guest: Client, reader_client: Client, author: User
) -> None:
    make_work(author, title="Open", fandoms=["Tidewater Chronicles"])
    make_work(author, title="Members", fandoms=["Tidewater Chronicles", "Quiet Harbour"], restricted=True)

    assert _sections(guest) == {"Uncategorized Fandoms": ["Tidewater Chronicles (1)"]}
    assert _sections(reader_client) == {"Uncategorized Fandoms": ["Quiet Harbour (1)", "Tidewater Chronicles (2)"]}


def test_a_fandom_counts_its_synonyms_and_subtags_works_like_its_listing(
    guest: Client, author: User, moderator: User
) -> None:
    sherlock = canonical_tag("Sherlock Holmes & Related Fandoms", TagType.FANDOM, moderator)
    bbc = canonical_tag("Sherlock (TV)", TagType.FANDOM, moderator)
    add_metatag(bbc, sherlock, by=moderator)
    make_synonym(find_or_create_tag("BBC Sherlock", TagType.FANDOM), bbc, by=moderator)
    make_work(author, title="Baker Street", fandoms=["Sherlock (TV)"])
    make_work(author, title="Also Baker Street", fandoms=["BBC Sherlock"])
    make_work(author, title="Both names", fandoms=["BBC Sherlock", "Sherlock (TV)"])

    assert _sections(guest) == {"Uncategorized Fandoms": ["Sherlock (TV) (3)", "Sherlock Holmes & Related Fandoms (3)"]}


def test_every_page_header_links_to_the_fandoms_page(guest: Client) -> None:
    page = BeautifulSoup(guest.get(reverse("home")).content.decode(), "html.parser")

    links = [a["href"] for a in page.select("header nav a") if a.get_text(strip=True) == "Fandoms"]
    assert links == [reverse("discovery:fandoms")]


def test_the_fandoms_page_costs_the_same_queries_for_one_fandom_as_for_many(
    guest: Client, author: User, moderator: User
) -> None:
    television = canonical_tag("TV Shows", TagType.MEDIA, moderator)

    def queries_with(count: int) -> int:
        for number in range(count):
            fandom = canonical_tag(f"Harbour Lights {count}-{number}", TagType.FANDOM, moderator)
            add_parent(fandom, television, by=moderator)
            make_work(author, fandoms=[fandom.name, f"New Fandom {count}-{number}"])
        guest.get(reverse("discovery:fandoms"))  # the index catches up with the new works and tags first
        with CaptureQueriesContext(connection) as queries:
            assert guest.get(reverse("discovery:fandoms")).status_code == 200
        # The index counts: no work's tags are read (that took 10 s to minutes at 2 million works).
        assert not [query["sql"] for query in queries if "works_work_tags" in query["sql"]]
        return len(queries)

    assert queries_with(1) == queries_with(5)
