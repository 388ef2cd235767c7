"""Public bookmark counts are a filter and a sort on every works listing, kept current through the outbox."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from tests.bookmarks.helpers import bookmark
from tests.factories import make_user, make_work


def _titles_in_order(client: Client, query: str, titles: list[str]) -> list[str]:
    page = client.get(reverse("discovery:works") + query).content.decode()
    return sorted((t for t in titles if t in page), key=page.index)


def test_works_sort_and_filter_by_their_public_bookmarks(author: User, guest: Client) -> None:
    few, many, hidden_fans = (make_work(author, title=t) for t in ("Few Fans", "Many Fans", "Secret Fans"))
    bookmark(make_user(), few)
    for _ in range(3):
        bookmark(make_user(), many)
        bookmark(make_user(), hidden_fans, private=True)
    titles = ["Few Fans", "Many Fans", "Secret Fans"]
    assert _titles_in_order(guest, "?sort=bookmarks", titles)[:2] == ["Many Fans", "Few Fans"]
    assert set(_titles_in_order(guest, "?bookmarks_from=1", titles)) == {"Many Fans", "Few Fans"}
    assert _titles_in_order(guest, "?bookmarks_from=2", titles) == ["Many Fans"]


def test_the_works_filter_form_offers_the_bookmark_sort_and_range(guest: Client) -> None:
    page = guest.get(reverse("discovery:works")).content.decode()
    assert '<option value="bookmarks"' in page
    assert 'name="bookmarks_from"' in page
