"""Benchmark: what a hit costs a work page, written in the request (FANSHELF_HIT_FLUSH_SECONDS=0) or buffered and
written in batches (the default), against the same page for a reader already counted today (issue 13).

Run with `.venv/bin/python -m bench.bench_hits [works] [views]`. It makes a throwaway SQLite database in a file (WAL,
as the site runs it, so each write really commits) with `works` posted works, warms every page once, then times
`views` work page views through Django's test Client, each by a new visitor on a random work:
- baseline: a visitor already counted today on that work (no write);
- hits written in the request: each view writes its hit as the page closes (the old way);
- hits buffered: each view only hands its hit over; then one flush writes them all, timed apart.
The server's time for a page is the view plus its `close()`; both are inside each figure.
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

VAR = Path(tempfile.mkdtemp(prefix="fanshelf-bench-hits-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanshelf.settings")
os.environ["DATABASE_URL"] = f"sqlite:///{VAR / 'bench.sqlite3'}"
os.environ["FANSHELF_VAR_DIR"] = str(VAR)
os.environ["FANSHELF_REQUEST_RATE"] = "off"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from fanshelf.works import hits  # noqa: E402
from fanshelf.works.models import Hit, Work  # noqa: E402
from tests.factories import make_user, make_work  # noqa: E402


def _views(paths: list[str], agents: list[str]) -> list[float]:
    """Milliseconds per view, each by its own client (one user agent: one guest visitor)."""
    times = []
    for path, agent in zip(paths, agents, strict=True):
        client = Client(HTTP_USER_AGENT=agent)
        started = time.perf_counter()
        response = client.get(path)  # the test client calls close(), as a WSGI server does
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    return times


def main(works: int, views: int) -> None:
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.STORAGES = {  # no collectstatic manifest in a throwaway folder
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0)
    author = make_user("Lighthousekeeper")
    paths = [make_work(author, title=f"Tide {number}").get_absolute_url() for number in range(works)]
    rng = random.Random(7)
    load_before = os.getloadavg()[0]
    settings.FANSHELF_HIT_FLUSH_SECONDS = 0
    counted = [f"counted-{n}" for n in range(works)]
    _views(paths, counted)  # warm every page; these visitors are now counted today
    hits.stop_flusher()
    baseline = _views(paths, counted)

    chosen = [rng.choice(paths) for _ in range(views)]
    written = _views(chosen, [f"new-written-{n}" for n in range(views)])
    hits_after_written = Hit.objects.count()

    settings.FANSHELF_HIT_FLUSH_SECONDS = 2
    hits._ensure_flusher = lambda: None  # only this script flushes, and it times it
    buffered = _views(chosen, [f"new-buffered-{n}" for n in range(views)])
    started = time.perf_counter()
    flushed = hits.flush()
    flush_ms = (time.perf_counter() - started) * 1000
    load_after = os.getloadavg()[0]

    # Every hit counted once, whichever way it went.
    expected = works + 2 * views
    stored, counted_total = Hit.objects.count(), sum(Work.objects.values_list("hit_count", flat=True))
    if not (stored == hits_after_written + views == expected == counted_total):
        raise SystemExit(f"hits went missing: {stored} rows, {counted_total} counted, {expected} expected")

    base = statistics.median(baseline)
    print(f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, SQLite file (WAL)")
    print(f"load average before {load_before:.2f}, after {load_after:.2f}; {works} works, {views} views each way")
    print("| work page view | median ms | p95 ms | ratio to baseline |")
    print("|---|---:|---:|---:|")
    for label, times in (
        ("baseline: a visitor counted today (no hit)", baseline),
        ("new visitor, hit written in the request", written),
        ("new visitor, hit buffered", buffered),
    ):
        p95 = statistics.quantiles(times, n=20)[-1]
        print(f"| {label} | {statistics.median(times):.2f} | {p95:.2f} | {statistics.median(times) / base:.2f}x |")
    print(f"one flush of {views} buffered hits: {flush_ms:.1f} ms ({flush_ms / views:.3f} ms a hit, {flushed} new)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200, int(sys.argv[2]) if len(sys.argv) > 2 else 400)
