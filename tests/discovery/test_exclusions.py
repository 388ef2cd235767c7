"""A reader's exclusion profile (docs/exclusions.md): standing filters, kept on /users/<name>/exclusions/, that
every listing, count, facet, search, Atom feed and e-reader catalogue the reader sees applies, with a line on each
listing saying how many works they hid and a link showing them."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fanshelf.accounts.actions import create_token
from fanshelf.accounts.models import User
from fanshelf.discovery.actions import ExclusionChoices, save_exclusion_profile
from fanshelf.reading.actions import shelve
from fanshelf.tags.actions import add_metatag, find_or_create_tag, make_synonym
from fanshelf.tags.models import TagType
from fanshelf.works.models import Work
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


def exclusion_line(response: object) -> str:
    line = parse(response.content.decode()).select_one("p.exclusion-line")  # type: ignore[attr-defined]
    return " ".join(line.get_text().split()) if line is not None else ""


def switch_link(response: object) -> str:
    line = parse(response.content.decode()).select_one("p.exclusion-line a")  # type: ignore[attr-defined]
    assert line is not None
    return str(line["href"])


def facet_counts(response: object) -> dict[str, int]:
    counts = {}
    for link in parse(response.content.decode()).select("section.facets li > a:first-child"):  # type: ignore[attr-defined]
        name, _, count = link.get_text(strip=True).rpartition("(")
        counts[name.strip()] = int(count.rstrip(")").replace(",", ""))
    return counts


def exclude(user: User, **choices: object) -> None:
    save_exclusion_profile(user, ExclusionChoices(**choices))  # type: ignore[arg-type]


def feed_titles(response: object) -> list[str]:
    assert response.status_code == 200  # type: ignore[attr-defined]
    feed = ET.fromstring(response.content)  # type: ignore[attr-defined]  # noqa: S314 (our own feed)
    return sorted(entry.findtext(f"{ATOM}title", "") for entry in feed.iter(f"{ATOM}entry"))


@pytest.fixture
def shelf(author: User, moderator: User) -> dict[str, Work]:
    """Works differing in one respect each from the plain one."""
    canonical_tag(FANDOM, TagType.FANDOM, moderator)
    canonical_tag(OTHER, TagType.FANDOM, moderator)
    canonical_tag("Harbour Ghosts", TagType.FREEFORM, moderator)
    second = make_user("Brinewright")
    return {
        "plain": make_work(author, title="Plain Tide"),
        "ghosts": make_work(author, title="Ghost Tide", freeforms=["Harbour Ghosts"]),
        "french": make_work(author, title="Marée", language="fr"),
        "mature": make_work(author, title="Mature Tide", rating="Mature"),
        "violent": make_work(author, title="Violent Tide", warnings=["Graphic Depictions Of Violence"]),
        "crossover": make_work(author, title="Crossing Tide", fandoms=[FANDOM, OTHER]),
        "other creator": make_work(second, title="Brine Tide"),
    }


ALL = ["Brine Tide", "Crossing Tide", "Ghost Tide", "Marée", "Mature Tide", "Plain Tide", "Violent Tide"]
KINDS: dict[str, tuple[dict[str, object], str]] = {
    "tag": ({"tags": "harbour ghosts"}, "Ghost Tide"),
    "creator": ({"creators": "Brinewright"}, "Brine Tide"),
    "pseud": ({"creators": "Brinewright (Brinewright)"}, "Brine Tide"),
    "language": ({"languages": ["fr"]}, "Marée"),
    "rating": ({"ratings": ["Mature"]}, "Mature Tide"),
    "warning": ({"warnings": ["Graphic Depictions Of Violence"]}, "Violent Tide"),
    "crossover": ({"crossovers": True}, "Crossing Tide"),
    "more than one fandom": ({"max_fandoms": "1"}, "Crossing Tide"),
}


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.usefixtures("shelf")
def test_each_kind_of_exclusion_hides_its_works_from_listings_and_counts(
    kind: str, reader: User, reader_client: Client
) -> None:
    choices, hidden = KINDS[kind]
    exclude(reader, **choices)
    for url in (reverse("discovery:works"), reverse("discovery:tag_works", args=[FANDOM])):
        response = reader_client.get(url, {"sort": "title"})
        assert sorted(titles(response)) == sorted(t for t in ALL if t != hidden)
        assert count_heading(response) == "6 Works"
        assert exclusion_line(response).startswith("1 work hidden by your filters (show them)")


def test_a_tag_hides_its_synonyms_and_subtags_works(author: User, moderator: User, reader: User) -> None:
    canonical_tag(FANDOM, TagType.FANDOM, moderator)
    sea = canonical_tag("Sea Monsters", TagType.FREEFORM, moderator)
    kraken = canonical_tag("Krakens", TagType.FREEFORM, moderator)
    add_metatag(kraken, sea, by=moderator)
    make_synonym(find_or_create_tag("Leviathans", TagType.FREEFORM), sea, by=moderator)
    make_work(author, title="Sub Tide", freeforms=["Krakens"])
    make_work(author, title="Synonym Tide", freeforms=["Leviathans"])
    make_work(author, title="Calm Tide")
    exclude(reader, tags="leviathans")  # a synonym stands for its canonical
    response = signed_in_client(reader).get(reverse("discovery:works"))
    assert titles(response) == ["Calm Tide"]


@pytest.mark.usefixtures("shelf")
def test_finished_and_dropped_shelves_hide_their_works(reader: User, reader_client: Client) -> None:
    shelve(reader, Work.objects.get(title="Plain Tide"), "finished")
    shelve(reader, Work.objects.get(title="Ghost Tide"), "dropped")
    shelve(reader, Work.objects.get(title="Marée"), "reading")
    exclude(reader, shelves=["finished", "dropped"])
    assert sorted(titles(reader_client.get(reverse("discovery:works")))) == sorted(
        set(ALL) - {"Plain Tide", "Ghost Tide"}
    )
    shelve(reader, Work.objects.get(title="Marée"), "finished")  # a shelf change shows at once
    assert "Marée" not in titles(reader_client.get(reverse("discovery:works")))


@pytest.mark.usefixtures("shelf")
def test_facet_counts_and_totals_agree_with_what_is_shown(reader: User, reader_client: Client) -> None:
    exclude(reader, crossovers=True, ratings=["Mature"])
    response = reader_client.get(reverse("discovery:works"))
    shown = titles(response)
    assert count_heading(response) == f"{len(shown)} Works" == "5 Works"
    counts = facet_counts(response)
    assert counts[FANDOM] == 5
    assert OTHER not in counts  # only the hidden crossover had it
    assert "Mature" not in counts
    assert exclusion_line(response).startswith("2 works hidden by your filters")


@pytest.mark.usefixtures("shelf")
def test_search_leaves_out_excluded_works(reader: User, reader_client: Client) -> None:
    exclude(reader, tags="Harbour Ghosts")
    response = reader_client.get(reverse("discovery:works"), {"q": "tide"})
    assert "Ghost Tide" not in titles(response)
    assert "Plain Tide" in titles(response)


@pytest.mark.usefixtures("shelf")
def test_the_show_them_switch_turns_the_filters_off_and_back_on(reader: User, reader_client: Client) -> None:
    exclude(reader, languages=["fr"])
    url = reverse("discovery:works")
    response = reader_client.get(url, {"sort": "title"})
    assert "Marée" not in titles(response)
    show = switch_link(response)
    assert "exclusions=off" in show
    assert "sort=title" in show
    response = reader_client.get(url + show)
    assert sorted(titles(response)) == ALL
    assert count_heading(response) == "7 Works"
    assert exclusion_line(response).startswith("Your filters are off (turn them on)")
    form = parse(response.content.decode()).select_one("form.filters input[name=exclusions]")
    assert form is not None
    assert form["value"] == "off"
    back = switch_link(response)
    assert "exclusions" not in back
    assert "Marée" not in titles(reader_client.get(url + back))


@pytest.mark.usefixtures("shelf")
def test_guests_and_other_readers_are_unaffected(reader: User, guest: Client) -> None:
    exclude(reader, languages=["fr"], crossovers=True)
    other = signed_in_client(make_user("Saltmarsh"))
    for client in (guest, other):
        response = client.get(reverse("discovery:works"))
        assert sorted(titles(response)) == ALL
        assert exclusion_line(response) == ""
    assert guest.get(reverse("discovery:works"), {"exclusions": "off"}).status_code == 200


@pytest.mark.usefixtures("shelf")
def test_a_change_to_the_profile_shows_at_once_on_a_memoised_listing(reader: User, reader_client: Client) -> None:
    url = reverse("discovery:works")
    assert sorted(titles(reader_client.get(url))) == ALL
    exclude(reader, ratings=["Mature"])
    assert "Mature Tide" not in titles(reader_client.get(url))
    exclude(reader)
    assert sorted(titles(reader_client.get(url))) == ALL
    assert exclusion_line(reader_client.get(url)) == ""  # an empty profile shows no line


@pytest.mark.usefixtures("shelf")
def test_the_tag_feed_leaves_out_a_signed_in_readers_exclusions(reader: User, reader_client: Client) -> None:
    exclude(reader, languages=["fr"])
    url = reverse("downloads:tag_feed", args=[FANDOM])
    assert "Marée" not in feed_titles(reader_client.get(url))
    assert "Marée" in feed_titles(Client().get(url))


@pytest.mark.usefixtures("shelf")
def test_the_catalogue_with_a_token_leaves_out_the_token_owners_exclusions(reader: User) -> None:
    exclude(reader, creators="Brinewright", crossovers=True)
    token = create_token(reader, "e-reader").secret
    header = {"Authorization": "Basic " + base64.b64encode(f"x:{token}".encode()).decode()}
    app = Client()
    new = feed_titles(app.get(reverse("downloads:opds_new"), headers=header))
    assert "Brine Tide" not in new
    assert "Crossing Tide" not in new
    assert "Plain Tide" in new
    tag = feed_titles(app.get(reverse("downloads:opds_tag", args=[FANDOM]), headers=header))
    assert "Brine Tide" not in tag
    assert "Plain Tide" in tag
    found = feed_titles(app.get(reverse("downloads:opds_search"), {"q": "tide"}, headers=header))
    assert "Brine Tide" not in found
    assert "Plain Tide" in found
    assert "Brine Tide" in feed_titles(Client().get(reverse("downloads:opds_new")))
    fandoms = ET.fromstring(app.get(reverse("downloads:opds_fandoms"), headers=header).content)  # noqa: S314
    counts = {e.findtext(f"{ATOM}title"): e.findtext(f"{ATOM}summary") for e in fandoms.iter(f"{ATOM}entry")}
    assert counts == {FANDOM: "5 works"}  # the crossover alone was in the other fandom


def test_the_page_saves_names_as_typed_and_shows_them_again(author: User, moderator: User, reader: User) -> None:
    canonical_tag("月影の庭", TagType.FREEFORM, moderator)
    canonical_tag("حديقة القمر", TagType.FREEFORM, moderator)
    make_user("Brinewright")
    client = signed_in_client(reader)
    url = reverse("discovery:exclusions", args=[reader.username])
    assert client.get(url).status_code == 200
    data = {"tags": "月影の庭, حديقة القمر", "creators": "brinewright", "ratings": ["Mature"], "max_fandoms": "3"}
    response = client.post(url, data)
    assert response.status_code == 302
    page = parse(client.get(url).content.decode())
    tags = page.select_one("textarea[name=tags]")
    assert tags is not None
    assert set(tags.get_text().strip().split(", ")) == {"月影の庭", "حديقة القمر"}
    creators = page.select_one("textarea[name=creators]")
    assert creators is not None
    assert creators.get_text().strip() == "Brinewright"
    assert page.select_one("input[name=max_fandoms]")["value"] == "3"  # type: ignore[index]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"tags": "No Such Tag Anywhere"}, "not a tag the archive filters by"),
        ({"creators": "nobody-by-this-name"}, "No creator here is called"),
        ({"max_fandoms": "٣"}, "Use the digits 0-9"),
        ({"max_fandoms": "lots"}, "needs a whole number"),
        ({"languages": ["xx"]}, "not one of the available choices"),
        ({"tags": "tide\x00"}, "Null characters are not allowed"),
    ],
)
def test_bad_input_is_refused_with_a_message_by_its_field(
    data: dict[str, object], message: str, reader: User, reader_client: Client
) -> None:
    response = reader_client.post(reverse("discovery:exclusions", args=[reader.username]), data)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_only_the_owner_may_see_or_change_the_profile(reader: User, author_client: Client, guest: Client) -> None:
    url = reverse("discovery:exclusions", args=[reader.username])
    assert author_client.get(url).status_code == 403
    assert author_client.post(url, {"crossovers": "on"}).status_code == 403
    response = guest.get(url)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_preferences_page_links_to_the_profile(reader: User, reader_client: Client) -> None:
    page = reader_client.get(reverse("accounts:preferences", args=[reader.username])).content.decode()
    assert reverse("discovery:exclusions", args=[reader.username]) in page


def test_a_listing_with_exclusions_costs_the_same_queries_whatever_their_number(author: User, moderator: User) -> None:
    canonical_tag(FANDOM, TagType.FANDOM, moderator)
    names = [f"Excluded Tag {n}" for n in range(12)]
    for name in names:
        canonical_tag(name, TagType.FREEFORM, moderator)
    creators = [make_user(f"Hidden{n}").username for n in range(8)]
    make_work(author, title="Plain Tide", freeforms=names[:1])
    make_work(author, title="Other Tide")
    reader = make_user("Counter")
    client = signed_in_client(reader)
    url = reverse("discovery:works")

    def queries(tags: list[str], people: list[str], sort: str) -> int:
        exclude(reader, tags=", ".join(tags), creators=", ".join(people), crossovers=True)
        client.get(url, {"sort": sort, "page": "1"})  # the sets are read once per version
        with CaptureQueriesContext(connection) as counted:
            response = client.get(url, {"sort": sort})
        assert titles(response) == ["Other Tide"]
        return len(counted.captured_queries)

    assert queries(names[:1], creators[:1], "title") == queries(names, creators, "words")
