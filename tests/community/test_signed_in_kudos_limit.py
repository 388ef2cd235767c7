"""Signed-in readers may leave only so many kudos in a while (FANSHELF_KUDOS_RATE), counted per account whatever
the address, and the guests' own limit is unchanged."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.core.limits import parse_rate
from fanshelf.works.models import Work
from tests.factories import make_work, signed_in_client


def _press(client: Client, work: Work, address: str) -> Any:
    return client.post(reverse("community:kudos", args=[work.pk]), REMOTE_ADDR=address)


@pytest.mark.django_db
def test_a_reader_past_the_kudos_limit_is_refused_with_retry_after(author: User, reader: User, settings: Any) -> None:
    settings.FANSHELF_KUDOS_RATE = parse_rate("2/1h", "FANSHELF_KUDOS_RATE")
    works = [make_work(author, title=title) for title in ("Ebb", "Flow", "「潮目」 Slack Water")]
    client = signed_in_client(reader)
    assert _press(client, works[0], "198.51.100.1").status_code == 302
    assert _press(client, works[1], "198.51.100.2").status_code == 302
    refused = _press(client, works[2], "198.51.100.3")  # a new address changes nothing: the account is counted
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "You have left many kudos lately" in refused.content.decode()
    works[2].refresh_from_db()
    assert works[2].kudos_count == 0


@pytest.mark.django_db
def test_one_readers_limit_does_not_hold_back_another(author: User, reader: User, settings: Any) -> None:
    settings.FANSHELF_KUDOS_RATE = parse_rate("1/1h", "FANSHELF_KUDOS_RATE")
    work, other = make_work(author, title="Ebb"), make_work(author, title="Flow")
    assert _press(signed_in_client(reader), work, "198.51.100.1").status_code == 302
    assert _press(signed_in_client(reader), other, "198.51.100.1").status_code == 429
    assert _press(Client(), other, "198.51.100.1").status_code == 302  # a guest at the same address
