"""Bookmark listings filtered by the bookmarked works: several included and excluded tags (each with its synonyms
and subtags, as the works listings count them), rating, completion and word count."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from fanshelf.accounts.models import User
from fanshelf.bookmarks.actions import BookmarkFields, bookmark_series
from fanshelf.tags.actions import add_metatag, find_or_create_tag, make_canonical, make_synonym
from fanshelf.tags.models import TagType
from fanshelf.works.series import add_to_series
from tests.bookmarks.helpers import bookmark, bookmark_elsewhere
from tests.factories import make_user, make_work

TITLES = ("Harbour Lights", "Storm Wall", "Long Tide", "Far Away Work", "Closed Cycle")


def wrangle() -> None:
    """A canonical freeform "Found Family" with the synonym "found fam" and the subtag "Chosen Family", and
    canonical "Angst", relationship and fandom: the tags the works are then posted with."""
    boss = make_user(is_staff=True, is_superuser=True)
    family = find_or_create_tag("Found Family", TagType.FREEFORM)
    make_canonical(family, by=boss)
    make_synonym(find_or_create_tag("found fam", TagType.FREEFORM), family, by=boss)
    chosen = find_or_create_tag("Chosen Family", TagType.FREEFORM)
    make_canonical(chosen, by=boss)
    add_metatag(chosen, family, by=boss)
    make_canonical(find_or_create_tag("Keeper/Ferrywoman", TagType.RELATIONSHIP), by=boss)
    make_canonical(find_or_create_tag("Angst", TagType.FREEFORM), by=boss)
    make_canonical(find_or_create_tag("Tidewater Chronicles", TagType.FANDOM), by=boss)


def shelf(author: User, reader: User) -> None:
    wrangle()
    harbour = make_work(
        author, title="Harbour Lights", freeforms=["found fam"], relationships=["Keeper/Ferrywoman"],
        chapters=("one " * 120,),
    )  # fmt: skip
    storm = make_work(
        author, title="Storm Wall", freeforms=["Chosen Family", "Angst"], rating="Mature",
        relationships=["Keeper/Ferrywoman"], chapters=("two " * 900,),
    )  # fmt: skip
    tide = make_work(author, title="Long Tide", freeforms=["Angst"], expected_chapters=None, chapters=("x " * 50,))
    for work in (harbour, storm, tide):
        bookmark(reader, work)
    bookmark_elsewhere(reader, title="Far Away Work")
    series = add_to_series(make_work(author, title="Part One"), author, "Closed Cycle")
    bookmark_series(reader, series, BookmarkFields(pseud=reader.default_pseud()))


def titles(client: Client, reader: User, query: str) -> set[str]:
    response = client.get(reverse("bookmarks:user", args=[reader.username]) + query)
    assert response.status_code == 200, response.content.decode()
    page = response.content.decode()
    return {title for title in TITLES if title in page}


def test_included_tags_must_all_match_counting_synonyms_and_subtags(author: User, reader: User, guest: Client) -> None:
    shelf(author, reader)
    assert titles(guest, reader, "?include=Found Family") == {"Harbour Lights", "Storm Wall"}
    assert titles(guest, reader, "?include=Found Family, Angst") == {"Storm Wall"}
    assert titles(guest, reader, "?include=found fam&include=keeper/ferrywoman") == {"Harbour Lights", "Storm Wall"}
    # The series "Closed Cycle" carries its work's tags: "Part One" is in Tidewater Chronicles.
    assert titles(guest, reader, "?include=Tidewater Chronicles") == {
        "Harbour Lights", "Storm Wall", "Long Tide", "Far Away Work", "Closed Cycle",
    }  # fmt: skip


def test_excluded_tags_leave_out_works_under_any_of_them(author: User, reader: User, guest: Client) -> None:
    shelf(author, reader)
    # A series carries its works' tags: "Part One" has none of these, so "Closed Cycle" stays.
    assert titles(guest, reader, "?exclude=Found Family") == {"Long Tide", "Far Away Work", "Closed Cycle"}
    assert titles(guest, reader, "?exclude=Chosen Family,Angst") == {"Harbour Lights", "Far Away Work", "Closed Cycle"}
    assert titles(guest, reader, "?include=Keeper/Ferrywoman&exclude=Angst") == {"Harbour Lights"}


def test_rating_completion_and_word_count_pick_the_bookmarked_works(author: User, reader: User, guest: Client) -> None:
    shelf(author, reader)
    assert titles(guest, reader, "?rating=Mature") == {"Storm Wall"}
    assert titles(guest, reader, "?rating=Mature&rating=General Audiences") == {
        "Storm Wall", "Harbour Lights", "Long Tide", "Closed Cycle",
    }  # fmt: skip
    assert titles(guest, reader, "?complete=0") == {"Long Tide"}
    assert titles(guest, reader, "?complete=1") == {"Harbour Lights", "Storm Wall"}
    assert titles(guest, reader, "?words_from=100&words_to=1,000") == {"Harbour Lights", "Storm Wall"}
    assert titles(guest, reader, "?words_from=500") == {"Storm Wall"}


def test_unknown_tags_and_bad_numbers_are_a_400_that_says_why(author: User, reader: User, guest: Client) -> None:
    shelf(author, reader)
    url = reverse("bookmarks:user", args=[reader.username])
    response = guest.get(url + "?include=Found Family,Nowhere At All")
    assert response.status_code == 400
    assert "No canonical tag is named “Nowhere At All”." in response.content.decode()
    response = guest.get(url + "?words_from=１０")
    assert response.status_code == 400
    assert "Use the digits 0-9" in response.content.decode()
    response = guest.get(url + "?exclude=" + ",".join(f"t{n}" for n in range(11)))
    assert response.status_code == 400
    assert "Choose at most 10 tags." in response.content.decode()


def test_the_next_page_keeps_every_included_tag(author: User, reader: User, guest: Client, settings: object) -> None:
    shelf(author, reader)
    settings.FANSHELF_WORKS_PER_PAGE = 1  # type: ignore[attr-defined]
    response = guest.get(reverse("bookmarks:user", args=[reader.username]) + "?include=found fam&include=Found Family")
    assert "include=found+fam&amp;include=Found+Family&amp;page=2" in response.content.decode()


def test_a_filtered_listing_takes_the_same_queries_for_one_bookmark_or_many(
    author: User, reader: User, guest: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    wrangle()
    url = reverse("bookmarks:user", args=[reader.username])
    query = "?include=Found Family,Keeper/Ferrywoman&exclude=Angst&rating=General Audiences&complete=1&words_from=1"
    tags = {"freeforms": ("Chosen Family",), "relationships": ("Keeper/Ferrywoman",)}
    bookmark(
        reader, make_work(author, title="Tale 0", freeforms=tags["freeforms"], relationships=tags["relationships"])
    )
    guest.get(url + query)  # the engine's index takes in new works first, at a cost per change, not per page
    with CaptureQueriesContext(connection) as one:
        assert "Tale 0" in guest.get(url + query).content.decode()
    budget = len(one)  # now: the captured list is a window on a log that keeps only the latest 9,000 queries
    for number in range(1, 25):
        bookmark(
            reader,
            make_work(author, title=f"Tale {number}", freeforms=tags["freeforms"], relationships=tags["relationships"]),
            tags=[f"mine {number}"],
        )
    guest.get(url + query)
    with django_assert_max_num_queries(budget):
        response = guest.get(url + query)
    assert "Tale 24" in response.content.decode()
