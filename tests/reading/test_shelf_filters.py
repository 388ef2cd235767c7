"""Listing filters on the reader's own shelves, answered by the discovery engine."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.discovery.reader_sets import SHELF_LABELS
from fanshelf.reading.models import Shelf
from fanshelf.works.actions import set_hidden_by_moderator
from fanshelf.works.models import Work
from tests.factories import make_work

pytestmark = pytest.mark.django_db


def _shelve(client: Client, work: Work, shelf: str) -> None:
    assert client.post(reverse("reading:shelve", args=[work.pk]), {"shelf": shelf}).status_code == 302


def _listed(client: Client, query: str) -> str:
    response = client.get(reverse("discovery:works") + query)
    assert response.status_code == 200
    return response.content.decode()


def _blurb(work: Work) -> str:
    return f'id="work_{work.pk}"'


def test_hide_finished_leaves_out_the_works_the_reader_finished(author: User, reader_client: Client) -> None:
    finished = make_work(author, title="Done Voyage")
    dropped = make_work(author, title="Abandoned Voyage")
    unread = make_work(author, title="Fresh Voyage")
    _shelve(reader_client, finished, "finished")
    _shelve(reader_client, dropped, "dropped")
    page = _listed(reader_client, "?hide_shelf=finished&hide_shelf=dropped")
    assert _blurb(unread) in page
    assert _blurb(finished) not in page
    assert _blurb(dropped) not in page


def test_a_listing_follows_the_reader_s_shelf_changes_at_once(author: User, reader_client: Client) -> None:
    work = make_work(author, title="Moving Voyage")
    _shelve(reader_client, work, "reading")
    assert _blurb(work) in _listed(reader_client, "?hide_shelf=finished")
    _shelve(reader_client, work, "finished")
    assert _blurb(work) not in _listed(reader_client, "?hide_shelf=finished")


def test_only_on_my_shelf_lists_that_shelf_s_works(author: User, reader_client: Client) -> None:
    to_read = make_work(author, title="Later Voyage")
    other = make_work(author, title="Other Voyage")
    _shelve(reader_client, to_read, "to-read")
    page = _listed(reader_client, "?shelf=to-read")
    assert _blurb(to_read) in page
    assert _blurb(other) not in page


def test_shelf_filters_use_the_viewer_s_shelves_not_someone_else_s(
    author: User, reader_client: Client, author_client: Client
) -> None:
    work = make_work(author, title="Shared Voyage")
    _shelve(reader_client, work, "finished")
    assert _blurb(work) in _listed(author_client, "?hide_shelf=finished")
    assert _blurb(work) not in _listed(author_client, "?shelf=finished")


def test_a_hidden_work_on_a_shelf_stays_out_of_only_my_shelf(author: User, reader_client: Client) -> None:
    work = make_work(author, title="Hidden Voyage")
    _shelve(reader_client, work, "to-read")
    set_hidden_by_moderator(work, True)
    assert _blurb(work) not in _listed(reader_client, "?shelf=to-read")


def test_an_unknown_shelf_in_a_filter_is_explained(reader_client: Client) -> None:
    response = reader_client.get(reverse("discovery:works") + "?shelf=someday")
    assert response.status_code == 400
    assert "is not a shelf" in response.content.decode()


def test_the_filter_form_offers_shelf_filters_to_signed_in_readers_only(reader_client: Client, guest: Client) -> None:
    assert "Hide works on my shelves" in _listed(reader_client, "")
    assert "Hide works on my shelves" not in _listed(guest, "")


def test_the_engine_knows_every_shelf_the_reading_app_has() -> None:
    assert {shelf.value: shelf.label for shelf in Shelf} == SHELF_LABELS
