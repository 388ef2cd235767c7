"""A muted user's works vanish from every listing, facet count, total, search, feed and personal catalogue the
muter sees, at once, answered by the discovery engine with per-reader sets (docs/exclusions.md, "Mutes")."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fanshelf.accounts.actions import create_token
from fanshelf.accounts.blocking import mute, unmute
from fanshelf.accounts.models import Pseud, User
from fanshelf.tags.models import TagType
from fanshelf.works.models import Creatorship
from tests.core.pages import listed_titles as titles
from tests.core.pages import parse
from tests.factories import make_user, make_work, signed_in_client
from tests.tags.conftest import canonical_tag

ATOM = "{http://www.w3.org/2005/Atom}"
FANDOM = "Tidewater Chronicles"
OTHER = "Starfall Academy"


def count_heading(response: object) -> str:
    heading = parse(response.content.decode()).select_one("h2.count")  # type: ignore[attr-defined]
    assert heading is not None
    return heading.get_text(strip=True)


def facet_counts(response: object) -> dict[str, int]:
    counts = {}
    for link in parse(response.content.decode()).select("section.facets li > a:first-child"):  # type: ignore[attr-defined]
        name, _, count = link.get_text(strip=True).rpartition("(")
        counts[name.strip()] = int(count.rstrip(")").replace(",", ""))
    return counts


def feed_titles(response: object) -> list[str]:
    assert response.status_code == 200  # type: ignore[attr-defined]
    feed = ET.fromstring(response.content)  # type: ignore[attr-defined]  # noqa: S314 (our own feed)
    return sorted(entry.findtext(f"{ATOM}title", "") for entry in feed.iter(f"{ATOM}entry"))


@pytest.fixture
def noisy(author: User, moderator: User) -> User:
    """A second creator with two works (one in a fandom nobody else writes), one shared with the author."""
    canonical_tag(FANDOM, TagType.FANDOM, moderator)
    canonical_tag(OTHER, TagType.FANDOM, moderator)
    noisy = make_user("Foghorn")
    make_work(author, title="Quiet Tide")
    make_work(noisy, title="Loud Tide")
    make_work(noisy, title="Loud Stars", fandoms=[OTHER])
    shared = make_work(author, title="Shared Tide")
    # Credited as a co-creator who accepted would be (the index is built after this, on the first listing).
    Creatorship.objects.create(work=shared, pseud=noisy.default_pseud(), position=1)
    return noisy


def test_a_mute_takes_the_muted_users_works_out_of_listings_counts_and_facets_at_once(
    noisy: User, reader: User, reader_client: Client
) -> None:
    url = reverse("discovery:works")
    response = reader_client.get(url)
    assert count_heading(response) == "4 Works"
    assert facet_counts(response)[OTHER] == 1
    mute(reader, noisy)
    response = reader_client.get(url)
    assert titles(response) == ["Quiet Tide"]  # a work they co-created goes too
    assert count_heading(response) == "1 Work"
    assert facet_counts(response) == {FANDOM: 1, "General Audiences": 1, "No Archive Warnings Apply": 1}
    tag_page = reader_client.get(reverse("discovery:tag_works", args=[FANDOM]))
    assert titles(tag_page) == ["Quiet Tide"]
    found = reader_client.get(url, {"q": "loud"})
    assert titles(found) == []
    assert count_heading(found) == "0 Works"
    unmute(reader, noisy)
    assert sorted(titles(reader_client.get(url))) == ["Loud Stars", "Loud Tide", "Quiet Tide", "Shared Tide"]


def test_a_muted_users_new_work_and_new_pseud_are_hidden_too(noisy: User, reader: User, reader_client: Client) -> None:
    mute(reader, noisy)
    url = reverse("discovery:works")
    reader_client.get(url)
    make_work(noisy, title="Louder Tide")
    pseud = Pseud.objects.create(user=noisy, name="Mistral")
    make_work(noisy, title="Windy Tide", pseuds=[pseud])
    assert titles(reader_client.get(url)) == ["Quiet Tide"]


def test_other_readers_and_guests_still_see_a_muted_users_works(noisy: User, reader: User, guest: Client) -> None:
    mute(reader, noisy)
    everything = ["Loud Stars", "Loud Tide", "Quiet Tide", "Shared Tide"]
    assert sorted(titles(guest.get(reverse("discovery:works")))) == everything
    assert sorted(titles(signed_in_client(make_user("Gullwing")).get(reverse("discovery:works")))) == everything
    assert sorted(titles(signed_in_client(noisy).get(reverse("discovery:works")))) == everything


def test_an_anonymous_work_by_a_muted_user_stays_listed(noisy: User, reader: User, reader_client: Client) -> None:
    """Hiding it would tell the muter who wrote it (mute, compare, unmute): anonymity wins, as documented."""
    make_work(noisy, title="Masked Tide", anonymous=True)
    mute(reader, noisy)
    assert sorted(titles(reader_client.get(reverse("discovery:works")))) == ["Masked Tide", "Quiet Tide"]


def test_mutes_are_not_switched_off_with_the_exclusion_profile(
    noisy: User, reader: User, reader_client: Client
) -> None:
    mute(reader, noisy)
    response = reader_client.get(reverse("discovery:works"), {"exclusions": "off"})
    assert titles(response) == ["Quiet Tide"]


def test_the_feed_and_the_catalogue_with_a_token_leave_out_muted_users(noisy: User, reader: User) -> None:
    mute(reader, noisy)
    feed = reverse("downloads:tag_feed", args=[FANDOM])
    assert feed_titles(signed_in_client(reader).get(feed)) == ["Quiet Tide"]
    assert "Loud Tide" in feed_titles(Client().get(feed))
    token = create_token(reader, "e-reader").secret
    header = {"Authorization": "Basic " + base64.b64encode(f"x:{token}".encode()).decode()}
    app = Client()
    assert feed_titles(app.get(reverse("downloads:opds_new"), headers=header)) == ["Quiet Tide"]
    search = app.get(reverse("downloads:opds_search"), {"q": "tide"}, headers=header)
    assert feed_titles(search) == ["Quiet Tide"]
    fandoms = ET.fromstring(app.get(reverse("downloads:opds_fandoms"), headers=header).content)  # noqa: S314
    assert [entry.findtext(f"{ATOM}title") for entry in fandoms.iter(f"{ATOM}entry")] == [FANDOM]


def test_the_front_page_leaves_out_muted_users(noisy: User, reader: User, reader_client: Client) -> None:
    mute(reader, noisy)
    page = reader_client.get(reverse("home")).content.decode()
    assert "Quiet Tide" in page
    assert "Loud Tide" not in page


def test_a_listing_costs_the_same_queries_whatever_the_number_of_muted_users(
    noisy: User, reader: User, reader_client: Client
) -> None:
    url = reverse("discovery:works")

    def queries(sort: str) -> int:
        reader_client.get(url, {"sort": sort, "page": "1"})  # the muted pseuds are read once per mute version
        with CaptureQueriesContext(connection) as counted:
            response = reader_client.get(url, {"sort": sort})
        assert "Loud Tide" not in titles(response)
        return len(counted.captured_queries)

    mute(reader, noisy)
    one = queries("title")
    for n in range(10):
        other = make_user(f"Whisper{n}")
        make_work(other, title=f"Whisper {n}")
        mute(reader, other)
    assert queries("words") == one
