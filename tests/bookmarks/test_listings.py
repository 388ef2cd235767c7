"""Bookmark listings: a person's, a work's and a tag's, showing only what the reader may see."""

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
from fanshelf.works.actions import set_hidden_by_moderator, set_work_flags
from fanshelf.works.series import add_to_series
from tests.bookmarks.helpers import bookmark, bookmark_elsewhere
from tests.factories import make_user, make_work


def _page(client: Client, name: str, *args: object, query: str = "") -> str:
    response = client.get(reverse(f"bookmarks:{name}", args=args) + query)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_a_private_bookmark_is_shown_to_its_owner_only(
    author: User, reader: User, reader_client: Client, author_client: Client, guest: Client
) -> None:
    work = make_work(author, title="Quiet Harbour")
    bookmark(reader, work, private=True, notes="For my eyes only")
    assert "For my eyes only" in _page(reader_client, "user", reader.username)
    for client in (author_client, guest):
        assert "For my eyes only" not in _page(client, "user", reader.username)
        assert "For my eyes only" not in _page(client, "work", work.pk)
        assert "0 Bookmarks" in _page(client, "work", work.pk)


def test_a_bookmark_of_a_work_that_becomes_restricted_is_not_shown_to_guests(
    author: User, reader: User, guest: Client, author_client: Client
) -> None:
    work = make_work(author, title="Behind The Sea Wall")
    make_work(author, title="In The Open")  # keeps the fandom tag public
    bookmark(reader, work, notes="Worth the wait")
    assert "Behind The Sea Wall" in _page(guest, "user", reader.username)
    set_work_flags(work, restricted=True)
    assert "Behind The Sea Wall" not in _page(guest, "user", reader.username)
    assert "Worth the wait" not in _page(guest, "tag", "Tidewater Chronicles")
    response = guest.get(reverse("bookmarks:work", args=[work.pk]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert "Behind The Sea Wall" in _page(author_client, "user", reader.username)


def test_bookmarks_of_hidden_works_are_shown_to_nobody(author: User, reader: User, reader_client: Client) -> None:
    work = make_work(author, title="Moderated Away")
    bookmark(reader, work)
    set_hidden_by_moderator(work, hidden=True)
    assert "Moderated Away" not in _page(reader_client, "user", reader.username)
    assert reader_client.get(reverse("bookmarks:work", args=[work.pk])).status_code == 404


def test_bookmarks_of_an_anonymous_work_do_not_name_its_creator(author: User, reader: User, guest: Client) -> None:
    work = make_work(author, title="Unsigned Letters", anonymous=True)
    bookmark(reader, work, rec=True)
    for page in (
        _page(guest, "user", reader.username),
        _page(guest, "work", work.pk),
        _page(guest, "tag", "Tidewater Chronicles"),
    ):
        assert "Unsigned Letters" in page
        assert author.username not in page
        assert "Anonymous" in page


def test_a_works_bookmarks_list_everyone_who_bookmarked_it_publicly(author: User, reader: User, guest: Client) -> None:
    work = make_work(author)
    bookmark(reader, work, notes="First!")
    bookmark(make_user("Seafarer"), work, notes="Second.")
    bookmark(make_user("Hermit"), work, notes="Secret.", private=True)
    page = _page(guest, "work", work.pk)
    assert "First!" in page
    assert "Second." in page
    assert "Secret." not in page
    assert "2 Bookmarks" in page


def test_a_tags_bookmarks_hold_its_synonyms_and_subtags_works(author: User, reader: User, guest: Client) -> None:
    superuser = make_user(is_staff=True, is_superuser=True)
    universe = find_or_create_tag("Tidewater Universe", TagType.FANDOM)
    make_canonical(universe, by=superuser)
    fandom = find_or_create_tag("Tidewater Chronicles", TagType.FANDOM)
    make_canonical(fandom, by=superuser)
    add_metatag(fandom, universe, by=superuser)
    synonym = find_or_create_tag("TWC", TagType.FANDOM)
    make_synonym(synonym, fandom, by=superuser)
    bookmark(reader, make_work(author, title="Under The Metatag"))
    bookmark(reader, make_work(author, title="Under The Synonym", fandoms=["TWC"]))
    bookmark(reader, make_work(author, title="Somewhere Else", fandoms=["Other Shores"]))
    page = _page(guest, "tag", "Tidewater Universe")
    assert "Under The Metatag" in page
    assert "Under The Synonym" in page
    assert "Somewhere Else" not in page
    response = guest.get(reverse("bookmarks:tag", args=["TWC"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("bookmarks:tag", args=["Tidewater Chronicles"])


def test_filters_pick_recs_notes_types_and_the_bookmarkers_tags(author: User, reader: User, guest: Client) -> None:
    bookmark(reader, make_work(author, title="Rec Work"), rec=True)
    bookmark(reader, make_work(author, title="Noted Work"), notes="So good", tags=["Slow Burn"])
    bookmark_elsewhere(reader, title="Far Away Work")

    def titles(query: str) -> set[str]:
        page = _page(guest, "user", reader.username, query=query)
        return {t for t in ("Rec Work", "Noted Work", "Far Away Work") if t in page}

    assert titles("") == {"Rec Work", "Noted Work", "Far Away Work"}
    assert titles("?rec=on") == {"Rec Work"}
    assert titles("?with_notes=on") == {"Noted Work"}
    assert titles("?type=external") == {"Far Away Work"}
    assert titles("?type=work") == {"Rec Work", "Noted Work"}
    assert titles("?tag=slow burn") == {"Noted Work"}
    assert titles("?work_tag=Tidewater Chronicles") == {"Rec Work", "Noted Work", "Far Away Work"}
    assert titles("?work_tag=Nowhere At All") == set()


def test_sorting_by_date_updated_puts_the_latest_updated_work_first(author: User, reader: User, guest: Client) -> None:
    old = make_work(author, title="Old Tale")
    new = make_work(author, title="Fresh Tale")
    bookmark(reader, new)
    bookmark(reader, old)
    newest_bookmarked = _page(guest, "user", reader.username)
    assert newest_bookmarked.index("Old Tale") < newest_bookmarked.index("Fresh Tale")
    by_update = _page(guest, "user", reader.username, query="?sort=updated")
    assert by_update.index("Fresh Tale") < by_update.index("Old Tale")


def test_a_filter_value_that_is_not_offered_is_a_400_with_a_message(reader: User, guest: Client) -> None:
    response = guest.get(reverse("bookmarks:user", args=[reader.username]) + "?type=poems")
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_a_series_is_bookmarked_and_listed(author: User, reader: User, reader_client: Client, guest: Client) -> None:
    work = make_work(author, title="Part One")
    series = add_to_series(work, author, "The Harbour Cycle")
    response = reader_client.post(
        reverse("bookmarks:series_form", args=[series.pk]), {"pseud": reader.default_pseud().pk, "notes": "Binge it"}
    )
    assert response.status_code == 302
    page = _page(guest, "user", reader.username, query="?type=series")
    assert "The Harbour Cycle" in page
    assert "Binge it" in page


def test_a_series_of_only_restricted_works_is_not_shown_to_guests(author: User, reader: User, guest: Client) -> None:
    work = make_work(author, title="Members Only", restricted=True)
    series = add_to_series(work, author, "Closed Cycle")
    bookmark_series(reader, series, BookmarkFields(pseud=reader.default_pseud()))
    assert "Closed Cycle" not in _page(guest, "user", reader.username)
    assert guest.get(reverse("bookmarks:series_form", args=[series.pk])).status_code == 302  # to log in


def test_a_persons_bookmarks_take_the_same_queries_for_one_or_many(
    author: User, reader: User, reader_client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    """One bookmark of each kind first (each kind has its own prefetch), then 25 of them."""
    url = reverse("bookmarks:user", args=[reader.username])

    def add(number: int) -> None:
        if number % 3 == 0:
            bookmark_elsewhere(reader, f"https://example.org/{number}", title=f"Tale {number}")
        elif number % 3 == 1:
            series = add_to_series(make_work(author, title=f"Part {number}"), author, f"Tale {number}")
            bookmark_series(reader, series, BookmarkFields(pseud=reader.default_pseud(), tags=["x", "y"]))
        else:
            bookmark(reader, make_work(author, title=f"Tale {number}"), tags=["sea", "salt"], rec=True)

    for number in range(3):
        add(number)
    with CaptureQueriesContext(connection) as few:
        reader_client.get(url)
    for number in range(3, 25):
        add(number)
    with django_assert_max_num_queries(len(few)):
        response = reader_client.get(url)
    assert "Tale 24" in response.content.decode()


def test_a_works_and_a_tags_bookmarks_take_the_same_queries_for_one_or_many(
    author: User, guest: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    work = make_work(author)
    bookmark(make_user(), work)
    urls = [reverse("bookmarks:work", args=[work.pk]), reverse("bookmarks:tag", args=["Tidewater Chronicles"])]
    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as one:
            guest.get(url)
        counts.append(len(one))
    for number in range(24):
        bookmark(make_user(), work, notes=f"Note {number}", tags=[f"tag {number}"])
    for url, count in zip(urls, counts, strict=True):
        with django_assert_max_num_queries(count):
            response = guest.get(url)
        assert "Note 23" in response.content.decode()


def test_the_header_leads_a_signed_in_reader_to_their_bookmarks(reader: User, reader_client: Client) -> None:
    page = reader_client.get(reverse("home")).content.decode()
    assert f'href="{reverse("bookmarks:user", args=[reader.username])}"' in page


def test_the_series_page_offers_to_bookmark_the_series(author: User, reader_client: Client) -> None:
    series = add_to_series(make_work(author), author, "The Harbour Cycle")
    page = reader_client.get(series.get_absolute_url()).content.decode()
    assert reverse("bookmarks:series_form", args=[series.pk]) in page
