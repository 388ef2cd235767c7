"""Reading history: recorded from the work page when the reader keeps it, shown only to them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from fanshelf.accounts.actions import update_preferences
from fanshelf.accounts.forms import OFFERED_PREFERENCES
from fanshelf.accounts.models import User
from fanshelf.works.actions import ChapterFields, add_chapter, set_hidden_by_moderator
from fanshelf.works.models import Work
from tests.factories import make_work

pytestmark = pytest.mark.django_db


def _history(client: Client, user: User) -> str:
    response = client.get(reverse("reading:history", args=[user.username]))
    assert response.status_code == 200
    return response.content.decode()


def _open(client: Client, work: Work, chapter_number: int | None = None) -> None:
    if chapter_number is None:
        response = client.get(work.get_absolute_url())
    else:
        chapter = work.chapters.get(position=chapter_number)
        response = client.get(reverse("works:chapter", args=[work.pk, chapter.pk]))
    assert response.status_code == 200  # the test client closes the response, which records the visit


def test_a_reader_finds_the_works_they_opened_in_their_history(
    author: User, reader: User, reader_client: Client
) -> None:
    work = make_work(
        author, title="Salt Roads", chapters=["Chapter one text.", "Chapter two text.", "Chapter three text."]
    )
    _open(reader_client, work)
    _open(reader_client, work, 2)
    page = _history(reader_client, reader)
    assert "Salt Roads" in page
    assert "at chapter 2" in page
    assert "visited 2 times" in page
    assert reader_client.get(reverse("works:entire", args=[work.pk])).status_code == 200
    page = _history(reader_client, reader)
    assert "at chapter 2" in page  # the entire work names no chapter: the last one read stays
    assert "visited 3 times" in page


def test_history_is_not_kept_when_the_reader_turned_it_off(author: User, reader: User, reader_client: Client) -> None:
    update_preferences(reader, {"keep_history": False})
    work = make_work(author, title="Unrecorded Tides")
    _open(reader_client, work)
    page = _history(reader_client, reader)
    assert "Unrecorded Tides" not in page
    assert "Your history is off" in page


def test_the_history_preference_is_offered_on_the_preferences_page(reader: User, reader_client: Client) -> None:
    page = reader_client.get(reverse("accounts:preferences", args=[reader.username])).content.decode()
    assert 'name="keep_history"' in page


def test_turning_history_off_offers_to_clear_what_was_kept(reader: User, reader_client: Client) -> None:
    data = {name: getattr(reader, name) for name in OFFERED_PREFERENCES}
    data = {name: value for name, value in data.items() if value is not False and name != "keep_history"}
    url = reverse("accounts:preferences", args=[reader.username])
    page = reader_client.post(url, data, follow=True).content.decode()
    assert "History is off" in page
    assert reverse("reading:history", args=[reader.username]) in page
    reader.refresh_from_db()
    assert not reader.keep_history


def test_history_belongs_to_its_owner_alone(author: User, reader: User, author_client: Client, guest: Client) -> None:
    url = reverse("reading:history", args=[reader.username])
    assert author_client.get(url).status_code == 403
    assert guest.get(url).status_code == 302


def test_a_chapter_posted_after_the_last_visit_marks_the_entry_updated(
    author: User, reader: User, reader_client: Client
) -> None:
    work = make_work(author, title="Lantern Keeper", chapters=["Chapter one text."], expected_chapters=None)
    _open(reader_client, work)
    assert "Updated since you last read" not in _history(reader_client, reader)
    add_chapter(work, ChapterFields(content="Chapter two text."), post=True)
    assert "Updated since you last read" in _history(reader_client, reader)


def test_a_reader_deletes_one_entry_or_clears_their_history(author: User, reader: User, reader_client: Client) -> None:
    first = make_work(author, title="First Light")
    second = make_work(author, title="Second Tide")
    _open(reader_client, first)
    _open(reader_client, second)
    reader_client.post(reverse("reading:history_delete", args=[reader.username, first.pk]))
    page = _history(reader_client, reader)
    assert "First Light" not in page
    assert "Second Tide" in page
    reader_client.post(reverse("reading:history_clear", args=[reader.username]))
    assert "No works in your history" in _history(reader_client, reader)


def test_a_work_hidden_by_a_moderator_leaves_the_history(author: User, reader: User, reader_client: Client) -> None:
    work = make_work(author, title="Vanishing Harbour")
    _open(reader_client, work)
    set_hidden_by_moderator(work, True)
    assert "Vanishing Harbour" not in _history(reader_client, reader)


def test_the_history_page_takes_the_same_queries_for_one_work_or_many(
    author: User, reader: User, reader_client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    url = reverse("reading:history", args=[reader.username])
    _open(reader_client, make_work(author, title="Tide 0"))
    with CaptureQueriesContext(connection) as one_work:
        reader_client.get(url)
    one_work_queries = len(one_work)  # now: the next request clears the connection's query log
    for number in range(1, 25):
        _open(reader_client, make_work(author, title=f"Tide {number}"))
    with django_assert_max_num_queries(one_work_queries):
        response = reader_client.get(url)
    assert "Tide 24" in response.content.decode()
