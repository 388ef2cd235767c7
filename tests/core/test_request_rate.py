"""The general limit on requests per client address: a scraper walking work ids gets 429s, its neighbours do not,
and every worker of a real server counts the same requests."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client

from fanshelf.core import limits
from fanshelf.core.limits import parse_rate
from tests.servers import redis_answers
from tests.works.test_hostile_server import ROOT, _free_port, _request, _server_environment

# The counts live in the shared cache: the file cache of a one-machine archive, or Redis (one round trip a request).
REDIS_CACHE = {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": "redis://127.0.0.1:6379/13",
    "KEY_PREFIX": "request-rate-test",
}


@pytest.fixture(params=["file cache", "redis"])
def five_a_minute(request: pytest.FixtureRequest, settings: Any, monkeypatch: pytest.MonkeyPatch) -> list[float]:
    if request.param == "redis":
        if not redis_answers(REDIS_CACHE["LOCATION"]):
            pytest.skip(f"needs Redis at {REDIS_CACHE['LOCATION']}")
        settings.CACHES = {**settings.CACHES, "default": REDIS_CACHE}
        caches["default"].clear()
    settings.FANSHELF_REQUEST_RATE = parse_rate("5/1m", "FANSHELF_REQUEST_RATE")
    clock = [6000.0]  # the start of a window
    monkeypatch.setattr(limits, "_now", lambda: clock[0])
    return clock


def visit(address: str) -> int:
    return Client(REMOTE_ADDR=address).get("/works/").status_code


@pytest.mark.django_db
def test_past_the_limit_an_address_gets_a_429_that_says_when_to_come_back(five_a_minute: list[float]) -> None:
    assert [visit("203.0.113.9") for _ in range(5)] == [200] * 5
    refused = Client(REMOTE_ADDR="203.0.113.9").get("/works/1/")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "Too many requests from your address" in refused.content.decode()
    assert visit("203.0.113.10") == 200  # another address has its own count


@pytest.mark.django_db
def test_an_ipv6_client_counts_by_its_64(five_a_minute: list[float]) -> None:
    for number in range(5):
        assert visit(f"2001:db8:1:2::{number + 1}") == 200
    assert visit("2001:db8:1:2:ffff::7") == 429  # same /64: the same home or phone
    assert visit("2001:db8:1:3::1") == 200


@pytest.mark.django_db
def test_the_window_slides(five_a_minute: list[float]) -> None:
    for _ in range(5):
        visit("198.51.100.4")
    # The next window, 5 s in: 4 of the previous five still count (55 of their 60 seconds are in the last minute).
    five_a_minute[0] += 65
    assert [visit("198.51.100.4") for _ in range(2)] == [200, 429]  # refused requests count too
    five_a_minute[0] += 30  # 35 s in: 2 of the previous five still count, and this window's 2
    assert [visit("198.51.100.4") for _ in range(2)] == [200, 429]


def test_every_worker_of_a_server_counts_the_same_requests_and_static_files_are_free(tmp_path: Path) -> None:
    """Two gunicorn workers share the file cache: the 21st request is refused whichever worker takes it."""
    env = _server_environment(tmp_path) | {"FANSHELF_REQUEST_RATE": "20/1h"}
    migrate = [sys.executable, "-m", "fanshelf.cli", "migrate", "-v0"]
    subprocess.run(migrate, cwd=ROOT, env=env, check=True, capture_output=True, timeout=180)
    port = _free_port()
    serve = [sys.executable, "-m", "fanshelf.cli", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
    process = subprocess.Popen(serve, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while _request(port, "GET", "/static/fanshelf/site.css").status != 200:  # 0 while nobody listens
            if time.monotonic() > deadline:
                pytest.fail("the server did not start")
            time.sleep(0.2)
        statuses = [_request(port, "GET", "/works/").status for _ in range(25)]
        assert statuses == [200] * 20 + [429] * 5
        assert _request(port, "GET", "/static/fanshelf/site.css").status == 200
    finally:
        process.terminate()
        process.wait(timeout=30)
