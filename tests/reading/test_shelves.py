"""Reading shelves: "Mark for later", one shelf per work, private unless made public, visible works only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from fanshelf.accounts.models import User
from fanshelf.works.actions import set_hidden_by_moderator, set_work_flags
from fanshelf.works.models import Work
from tests.factories import make_work

pytestmark = pytest.mark.django_db


def _shelve(client: Client, work: Work, shelf: str) -> None:
    response = client.post(reverse("reading:shelve", args=[work.pk]), {"shelf": shelf})
    assert response.status_code == 302


def _shelf_page(client: Client, user: User, shelf: str) -> str:
    response = client.get(reverse("reading:shelf", args=[user.username, shelf]))
    assert response.status_code == 200
    return response.content.decode()


def _blurb(work: Work) -> str:
    """What marks a work listed on a page (its title may also be in a message about the last change)."""
    return f'id="work_{work.pk}"'


def test_mark_for_later_puts_the_work_on_the_to_read_shelf(author: User, reader: User, reader_client: Client) -> None:
    work = make_work(author, title="Harbour Lights")
    page = reader_client.get(work.get_absolute_url()).content.decode()
    assert "Mark for later" in page
    _shelve(reader_client, work, "to-read")
    assert _blurb(work) in _shelf_page(reader_client, reader, "to-read")
    assert "Mark for later" not in reader_client.get(work.get_absolute_url()).content.decode()


def test_a_work_is_on_one_shelf_at_most(author: User, reader: User, reader_client: Client) -> None:
    work = make_work(author, title="Harbour Lights")
    _shelve(reader_client, work, "to-read")
    _shelve(reader_client, work, "finished")
    assert _blurb(work) not in _shelf_page(reader_client, reader, "to-read")
    assert _blurb(work) in _shelf_page(reader_client, reader, "finished")
    _shelve(reader_client, work, "")
    assert _blurb(work) not in _shelf_page(reader_client, reader, "finished")


def test_shelves_are_private_until_the_reader_makes_one_public(
    author: User, reader: User, reader_client: Client, author_client: Client, guest: Client
) -> None:
    work = make_work(author, title="Harbour Lights")
    _shelve(reader_client, work, "reading")
    url = reverse("reading:shelf", args=[reader.username, "reading"])
    assert author_client.get(url).status_code == 404
    assert guest.get(url).status_code == 404
    reader_client.post(reverse("reading:shelf_visibility", args=[reader.username, "reading"]), {"public": "1"})
    assert _blurb(work) in guest.get(url).content.decode()
    assert author_client.get(reverse("reading:shelf", args=[reader.username, "finished"])).status_code == 404
    reader_client.post(reverse("reading:shelf_visibility", args=[reader.username, "reading"]), {"public": "0"})
    assert guest.get(url).status_code == 404


def test_only_the_owner_changes_a_shelf_s_visibility(reader: User, author_client: Client) -> None:
    url = reverse("reading:shelf_visibility", args=[reader.username, "reading"])
    assert author_client.post(url, {"public": "1"}).status_code == 403


def test_an_unknown_shelf_or_a_bad_choice_is_refused_clearly(author: User, reader: User, reader_client: Client) -> None:
    assert reader_client.get(reverse("reading:shelf", args=[reader.username, "someday"])).status_code == 404
    work = make_work(author, title="Harbour Lights")
    response = reader_client.post(reverse("reading:shelve", args=[work.pk]), {"shelf": "someday"}, follow=True)
    assert "is not a shelf" in response.content.decode()


def test_a_guest_is_asked_to_log_in_to_mark_for_later(author: User, guest: Client) -> None:
    work = make_work(author)
    response = guest.post(reverse("reading:shelve", args=[work.pk]), {"shelf": "to-read"})
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_work_that_becomes_hidden_leaves_the_shelf_listing(
    author: User, reader: User, reader_client: Client, guest: Client
) -> None:
    hidden = make_work(author, title="Vanishing Harbour")
    restricted = make_work(author, title="Members Cove")
    _shelve(reader_client, hidden, "finished")
    _shelve(reader_client, restricted, "finished")
    reader_client.post(reverse("reading:shelf_visibility", args=[reader.username, "finished"]), {"public": "1"})
    set_hidden_by_moderator(hidden, True)
    set_work_flags(restricted, restricted=True)
    own = _shelf_page(reader_client, reader, "finished")
    assert _blurb(hidden) not in own
    assert _blurb(restricted) in own
    assert _blurb(restricted) not in _shelf_page(guest, reader, "finished")


def test_an_anonymous_work_on_a_public_shelf_does_not_name_its_creator(
    author: User, reader: User, reader_client: Client, guest: Client
) -> None:
    work = make_work(author, title="Masked Tide")
    set_work_flags(work, anonymous=True)
    _shelve(reader_client, work, "to-read")
    reader_client.post(reverse("reading:shelf_visibility", args=[reader.username, "to-read"]), {"public": "1"})
    page = _shelf_page(guest, reader, "to-read")
    assert "Masked Tide" in page
    assert "Quillfeather" not in page


def test_a_work_on_the_reading_shelf_offers_to_continue_from_the_last_chapter(
    author: User, reader_client: Client
) -> None:
    work = make_work(author, title="Long Voyage", chapters=["Chapter one text.", "Chapter two text.", "Chapter 3."])
    second = work.chapters.get(position=2)
    _shelve(reader_client, work, "reading")
    reader_client.get(reverse("works:chapter", args=[work.pk, second.pk]))
    page = reader_client.get(work.get_absolute_url()).content.decode()
    assert "Continue from chapter 2" in page
    assert reverse("works:chapter", args=[work.pk, second.pk]) in page


def test_the_shelf_page_takes_the_same_queries_for_one_work_or_many(
    author: User, reader: User, reader_client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    url = reverse("reading:shelf", args=[reader.username, "to-read"])
    _shelve(reader_client, make_work(author, title="Tide 0"), "to-read")
    with CaptureQueriesContext(connection) as one_work:
        reader_client.get(url)
    one_work_queries = len(one_work)  # now: the next request clears the connection's query log
    for number in range(1, 25):
        _shelve(reader_client, make_work(author, title=f"Tide {number}"), "to-read")
    with django_assert_max_num_queries(one_work_queries):
        response = reader_client.get(url)
    assert "Tide 24" in response.content.decode()
