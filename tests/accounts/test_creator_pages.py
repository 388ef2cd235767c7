"""Creator and pseud pages list what each viewer may see: never drafts or hidden works, restricted works only to
registered users, anonymous works only to their creators and moderators."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from fanshelf.accounts import actions
from fanshelf.accounts.actions import PseudFields
from fanshelf.accounts.models import User
from fanshelf.works.actions import set_hidden_by_moderator
from fanshelf.works.models import Work
from tests.core.pages import listed_titles
from tests.factories import make_work

TITLES = {"Open Harbour", "Members Only", "Nameless Tide", "Unfinished Draft", "Hidden Cove"}


@pytest.fixture
def shelf(author: User) -> dict[str, Work]:
    """One work of each kind by the author."""
    hidden = make_work(author, title="Hidden Cove")
    set_hidden_by_moderator(hidden, True)
    return {
        "public": make_work(author, title="Open Harbour"),
        "restricted": make_work(author, title="Members Only", restricted=True),
        "anonymous": make_work(author, title="Nameless Tide", anonymous=True),
        "draft": make_work(author, title="Unfinished Draft", post=False),
        "hidden": hidden,
    }


def _titles_on(client: Client, url: str) -> set[str]:
    body = client.get(url).content.decode()
    return {title for title in TITLES if title in body}


def _pages(user: User) -> list[str]:
    name = user.username
    return [
        reverse("accounts:dashboard", args=[name]),
        reverse("discovery:user_works", args=[name]),
        reverse("discovery:pseud_works", args=[name, name]),
    ]


@pytest.mark.usefixtures("shelf")
def test_a_guest_sees_only_public_works_on_a_creators_pages(guest: Client, author: User) -> None:
    for url in _pages(author):
        assert _titles_on(guest, url) == {"Open Harbour"}, url


@pytest.mark.usefixtures("shelf")
def test_another_user_also_sees_restricted_works_but_never_anonymous_ones(reader_client: Client, author: User) -> None:
    for url in _pages(author):
        assert _titles_on(reader_client, url) == {"Open Harbour", "Members Only"}, url


@pytest.mark.usefixtures("shelf")
def test_the_creator_sees_their_anonymous_works_but_drafts_only_through_a_link(
    author_client: Client, author: User
) -> None:
    for url in _pages(author):
        assert _titles_on(author_client, url) == {"Open Harbour", "Members Only", "Nameless Tide"}, url
    own_page = author_client.get(reverse("discovery:user_works", args=["Quillfeather"])).content.decode()
    assert reverse("works:drafts") in own_page


@pytest.mark.usefixtures("shelf")
def test_a_moderator_sees_anonymous_works_but_hidden_ones_are_not_listed(
    moderator_client: Client, author: User
) -> None:
    for url in _pages(author):
        assert _titles_on(moderator_client, url) == {"Open Harbour", "Members Only", "Nameless Tide"}, url


@pytest.mark.usefixtures("shelf")
def test_page_headings_state_the_counts_each_viewer_may_see(guest: Client, reader_client: Client) -> None:
    assert "1 Work</h2>" in guest.get(reverse("discovery:user_works", args=["Quillfeather"])).content.decode()
    assert "2 Works</h2>" in reader_client.get(reverse("discovery:user_works", args=["Quillfeather"])).content.decode()
    dashboard = reader_client.get(reverse("accounts:dashboard", args=["Quillfeather"])).content.decode()
    assert "Pseuds (1)" in dashboard
    assert "Recent works (2 in all)" in dashboard


@pytest.mark.usefixtures("shelf")
def test_the_drafts_link_is_shown_to_the_owner_only(reader_client: Client) -> None:
    page = reader_client.get(reverse("accounts:dashboard", args=["Quillfeather"])).content.decode()
    assert reverse("works:drafts") not in page


def test_a_pseud_page_lists_only_that_pseuds_works(guest: Client, author: User) -> None:
    gull = actions.create_pseud(author, PseudFields(name="Gull", description="Writes about birds."))
    make_work(author, title="Open Harbour")
    make_work(author, title="Members Only", pseuds=[gull])
    make_work(author, title="Nameless Tide", pseuds=[gull], anonymous=True)
    gull_page = guest.get(reverse("discovery:pseud_works", args=["Quillfeather", "Gull"])).content.decode()
    assert "Works by Gull (Quillfeather)" in gull_page
    assert "Writes about birds." in gull_page
    assert {t for t in TITLES if t in gull_page} == {"Members Only"}
    default_pseud_page = reverse("discovery:pseud_works", args=["Quillfeather", "Quillfeather"])
    assert _titles_on(guest, default_pseud_page) == {"Open Harbour"}
    assert _titles_on(guest, reverse("discovery:user_works", args=["Quillfeather"])) == {"Open Harbour", "Members Only"}


@pytest.mark.usefixtures("shelf")
def test_creator_addresses_ignore_the_case_of_the_username(guest: Client) -> None:
    response = guest.get("/users/QUILLFEATHER/works/")
    assert response.status_code == 200
    assert "Works by Quillfeather" in response.content.decode()
    assert guest.get("/users/quillfeather/pseuds/QUILLFEATHER/").status_code == 200


def test_unknown_users_and_pseuds_are_404(guest: Client, author: User) -> None:
    assert guest.get("/users/nobody/").status_code == 404
    assert guest.get("/users/nobody/works/").status_code == 404
    assert guest.get("/users/Quillfeather/pseuds/nobody/").status_code == 404


def test_a_creators_works_are_paginated_newest_updated_first(guest: Client, author: User, settings: object) -> None:
    settings.FANSHELF_WORKS_PER_PAGE = 3  # type: ignore[attr-defined]
    start = timezone.now() - datetime.timedelta(days=30)
    for day in range(5):
        work = make_work(author, title=f"Tide {day}")
        Work.objects.filter(pk=work.pk).update(revised_at=start + datetime.timedelta(days=day))
    first = guest.get(reverse("discovery:user_works", args=["Quillfeather"]))
    assert listed_titles(first) == ["Tide 4", "Tide 3", "Tide 2"]
    assert "5 Works</h2>" in first.content.decode()
    second = guest.get(reverse("discovery:user_works", args=["Quillfeather"]), {"page": 2})
    assert listed_titles(second) == ["Tide 1", "Tide 0"]
    # A page number that is not one is the reader's mistake: a clear message, never a server error.
    bad = guest.get(reverse("discovery:user_works", args=["Quillfeather"]), {"page": "x"})
    assert bad.status_code == 400
    assert "Page needs a whole number" in bad.content.decode()


def _make_tagged_work(author: User, number: int) -> None:
    make_work(
        author,
        title=f"Tide {number}",
        characters=[f"Keeper {number}"],
        freeforms=[f"Storms {number}", "Lighthouses"],
        relationships=[f"Keeper {number}/Gull"],
    )


@pytest.mark.parametrize("page", ["dashboard", "works", "pseud"])
def test_creator_pages_take_a_fixed_number_of_queries_however_many_works(
    reader_client: Client,
    author: User,
    django_assert_max_num_queries: DjangoAssertNumQueries,
    page: str,
) -> None:
    args = ["Quillfeather", "Quillfeather"] if page == "pseud" else ["Quillfeather"]
    name = {"dashboard": "accounts:dashboard", "works": "discovery:user_works", "pseud": "discovery:pseud_works"}[page]
    url = reverse(name, args=args)
    _make_tagged_work(author, 0)
    reader_client.get(url)  # listings apply new outbox rows to the discovery index first; measure the page alone
    with CaptureQueriesContext(connection) as one_work:
        reader_client.get(url)
    one_work_queries = len(one_work)
    for number in range(1, 12):
        _make_tagged_work(author, number)
    reader_client.get(url)
    with django_assert_max_num_queries(one_work_queries) as twelve_works:
        response = reader_client.get(url)
    assert "Tide 11" in response.content.decode()
    # Session, user, the profile's user and pseuds, the outbox check (2), the works with tags, creators and gifts
    # (4), the anonymous works the reader may know (1) and the site menu's wrangling check; on the user's own page,
    # the Subscribe button's check (1) and whether the reader blocks or mutes them (1); on the listings, the
    # reader's mute and filter versions (1).
    assert len(twelve_works) <= (14 if page == "dashboard" else 12)
