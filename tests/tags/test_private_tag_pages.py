"""A tag typed only on works a reader may not open answers them exactly as a tag that does not exist: its page,
its works listing, its feed and its OPDS entry. Its name alone would confirm the draft or hidden work."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.tags.actions import find_or_create_tag
from fanshelf.tags.models import Tag, TagType
from fanshelf.works.models import Work
from tests.downloads.states import make_work_in_state
from tests.factories import make_user
from tests.tags.conftest import canonical_tag

_CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
SECRET = "Lantern Keeper Confesses"
NOBODY = "No Such Tag Anywhere"


def tag_routes(name: str) -> list[str]:
    part = Tag(name=name).url_part
    return [
        reverse("tags:detail", args=[part]),
        reverse("discovery:tag_works", args=[part]),
        reverse("downloads:tag_feed", args=[part]),
        reverse("downloads:opds_tag", args=[part]),
    ]


def answers(client: Client, name: str) -> list[tuple[int, bytes]]:
    """Status and body of each route, with the name (as typed, and as quoted in the login link's `next`) taken
    out so two names can be compared."""
    results = []
    for url in tag_routes(name):
        body = client.get(url)
        content = body.content
        for form in (name, quote(name), quote(quote(name))):
            content = content.replace(form.encode(), b"NAME")
        results.append((body.status_code, _CSRF.sub(b"TOKEN", content)))  # masked per response anyway
    return results


def work_with_secret_tag(author: User, state: str) -> Work:
    work = make_work_in_state(author, state)
    work.tags.add(find_or_create_tag(SECRET, TagType.FREEFORM))  # as typed by its creator
    return work


@pytest.fixture
def other_user_client(db: None) -> Client:
    client = Client()
    client.force_login(make_user("Passerby"))
    return client


@pytest.mark.parametrize("state", ["draft", "hidden", "unrevealed", "restricted"])
def test_a_tag_used_only_on_a_work_a_guest_may_not_open_is_missing_to_them(
    state: str, author: User, guest: Client
) -> None:
    work_with_secret_tag(author, state)
    assert answers(guest, SECRET) == answers(guest, NOBODY)
    assert all(status == 404 for status, _ in answers(guest, SECRET))


@pytest.mark.parametrize("state", ["draft", "hidden", "unrevealed"])
def test_a_tag_used_only_on_a_work_another_user_may_not_open_is_missing_to_them(
    state: str, author: User, other_user_client: Client
) -> None:
    work_with_secret_tag(author, state)
    assert answers(other_user_client, SECRET) == answers(other_user_client, NOBODY)


def test_a_tag_on_a_restricted_work_answers_a_signed_in_reader(author: User, other_user_client: Client) -> None:
    work_with_secret_tag(author, "restricted")
    response = other_user_client.get(reverse("tags:detail", args=[Tag(name=SECRET).url_part]))
    assert response.status_code == 200
    assert SECRET in response.content.decode()


def test_a_draft_tag_answers_the_drafts_creator_and_a_moderator(
    author: User, author_client: Client, moderator_client: Client
) -> None:
    work_with_secret_tag(author, "draft")
    url = reverse("tags:detail", args=[Tag(name=SECRET).url_part])
    assert author_client.get(url).status_code == 200
    assert moderator_client.get(url).status_code == 200  # moderators wrangle every tag


def test_a_tag_also_used_on_a_public_work_answers_everyone(author: User, guest: Client) -> None:
    work_with_secret_tag(author, "draft")
    work_with_secret_tag(author, "public")
    assert guest.get(reverse("tags:detail", args=[Tag(name=SECRET).url_part])).status_code == 200


def test_a_canonical_tag_answers_guests_whatever_works_use_it(author: User, moderator: User, guest: Client) -> None:
    """Wranglers made it public vocabulary: answering it says nothing about any work, and a 404 only when
    private works use it would itself give them away."""
    canonical_tag(SECRET, TagType.FREEFORM, moderator)
    work_with_secret_tag(author, "draft")
    assert guest.get(reverse("tags:detail", args=[Tag(name=SECRET).url_part])).status_code == 200
