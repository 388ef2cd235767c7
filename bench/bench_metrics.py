"""Benchmark: what counting costs a request (fanshelf/core/metrics.py), and what the request limit costs with the file
cache and with Redis (fanshelf/core/middleware.py RequestRateMiddleware, never measured before).

Run with `.venv/bin/python -m bench.bench_metrics [requests] [rounds]`. In one process, on a throwaway SQLite
database, it sends `requests` requests for a cheap page (/robots.txt) through Django's test Client with each
middleware list, the lists taking turns over `rounds` rounds so that a change of machine load hits each alike, and
gives the median time per request and the ratio to the list without the measured middleware. It then times the
pieces alone: the metrics middleware around a view that does nothing, a memo lookup with its counter, and one
request-limit count in each cache. Redis is at redis://127.0.0.1:6379/13 (skipped when it does not answer).
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

VAR = Path(tempfile.mkdtemp(prefix="fanshelf-bench-metrics-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanshelf.settings")
os.environ["DATABASE_URL"] = f"sqlite:///{VAR / 'bench.sqlite3'}"
os.environ["FANSHELF_VAR_DIR"] = str(VAR)
os.environ["FANSHELF_REQUEST_RATE"] = "off"
(VAR / "static").mkdir()  # whitenoise warns about a missing static folder otherwise
REDIS_URL = "redis://127.0.0.1:6379/13"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.test import Client, RequestFactory, override_settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import resolve  # noqa: E402

from fanshelf.core.limits import parse_rate  # noqa: E402
from fanshelf.core.memo import Memo  # noqa: E402
from fanshelf.core.metrics import RequestMetricsMiddleware  # noqa: E402

METRICS = "fanshelf.core.metrics.RequestMetricsMiddleware"
FILE_CACHE = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(VAR / "cache")}
REDIS_CACHE = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except (redis.RedisError, OSError):
        return False


def _per_request_ms(count: int) -> tuple[float, float]:
    """Milliseconds per request of `count` requests for /robots.txt, with the settings now in force: the median by
    the clock, and the mean of this process's CPU time."""
    client = Client()  # a new client builds its middleware chain from the settings now in force
    client.get("/robots.txt")
    times = []
    cpu = time.process_time()
    for _ in range(count):
        started = time.perf_counter()
        response = client.get("/robots.txt")
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"/robots.txt answered {response.status_code}")
    return statistics.median(times), (time.process_time() - cpu) * 1000 / count


def _compare(variants: dict[str, dict[str, object]], count: int, rounds: int) -> dict[str, tuple[float, float]]:
    """Median over rounds of each variant's figures, the variants taking turns."""
    results: dict[str, list[tuple[float, float]]] = {label: [] for label in variants}
    for _ in range(rounds):
        for label, overrides in variants.items():
            with override_settings(**overrides):
                results[label].append(_per_request_ms(count))
    return {
        label: (statistics.median(t[0] for t in times), statistics.median(t[1] for t in times))
        for label, times in results.items()
    }


def _micro_us(action: Callable[[], object], count: int) -> tuple[float, float]:
    """Microseconds a call: of this process's CPU time (what the machine's other load barely changes), and of the
    clock (which includes waiting, for Redis say)."""
    action()
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(count):
        action()
    return (time.process_time() - cpu) / count * 1_000_000, (time.perf_counter() - started) / count * 1_000_000


def _table(title: str, figures: dict[str, tuple[float, float]], base: str) -> None:
    print(f"\n| {title} | clock ms a request (median) | ratio | CPU ms a request | ratio |")
    print("|---|---:|---:|---:|---:|")
    clock_base, cpu_base = figures[base]
    for label, (clock, cpu) in figures.items():
        print(f"| {label} | {clock:.3f} | {clock / clock_base:.3f}x | {cpu:.3f} | {cpu / cpu_base:.3f}x |")


def main(count: int, rounds: int) -> None:
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    load_before = os.getloadavg()[0]
    without_metrics = [entry for entry in settings.MIDDLEWARE if entry != METRICS]
    redis = _redis_answers()

    metrics = _compare(
        {"without the metrics middleware": {"MIDDLEWARE": without_metrics}, "with it": {}}, count, rounds
    )
    limit = parse_rate("1000000/5m", "bench")
    limits: dict[str, dict[str, object]] = {
        "no request limit": {"FANSHELF_REQUEST_RATE": None},
        "request limit, file cache": {"FANSHELF_REQUEST_RATE": limit, "CACHES": {"default": FILE_CACHE}},
    }
    if redis:
        limits["request limit, Redis"] = {"FANSHELF_REQUEST_RATE": limit, "CACHES": {"default": REDIS_CACHE}}
    limit_figures = _compare(limits, count, rounds)

    request = RequestFactory().get("/robots.txt")
    request.resolver_match = resolve("/robots.txt")
    answered = HttpResponse("ok")

    def view(_: HttpRequest) -> HttpResponse:
        return answered

    middleware = RequestMetricsMiddleware(view)
    memo: Memo[str] = Memo(16, name="bench")
    memo.put("key", "value")
    uncounted: Memo[str] = Memo(16, name="bench-uncounted")
    uncounted.put("key", "value")
    uncounted._count_hit = uncounted._count_miss = lambda: None  # as it was before the counters
    micro = {
        "a view that does nothing, called directly": _micro_us(lambda: view(request), 20_000),
        "the same view inside the metrics middleware": _micro_us(lambda: middleware(request), 20_000),
        "memo lookup (a hit) without a counter": _micro_us(lambda: uncounted.get("key"), 100_000),
        "memo lookup (a hit), counted": _micro_us(lambda: memo.get("key"), 100_000),
    }
    from fanshelf.core.limits import count_in_window

    for label, cache in (("file cache", FILE_CACHE), ("Redis", REDIS_CACHE)):
        if cache is REDIS_CACHE and not redis:
            continue
        with override_settings(CACHES={"default": cache}):
            caches["default"].clear()
            micro[f"one request-limit count, {label}"] = _micro_us(
                lambda: count_in_window("bench", "203.0.113.1", limit), 2_000
            )
    load_after = os.getloadavg()[0]

    print(f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, SQLite file (WAL)")
    print(f"load average before {load_before:.2f}, after {load_after:.2f}; {count} requests x {rounds} rounds each")
    _table("/robots.txt through the test client", metrics, "without the metrics middleware")
    _table("/robots.txt through the test client", limit_figures, "no request limit")
    print("\n| piece alone | CPU µs a call | clock µs a call |")
    print("|---|---:|---:|")
    for label, (cpu_us, clock_us) in micro.items():
        print(f"| {label} | {cpu_us:.2f} | {clock_us:.2f} |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500, int(sys.argv[2]) if len(sys.argv) > 2 else 5)
