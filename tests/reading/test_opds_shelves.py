"""A signed-in reader's shelves as OPDS acquisition feeds, for e-reader apps."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.reading.actions import shelve
from fanshelf.works.actions import set_hidden_by_moderator
from tests.factories import PASSWORD, make_work

pytestmark = pytest.mark.django_db


def _as(user: User) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()}


def test_an_e_reader_app_lists_the_reader_s_shelf_with_epub_links(author: User, reader: User) -> None:
    reading = make_work(author, title="Night Ferry")
    elsewhere = make_work(author, title="Day Ferry")
    shelve(reader, reading, "reading")
    shelve(reader, elsewhere, "finished")
    response = Client().get(reverse("downloads:opds_shelf", args=["reading"]), **_as(reader))
    assert response.status_code == 200
    feed = response.content.decode()
    assert "Night Ferry" in feed
    assert "Day Ferry" not in feed
    assert reverse("downloads:work", args=[reading.pk, "epub"]) in feed


def test_the_catalogue_offers_shelves_to_signed_in_readers(reader: User) -> None:
    root = Client().get(reverse("downloads:opds_root"), **_as(reader)).content.decode()
    assert reverse("downloads:opds_shelves") in root
    shelves = Client().get(reverse("downloads:opds_shelves"), **_as(reader)).content.decode()
    assert reverse("downloads:opds_shelf", args=["to-read"]) in shelves
    assert reverse("downloads:opds_shelves") not in Client().get(reverse("downloads:opds_root")).content.decode()


def test_a_guest_is_asked_to_log_in_for_shelf_feeds(guest: Client) -> None:
    assert guest.get(reverse("downloads:opds_shelves")).status_code == 401
    assert guest.get(reverse("downloads:opds_shelf", args=["to-read"])).status_code == 401


def test_a_shelf_feed_leaves_out_hidden_works_and_unknown_shelves(author: User, reader: User) -> None:
    work = make_work(author, title="Sunken Ferry")
    shelve(reader, work, "to-read")
    set_hidden_by_moderator(work, True)
    feed = Client().get(reverse("downloads:opds_shelf", args=["to-read"]), **_as(reader)).content.decode()
    assert "Sunken Ferry" not in feed
    assert Client().get(reverse("downloads:opds_shelf", args=["someday"]), **_as(reader)).status_code == 404
