"""Every listing page (all works and search, tag, creator, pseud, language, and the front page) goes through the
discovery engine: filters and sorts from the URL, exact totals per viewer, pages that keep the filters, facet
counts whose links work, clear messages for malformed filters, and a fixed number of queries."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from fanshelf.accounts.models import User
from fanshelf.tags.actions import find_or_create_tag, make_synonym
from fanshelf.tags.models import TagType
from fanshelf.works.actions import set_hidden_by_moderator
from fanshelf.works.models import Work, WorkChange
from tests.core.pages import listed_titles as titles
from tests.core.pages import parse
from tests.factories import STORY, make_work
from tests.tags.conftest import canonical_tag

FANDOM = "Tidewater Chronicles"
LISTINGS: dict[str, Callable[[], str]] = {
    "works": lambda: reverse("discovery:works"),
    "tag": lambda: reverse("discovery:tag_works", args=[FANDOM]),
    "user": lambda: reverse("discovery:user_works", args=["Quillfeather"]),
    "pseud": lambda: reverse("discovery:pseud_works", args=["Quillfeather", "Quillfeather"]),
    "language": lambda: reverse("discovery:language_works", args=["en"]),
}
every_listing = pytest.mark.parametrize("listing", list(LISTINGS))


def count_heading(response: object) -> str:
    heading = parse(response.content.decode()).select_one("h2.count")  # type: ignore[attr-defined]
    assert heading is not None
    return heading.get_text(strip=True)


def error_message(response: object) -> str:
    error = parse(response.content.decode()).select_one("#filter-error")  # type: ignore[attr-defined]
    assert error is not None
    return error.get_text(strip=True)


def words(count: int) -> str:
    return " ".join(["gull"] * count)


@pytest.fixture
def harbour(author: User, moderator: User) -> dict[str, Work]:
    """A few works by the author in one canonical fandom, with different lengths, states and tags."""
    canonical_tag(FANDOM, TagType.FANDOM, moderator)
    canonical_tag("Mira Vance", TagType.CHARACTER, moderator)
    return {
        "short": make_work(author, title="Short Tide", chapters=[words(120)], characters=["Mira Vance"]),
        "long": make_work(author, title="Long Tide", chapters=[words(3000)], expected_chapters=None),
        "two": make_work(author, title="Two Tides", chapters=[words(600), words(700)], characters=["Mira Vance"]),
        "members": make_work(author, title="Members Tide", restricted=True),
    }


@every_listing
@pytest.mark.usefixtures("harbour")
def test_filters_and_sorts_from_the_url_apply_on_every_listing(listing: str, reader_client: Client) -> None:
    url = LISTINGS[listing]()
    response = reader_client.get(url, {"sort": "title", "words_from": "500"})
    assert response.status_code == 200
    assert titles(response) == ["Long Tide", "Two Tides"]
    assert count_heading(response) == "2 Works"
    response = reader_client.get(url, {"sort": "words", "direction": "asc", "complete": "0"})
    assert titles(response) == ["Long Tide"]
    response = reader_client.get(url, {"include": "mira vance", "single_chapter": "1"})
    assert titles(response) == ["Short Tide"]


@every_listing
@pytest.mark.usefixtures("harbour")
def test_totals_count_restricted_works_for_users_only(listing: str, guest: Client, reader_client: Client) -> None:
    url = LISTINGS[listing]()
    assert count_heading(guest.get(url)) == "3 Works"
    assert "Members Tide" not in titles(guest.get(url))
    assert count_heading(reader_client.get(url)) == "4 Works"


@every_listing
def test_drafts_and_hidden_works_are_never_listed(
    listing: str, author: User, author_client: Client, moderator_client: Client
) -> None:
    make_work(author, title="Posted Tide")
    make_work(author, title="Draft Tide", post=False)
    set_hidden_by_moderator(make_work(author, title="Hidden Tide"), hidden=True)
    for client in (author_client, moderator_client):
        response = client.get(LISTINGS[listing]())
        assert titles(response) == ["Posted Tide"]
        assert count_heading(response) == "1 Work"


@every_listing
def test_pages_keep_every_filter(listing: str, author: User, guest: Client, settings: object) -> None:
    settings.FANSHELF_WORKS_PER_PAGE = 2  # type: ignore[attr-defined]
    for number in range(5):
        make_work(author, title=f"Tide {number}", chapters=[words(100 + number)], characters=["Mira Vance"])
    make_work(author, title="Tide Filtered Out", chapters=[words(20)])
    first = guest.get(LISTINGS[listing](), {"sort": "words", "direction": "asc", "words_from": "50"})
    assert titles(first) == ["Tide 0", "Tide 1"]
    assert count_heading(first) == "5 Works"
    next_link = parse(first.content.decode()).select_one("a[rel=next]")
    assert next_link is not None
    params = dict(parse_qsl(urlsplit(str(next_link["href"])).query))
    assert params == {"sort": "words", "direction": "asc", "words_from": "50", "page": "2"}
    second = guest.get(LISTINGS[listing](), params)
    assert titles(second) == ["Tide 2", "Tide 3"]
    assert "Page 2 of 3" in second.content.decode()


def test_a_creators_anonymous_works_stay_off_their_pages_for_everyone_else(
    author: User, guest: Client, reader_client: Client, author_client: Client
) -> None:
    make_work(author, title="Signed Tide")
    make_work(author, title="Nameless Tide", anonymous=True)
    for name in ("user", "pseud"):
        url = LISTINGS[name]()
        for client in (guest, reader_client):
            page = client.get(url).content.decode()
            assert "Nameless Tide" not in page
            assert count_heading(client.get(url)) == "1 Work"
        own = author_client.get(url)
        assert titles(own) == ["Signed Tide"]
        box = parse(own.content.decode()).select_one("section.anonymous-works")
        assert box is not None
        assert "Nameless Tide" in box.get_text()
    # Everyone finds the anonymous work in the general listing, credited to nobody.
    assert "Nameless Tide" in titles(guest.get(LISTINGS["works"]()))


def test_synonyms_are_accepted_in_include_and_exclude(author: User, moderator: User, guest: Client) -> None:
    canonical = canonical_tag("Mira Vance", TagType.CHARACTER, moderator)
    make_synonym(find_or_create_tag("Captain Mira", TagType.CHARACTER), canonical, by=moderator)
    make_work(author, title="With Mira", characters=["Captain Mira"])
    make_work(author, title="Without Mira")
    assert titles(guest.get(reverse("discovery:works"), {"include": "captain mira"})) == ["With Mira"]
    assert titles(guest.get(reverse("discovery:works"), {"exclude": "CAPTAIN MIRA"})) == ["Without Mira"]
    form = parse(guest.get(reverse("discovery:works"), {"include": "captain mira"}).content.decode())
    kept = form.select_one("form.filters input[name=include][checked]")
    assert kept is not None
    assert kept["value"] == "Mira Vance"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"words_from": "abc"}, "Words from needs a whole number, not “abc”."),
        ({"sort": "nonsense"}, "not “nonsense”"),
        ({"page": "-1"}, "Page needs a whole number, not “-1”."),
        ({"page": "0"}, "Page must be between 1"),
        ({"updated_from": "yesterday"}, "Date updated from must be a date like 2024-12-31"),
        ({"q": 'an "open quote'}, "A quotation mark in the search text is not closed."),
        ({"crossover": "sometimes"}, "Crossovers must be include, exclude or only"),
    ],
)
@every_listing
def test_malformed_filters_show_a_clear_message_with_a_400(
    listing: str, params: dict[str, str], message: str, author: User, guest: Client
) -> None:
    make_work(author, title="Any Tide")
    response = guest.get(LISTINGS[listing](), params)
    assert response.status_code == 400
    assert message in error_message(response)
    # The form keeps what the reader typed, so they can correct it.
    field = next(iter(params))
    if field in ("words_from", "updated_from", "q"):
        typed = parse(response.content.decode()).select_one(f"form.filters input[name={field}]")
        assert typed is not None
        assert typed["value"] == params[field]


def test_a_page_past_the_last_says_how_many_there_are(author: User, guest: Client) -> None:
    make_work(author, title="Only Tide")
    response = guest.get(reverse("discovery:works"), {"page": "7"})
    assert response.status_code == 404
    assert "There is no page 7: this listing has 1." in error_message(response)


def test_unknown_tags_users_pseuds_and_languages_are_404(author: User, guest: Client) -> None:
    for url in (
        reverse("discovery:tag_works", args=["No Such Tag"]),
        reverse("discovery:user_works", args=["nobody"]),
        reverse("discovery:pseud_works", args=["Quillfeather", "nobody"]),
        reverse("discovery:language_works", args=["xx"]),
    ):
        assert guest.get(url).status_code == 404, url


def test_a_synonyms_tag_page_redirects_to_its_canonical_with_the_filters(moderator: User, guest: Client) -> None:
    canonical = canonical_tag("Mira Vance", TagType.CHARACTER, moderator)
    make_synonym(find_or_create_tag("Captain Mira", TagType.CHARACTER), canonical, by=moderator)
    response = guest.get(reverse("discovery:tag_works", args=["captain mira"]), {"sort": "kudos"})
    assert response.status_code == 302
    assert response["Location"] == f"{canonical.get_absolute_url()}?sort=kudos"


@pytest.mark.usefixtures("harbour")
def test_facets_count_canonical_tags_and_their_links_filter(guest: Client, reader_client: Client) -> None:
    response = reader_client.get(reverse("discovery:works"))
    facets = parse(response.content.decode()).select_one("section.facets")
    assert facets is not None
    links = {" ".join(a.get_text().split()): str(a["href"]) for a in facets.select("a:not(.exclude)")}
    assert links["Mira Vance (2)"] == "?include=Mira+Vance"
    assert links[f"{FANDOM} (4)"] == f"?include={FANDOM.replace(' ', '+')}"
    assert links["General Audiences (4)"] == "?include=General+Audiences"
    narrowed = reader_client.get(reverse("discovery:works") + links["Mira Vance (2)"])
    assert sorted(titles(narrowed)) == ["Short Tide", "Two Tides"]
    excluded = reader_client.get(reverse("discovery:works"), {"exclude": "Mira Vance"})
    assert sorted(titles(excluded)) == ["Long Tide", "Members Tide"]
    # Guests' counts leave restricted works out.
    guest_facets = parse(guest.get(reverse("discovery:works")).content.decode()).select_one("section.facets")
    assert guest_facets is not None
    assert f"{FANDOM} (3)" in guest_facets.get_text()


@pytest.mark.usefixtures("harbour")
def test_facet_links_keep_the_current_filters(reader_client: Client) -> None:
    response = reader_client.get(reverse("discovery:works"), {"sort": "title", "words_from": "100"})
    link = parse(response.content.decode()).select_one("section.facets a[href*='Mira']")
    assert link is not None
    assert dict(parse_qsl(str(link["href"])[1:])) == {"sort": "title", "words_from": "100", "include": "Mira Vance"}


def test_the_tag_page_combines_its_tag_with_the_readers_includes(author: User, moderator: User, guest: Client) -> None:
    canonical_tag(FANDOM, TagType.FANDOM, moderator)
    make_work(author, title="Harbour Only")
    make_work(author, title="Harbour and Mira", characters=["Mira Vance"])
    make_work(author, title="Mira Elsewhere", fandoms=["Starfall Academy"], characters=["Mira Vance"])
    response = guest.get(reverse("discovery:tag_works", args=[FANDOM]), {"include": "Mira Vance"})
    assert titles(response) == ["Harbour and Mira"]
    next_links = [str(a["href"]) for a in parse(response.content.decode()).select("section.facets a")]
    assert all(FANDOM.replace(" ", "+") not in href for href in next_links if "include=Mira" in href)


def test_text_search_on_the_works_page(author: User, guest: Client) -> None:
    make_work(author, title="The Lamplighter's Daughter")
    make_work(author, title="Salt Roads", chapters=[STORY + " A lamplighter walked the pier."])
    make_work(author, title="Quiet Harbour")
    response = guest.get(reverse("discovery:works"), {"q": "lamplighter"})
    assert response.status_code == 200
    assert set(titles(response)) == {"The Lamplighter's Daughter", "Salt Roads"}
    assert titles(guest.get(reverse("discovery:works"), {"q": "lamplighter -pier"})) == ["The Lamplighter's Daughter"]


def test_the_front_page_shows_the_latest_works_from_the_engine(author: User, guest: Client) -> None:
    start = timezone.now() - datetime.timedelta(days=30)
    for number in range(22):
        work = make_work(author, title=f"Front {number:02d}")
        Work.objects.filter(pk=work.pk).update(revised_at=start + datetime.timedelta(days=number))
    WorkChange.objects.bulk_create(WorkChange(work_id=w.pk, kind="edit") for w in Work.objects.all())
    page = guest.get(reverse("home")).content.decode()
    shown = [a.get_text() for a in parse(page).select("li.blurb h3 a[href^='/works/']")]
    assert shown == [f"Front {number:02d}" for number in range(21, 1, -1)]


def test_a_readers_own_new_work_is_listed_at_once(author: User, author_client: Client, settings: object) -> None:
    settings.DISCOVERY_REFRESH_SECONDS = 3600  # type: ignore[attr-defined]
    make_work(author, title="First Tide")
    assert titles(author_client.get(reverse("discovery:works"))) == ["First Tide"]
    make_work(author, title="Second Tide")
    assert titles(author_client.get(reverse("discovery:works"))) == ["Second Tide", "First Tide"]


def _make_tagged_works(author: User, count: int) -> None:
    for number in range(count):
        make_work(
            author,
            title=f"Listed Tide {number}",
            characters=[f"Keeper {number}", "Mira Vance"],
            relationships=[f"Keeper {number}/Gull"],
            freeforms=[f"Storms {number}", "Lighthouses"],
            categories=["Gen"],
        )


# Session and user (for a signed-in reader), the outbox check (two queries), the page's works with their tags and
# creators (three), a tag page's tag and neighbourhood (six), a creator page's user and pseuds (two or three) and
# its anonymous works (one or two), tag names the index has not cached yet, a signed-in reader's mute and filter
# versions (one: discovery/exclusions.py). One query per work would add twenty.
QUERY_BOUNDS = {"works": 10, "tag": 16, "user": 14, "pseud": 14, "language": 10}


@every_listing
@pytest.mark.parametrize("signed_in", [False, True])
def test_listing_pages_with_many_works_take_a_fixed_number_of_queries(
    listing: str,
    signed_in: bool,
    author: User,
    moderator: User,
    guest: Client,
    reader_client: Client,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    canonical_tag("Mira Vance", TagType.CHARACTER, moderator)
    canonical_tag(FANDOM, TagType.FANDOM, moderator)
    client = reader_client if signed_in else guest
    url = LISTINGS[listing]()
    _make_tagged_works(author, 1)
    client.get(url, {"include": "Mira Vance"})
    with CaptureQueriesContext(connection) as one_work:
        client.get(url, {"include": "Mira Vance"})
    one_work_queries = len(one_work)  # read now: the connection keeps only the latest few thousand queries
    assert one_work_queries <= QUERY_BOUNDS[listing], [q["sql"] for q in one_work.captured_queries]
    _make_tagged_works(author, 24)
    client.get(url, {"include": "Mira Vance"})  # the index applies the new works
    with django_assert_max_num_queries(one_work_queries, info=url):
        response = client.get(url, {"include": "Mira Vance"})
    assert response.status_code == 200
    assert count_heading(response) == "25 Works"
    assert len(titles(response)) == 20


def test_the_filter_form_shows_each_readers_own_choices(guest: Client) -> None:
    first = guest.get("/works/", {"words_from": "120"}).content.decode()
    second = guest.get("/works/", {"words_from": "300"}).content.decode()
    again = guest.get("/works/", {"words_from": "120"}).content.decode()
    assert 'name="words_from" value="120"' in first
    assert 'name="words_from" value="300"' in second
    assert 'name="words_from" value="120"' in again


def test_the_search_box_shows_each_search_as_typed_and_escaped(guest: Client) -> None:
    """The form is memoised without its search text (discovery/templatetags/discovery.py): each search puts its own
    text back, escaped, and a search with no text shows an empty box."""
    searches = ['"><b>bold</b> “curly”', "灯台 שלום", "harbour"]
    for text in [*searches, *searches]:
        page = parse(guest.get("/works/", {"q": text, "sort": "kudos"}).content.decode())
        box = page.select_one("form.filters input[name=q]")
        assert box is not None
        assert box["value"] == text
        assert page.select_one("form.filters b") is None
    empty = parse(guest.get("/works/", {"sort": "kudos"}).content.decode()).select_one("form.filters input[name=q]")
    assert empty is not None
    assert not empty.has_attr("value")


def test_facet_names_with_quotes_ampersands_and_right_to_left_text_read_as_typed(
    author: User, moderator: User, guest: Client
) -> None:
    marked = 'Ari "the Bold" & Co\'s “Crew”'  # tags may not hold < or >, but quotes and & they may
    for name in (marked, "דנה הכורמת"):  # facets count canonical tags
        canonical_tag(name, TagType.CHARACTER, moderator)
    make_work(author, title="Harbour Names", characters=[marked, "דנה הכורמת"])
    page = parse(guest.get(reverse("discovery:works")).content.decode())
    facets = page.select_one("section.facets")
    assert facets is not None
    group = facets.select_one("ul[aria-labelledby='facet-character']")
    heading = facets.select_one("h3#facet-character")
    assert group is not None
    assert heading is not None
    assert heading.get_text() == "Characters"
    shown = {" ".join(a.get_text().split()): a for a in group.select("a:not(.exclude)")}
    assert set(shown) == {f"{marked} (1)", "דנה הכורמת (1)"}
    assert dict(parse_qsl(str(shown[f"{marked} (1)"]["href"])[1:])) == {"include": marked}
    excludes = {str(a["aria-label"]): dict(parse_qsl(str(a["href"])[1:])) for a in group.select("a.exclude")}
    assert excludes[f"Exclude {marked}"] == {"exclude": marked}
    hebrew = shown["דנה הכורמת (1)"].select_one("bdi")  # isolated, so the count stays on its side
    assert hebrew is not None
    assert hebrew.get_text() == "דנה הכורמת"


def test_a_listing_reads_the_outbox_once_per_view_memoised_or_not(author: User, guest: Client) -> None:
    make_work(author, title="Ferry at dusk")
    guest.get("/works/")

    def outbox_reads(**params: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = guest.get("/works/", params)
        assert response.status_code == 200
        return sum('MAX(id) FROM "works_workchange"' in query["sql"] for query in queries.captured_queries)

    assert outbox_reads(sort="title") == 1  # a body made now
    assert outbox_reads(sort="title") == 1  # the body memoised
    make_work(author, title="Gull at dawn")
    assert outbox_reads(sort="title") == 1  # made again, with the new work
    assert "Gull at dawn" in titles(guest.get("/works/", {"sort": "title"}))
