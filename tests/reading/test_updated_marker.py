""" "Updated since you last read" on listing blurbs: for a signed-in reader who keeps history, on works with a
chapter posted after their last visit; added around the memoised blurb, so it never sticks or spreads."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from fanshelf.accounts.actions import update_preferences
from fanshelf.accounts.models import User
from fanshelf.reading.actions import record_reading
from fanshelf.works.actions import ChapterFields, add_chapter
from fanshelf.works.models import Work
from tests.core.pages import parse
from tests.factories import make_work

pytestmark = pytest.mark.django_db
MARKER = "Updated since you last read"
LONG_AGO = datetime.date(2020, 1, 1)  # first chapters dated then, so today's chapter moves the updated date on


def _read_then_updated(author: User, reader: User, title: str) -> Work:
    work = make_work(author, title=title, published_on=LONG_AGO)
    record_reading(reader, work, None)
    add_chapter(work, ChapterFields(content="The tide came back."), post=True)
    return work


def _marked(client: Client) -> set[str]:
    """Titles of the blurbs on the works listing that carry the marker."""
    page = parse(client.get(reverse("discovery:works")).content.decode())
    return {
        heading.get_text(strip=True)
        for blurb in page.select("li.blurb")
        if blurb.select_one(".updated-since-read") is not None and (heading := blurb.select_one("h3.heading a"))
    }


def test_a_reader_sees_which_works_got_a_chapter_since_they_last_read_them(
    author: User, reader: User, reader_client: Client
) -> None:
    _read_then_updated(author, reader, "Returning Tide")
    record_reading(reader, make_work(author, title="Still Water", published_on=LONG_AGO), None)
    make_work(author, title="Unread Shore")
    assert _marked(reader_client) == {"Returning Tide"}


def test_opening_the_updated_work_takes_its_marker_away(author: User, reader: User, reader_client: Client) -> None:
    work = _read_then_updated(author, reader, "Returning Tide")
    assert _marked(reader_client) == {"Returning Tide"}  # the blurb is memoised now, without the marker in it
    assert reader_client.get(work.get_absolute_url()).status_code == 200
    assert _marked(reader_client) == set()


def test_guests_and_other_readers_never_see_someone_elses_marker(
    author: User, reader: User, reader_client: Client, moderator_client: Client, guest: Client
) -> None:
    _read_then_updated(author, reader, "Returning Tide")
    assert _marked(reader_client) == {"Returning Tide"}
    assert _marked(guest) == set()
    assert _marked(moderator_client) == set()


def test_a_reader_who_keeps_no_history_sees_no_marker_and_the_page_never_reads_history(
    author: User, reader: User, reader_client: Client
) -> None:
    _read_then_updated(author, reader, "Returning Tide")
    update_preferences(reader, {"keep_history": False})
    reader_client.get(reverse("discovery:works"))  # warm the memoised blurbs
    with CaptureQueriesContext(connection) as queries:
        assert _marked(reader_client) == set()
    assert not [query for query in queries.captured_queries if "reading_reading" in query["sql"]]


def test_the_marker_costs_the_same_queries_for_one_updated_work_or_a_full_page(
    author: User, reader: User, reader_client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    _read_then_updated(author, reader, "Tide 0")
    _marked(reader_client)
    with CaptureQueriesContext(connection) as one_work:
        assert _marked(reader_client) == {"Tide 0"}
    one_work_queries = len(one_work)  # now: the next request clears the connection's query log
    for number in range(1, 25):
        _read_then_updated(author, reader, f"Tide {number}")
    _marked(reader_client)  # the index applies the new works
    with django_assert_max_num_queries(one_work_queries):
        assert len(_marked(reader_client)) == 20
