"""Guest kudos: one per work per client address, whatever the browser says, and only so many per address; moderators
neither see the kudos button nor can leave kudos."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.community.actions import leave_kudos
from fanshelf.community.models import Kudos
from fanshelf.core.limits import parse_rate
from fanshelf.works.models import Work
from tests.factories import make_user, make_work

ADDRESS = "203.0.113.7"


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()  # guest kudos are counted in the cache


def press_kudos(work: Work, client: Client | None = None, **headers: Any) -> int:
    """Press the kudos button; the status code of the answer (a redirect back to the work when accepted)."""
    browser = client or Client()
    return browser.post(reverse("community:kudos", args=[work.pk]), **{"REMOTE_ADDR": ADDRESS, **headers}).status_code


def kudos_count(work: Work) -> int:
    work.refresh_from_db()
    return work.kudos_count


def kudos_button(client: Client, work: Work) -> object:
    page = BeautifulSoup(client.get(work.get_absolute_url()).content.decode(), "html.parser")
    return page.find("form", action=reverse("community:kudos", args=[work.pk]))


def test_twenty_browsers_at_one_address_leave_one_guest_kudos(author: User) -> None:
    work = make_work(author)
    for number in range(20):
        press_kudos(work, HTTP_USER_AGENT=f"Browser {number}")
    assert kudos_count(work) == 1


def test_guests_behind_a_trusted_proxy_each_leave_their_own_kudos(author: User, settings: Any) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    work = make_work(author)
    for forwarded in ("198.51.100.1", "198.51.100.2", "198.51.100.2"):
        press_kudos(work, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert kudos_count(work) == 2


def test_a_guest_kudos_keeps_no_readable_trace_of_the_address(author: User) -> None:
    press_kudos(make_work(author))
    key = Kudos.objects.get().guest_key
    assert ADDRESS not in key
    assert hashlib.sha256(ADDRESS.encode()).hexdigest()[:40] not in key


def test_guests_at_one_address_may_leave_only_so_many_kudos(author: User, reader: User, settings: Any) -> None:
    settings.FANSHELF_GUEST_KUDOS_RATE = parse_rate("2/1h", "FANSHELF_GUEST_KUDOS_RATE")
    works = [make_work(author, title=f"Lantern {number}") for number in range(3)]
    assert [press_kudos(work) for work in works[:2]] == [302, 302]
    response = Client().post(reverse("community:kudos", args=[works[2].pk]), REMOTE_ADDR=ADDRESS)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "log in to leave more" in response.content.decode()
    assert kudos_count(works[2]) == 0
    # A reader with an account at the same address is not a guest.
    signed_in = Client()
    signed_in.force_login(reader)
    assert press_kudos(works[2], signed_in) == 302
    assert kudos_count(works[2]) == 1


@pytest.mark.parametrize("flags", [{"is_staff": True}, {"is_superuser": True}], ids=["staff", "superuser"])
def test_moderators_get_no_kudos_button_and_their_kudos_are_refused(author: User, flags: dict[str, bool]) -> None:
    work = make_work(author)
    moderator = Client()
    moderator.force_login(make_user("Lamplighter", **flags))
    assert kudos_button(moderator, work) is None
    response = moderator.post(reverse("community:kudos", args=[work.pk]), follow=True)
    assert "Moderators can't leave kudos" in BeautifulSoup(response.content.decode(), "html.parser").get_text()
    assert kudos_count(work) == 0


def test_the_kudos_action_refuses_a_moderator_whoever_calls_it(author: User, moderator: User) -> None:
    work = make_work(author)
    with pytest.raises(ValidationError, match="Moderators can't leave kudos"):
        leave_kudos(work, moderator, "")
    assert kudos_count(work) == 0


def test_readers_and_guests_still_get_the_kudos_button(author: User, reader_client: Client, guest: Client) -> None:
    work = make_work(author)
    assert kudos_button(reader_client, work) is not None
    assert kudos_button(guest, work) is not None
