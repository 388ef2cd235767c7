"""`/healthz` for load balancers: 200 with each check's figures while the database and cache answer, 503 when one
does not; it never needs a login and is never cached."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from fanshelf.moderation import health
from fanshelf.works.actions import set_hidden_by_moderator
from tests.factories import make_work

pytestmark = pytest.mark.django_db


def test_a_healthy_server_says_so_with_its_figures(guest: Client, author: Any) -> None:
    assert guest.get("/works/").status_code == 200  # the index is built
    work = make_work(author)
    set_hidden_by_moderator(work, hidden=True)
    answer = guest.get("/healthz")
    assert answer.status_code == 200
    assert "no-cache" in answer["Cache-Control"]
    body = answer.json()
    assert body["healthy"] is True
    assert [body[check]["ok"] for check in ("database", "cache", "tasks")] == [True, True, True]
    assert body["index"]["built"] is True
    assert body["index"]["changes_behind"] >= 2  # posted, then hidden, since the listing caught up


def test_a_cache_that_fails_makes_the_server_unhealthy(guest: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    class GoneCache:
        def set(self, *args: object, **kwargs: object) -> None:
            raise ConnectionError("Redis went away")

    monkeypatch.setattr(health, "cache", GoneCache())
    answer = guest.get("/healthz")
    assert answer.status_code == 503
    assert answer.json()["cache"]["error"] == "ConnectionError: Redis went away"
    assert answer.json()["healthy"] is False
