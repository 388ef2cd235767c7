"""A recipient can reach their own Gifts page from their dashboard. Before, the page was linked only from the "For
X" line of a gifted work, so someone who wanted to see or refuse their gifts had to know the address (found by the
browser test of issue 11, tests/browser/test_people_and_consent.py)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.works.sharing import give
from tests.core.pages import parse
from tests.factories import make_user, make_work, signed_in_client


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_dashboard_links_to_its_owners_gifts_page_where_a_gift_is_listed(author: User, reader: User) -> None:
    work = make_work(author, title="A Lantern Given")
    give(work, author, [reader.username])
    client = signed_in_client(reader)

    dashboard = parse(_page(client, reverse("accounts:dashboard", args=[reader.username])))
    links = {link.get_text(): link.get("href") for link in dashboard.select("nav.dashboard-nav a")}
    assert links["Gifts"] == reverse("user_gifts", args=[reader.username])

    gifts_page = parse(_page(client, reverse("user_gifts", args=[reader.username])))
    assert [link.get_text() for link in gifts_page.select("ol.gifts h3 a[lang]")] == ["A Lantern Given"]


def test_only_the_owner_sees_the_dashboard_link_and_the_page_stays_public(reader: User, guest: Client) -> None:
    visitor = signed_in_client(make_user("Harbour_Visitor"))
    page = parse(_page(visitor, reverse("accounts:dashboard", args=[reader.username])))
    assert not page.select("nav.dashboard-nav")
    assert _page(guest, reverse("user_gifts", args=[reader.username]))
