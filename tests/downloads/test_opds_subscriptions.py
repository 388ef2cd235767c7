"""A signed-in reader's subscriptions as an OPDS acquisition feed: what an e-reader app shows as the latest works
and chapters of what they follow."""

from __future__ import annotations

import base64
import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.inbox.actions import subscribe
from fanshelf.works.actions import ChapterFields, add_chapter, set_hidden_by_moderator
from fanshelf.works.series import add_to_series
from tests.factories import PASSWORD, make_user, make_work

pytestmark = pytest.mark.django_db
URL = reverse("downloads:opds_subscriptions")
LONG_AGO = datetime.date(2020, 1, 1)


def _as(user: User) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()}


def _feed(user: User) -> str:
    response = Client().get(URL, **_as(user))
    assert response.status_code == 200
    return response.content.decode()


def test_the_feed_lists_the_works_creators_and_series_the_reader_follows_with_epub_links(
    author: User, reader: User
) -> None:
    followed = make_work(author, title="Followed Ferry")
    other = make_user("harbourmaster")
    series_work = make_work(other, title="Series Ferry")
    add_to_series(series_work, other, "Harbour Tales")
    make_work(other, title="Unfollowed Ferry")
    subscribe(reader, creator=author)
    subscribe(reader, series=series_work.series_entries.get().series)
    feed = _feed(reader)
    assert "Followed Ferry" in feed
    assert "Series Ferry" in feed
    assert "Unfollowed Ferry" not in feed
    assert reverse("downloads:work", args=[followed.pk, "epub"]) in feed


def test_a_new_chapter_brings_a_followed_work_to_the_top_of_the_feed(author: User, reader: User) -> None:
    older = make_work(author, title="Slow Current", published_on=LONG_AGO)
    make_work(author, title="Fresh Current")
    subscribe(reader, creator=author)
    assert _feed(reader).index("Fresh Current") < _feed(reader).index("Slow Current")
    add_chapter(older, ChapterFields(content="The current picks up."), post=True)
    assert _feed(reader).index("Slow Current") < _feed(reader).index("Fresh Current")


def test_an_anonymous_work_appears_only_through_a_subscription_to_the_work_itself(author: User, reader: User) -> None:
    unsigned = make_work(author, title="Unsigned Letter", anonymous=True)
    add_to_series(unsigned, author, "Letters")
    subscribe(reader, creator=author)
    subscribe(reader, series=unsigned.series_entries.get().series)
    assert "Unsigned Letter" not in _feed(reader)
    subscribe(reader, work=unsigned)
    feed = _feed(reader)
    assert "Unsigned Letter" in feed
    assert author.username not in feed


def test_hidden_works_and_drafts_leave_the_feed(author: User, reader: User) -> None:
    hidden = make_work(author, title="Sunken Letter")
    make_work(author, title="Draft Letter", post=False)
    subscribe(reader, creator=author)
    subscribe(reader, work=hidden)
    set_hidden_by_moderator(hidden, True)
    feed = _feed(reader)
    assert "Sunken Letter" not in feed
    assert "Draft Letter" not in feed


def test_the_catalogue_offers_subscriptions_to_signed_in_readers_and_asks_guests_to_log_in(
    reader: User, guest: Client
) -> None:
    assert URL in Client().get(reverse("downloads:opds_root"), **_as(reader)).content.decode()
    assert URL not in guest.get(reverse("downloads:opds_root")).content.decode()
    assert guest.get(URL).status_code == 401


def test_a_reader_sees_only_their_own_subscriptions(author: User, reader: User) -> None:
    make_work(author, title="Someone Else's Follow")
    subscribe(make_user("lighthouse"), creator=author)
    assert "Someone Else's Follow" not in _feed(reader)
