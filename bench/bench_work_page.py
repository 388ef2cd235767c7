"""Benchmark: a guest's work page with the work page memo off and on (works/page_memo.py, issue 13).

Run with `.venv/bin/python -m bench.bench_work_page [--size N] [--pool P] [--views V]` once the corpus is loaded
(bench/data/bench-N.sqlite3, made by `python -m bench.run --size N`). The corpus is copied to a temporary folder
first (hits are written, and the corpus is never written to). In one process, through Django's test Client:
P random readable works are chosen, and V views of random pages among them (the work's page, or its entire-work
page), each by a new guest (a new browser: every view is a hit), are timed with FANSHELF_WORK_PAGE_MEMO=0 and
then with the memo on, after one view of each page filled it. Hits are buffered as the site does by default; the buffer
is flushed (outside the timing) after each pass, which writes their outbox rows, as a busy archive does between
views: count changes leave the memoised bodies in use.

With `--listings N` it then times N first views of listings (all works, one fandom and one additional tag
included, a sort: URLs no process has seen, so nothing of the page is memoised but the blurbs of works seen
before and the filter form), with the filter form memoised by its tags too (as before 2026-12-03 15:00: a form
rendered again for each new pair of tags) and then without them (discovery/templatetags/discovery.py), each pass
on its own URLs.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
# Works no adult gate stands before (a new guest would get the gate, not the page).
UNGATED_RATINGS = ["General Audiences", "Teen And Up Audiences"]


def _copy_corpus(size: int) -> Path:
    source = BENCH_DIR / "data" / f"bench-{size}.sqlite3"
    if not source.exists():
        sys.exit(f"No corpus at {source}: run `python -m bench.run --size {size}` first.")
    folder = Path(tempfile.mkdtemp(prefix="fanshelf-bench-workpage-"))
    copy = folder / source.name
    shutil.copyfile(source, copy)
    return copy


def _views(paths: list[str], first_agent: int) -> list[float]:
    """CPU milliseconds of this process per view (the machine is shared: wall time would measure the others), each
    by a new guest (its own browser), including the response's close()."""
    from django.test import Client

    times = []
    for number, path in enumerate(paths, first_agent):
        client = Client(HTTP_USER_AGENT=f"bench-guest-{number}")
        started = time.process_time()
        response = client.get(path)
        times.append((time.process_time() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    return times


def django_on_a_copy(size: int) -> Path:
    """Copy the corpus, set Django up on the copy (brought up to this code's schema) for the test Client, and
    return the copy's path."""
    corpus = _copy_corpus(size)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanshelf.settings")
    os.environ["DATABASE_URL"] = f"sqlite:///{corpus}"
    os.environ["FANSHELF_VAR_DIR"] = str(corpus.parent)
    os.environ["FANSHELF_REQUEST_RATE"] = "off"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0)
    return corpus


def main(size: int, pool: int, views: int, listings: int = 0) -> None:
    corpus = django_on_a_copy(size)
    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser

    from fanshelf.works import hits, page_memo
    from fanshelf.works.models import Work

    hits._ensure_flusher = lambda: None  # this script flushes, between passes
    rng = random.Random(13)
    guests = Work.objects.visible_to(AnonymousUser()).filter(tags__name__in=UNGATED_RATINGS)
    candidates = list(guests.values_list("pk", flat=True)[:50_000])
    chosen = rng.sample(candidates, pool)
    pages = [f"/works/{pk}/" for pk in chosen] + [f"/works/{pk}/entire/" for pk in chosen]
    paths = [rng.choice(pages) for _ in range(views)]
    load_before = Path("/proc/loadavg").read_text().strip()

    _views(pages, 0)  # warm the process: templates, the tag graph, the database's pages
    hits.flush()
    settings.FANSHELF_WORK_PAGE_MEMO = 0
    off = _views(paths, 1_000_000)
    hits.flush()
    settings.FANSHELF_WORK_PAGE_MEMO = 4 * pool
    _views(pages, 2_000_000)  # fill the memo
    hits.flush()
    served = page_memo.counts["served"]
    on = _views(paths, 3_000_000)
    hits.flush()
    from_memo = page_memo.counts["served"] - served
    load_after = Path("/proc/loadavg").read_text().strip()

    print(
        f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, "
        f"SQLite copy of {corpus.name}"
    )
    print(f"/proc/loadavg before: {load_before}; after: {load_after}")
    print(
        f"{pool} works, {len(pages)} pages, {views} views each way, each by a new guest; "
        f"{from_memo} served from the memo"
    )
    print("| guest work page, new visitor each view | median CPU ms | p95 CPU ms | views per CPU second |")
    print("|---|---:|---:|---:|")
    passes = (("memo off", off), ("memo on", on))
    for label, times in passes:
        p95 = statistics.quantiles(times, n=20)[-1]
        print(f"| {label} | {statistics.median(times):.2f} | {p95:.2f} | {len(times) / (sum(times) / 1000):.1f} |")
    print(f"memo on / memo off, views per second: {sum(off) / sum(on):.2f}x")
    if listings:
        _first_views(listings, rng)
    shutil.rmtree(corpus.parent, ignore_errors=True)


def _first_views(count: int, rng: random.Random) -> None:
    """CPU milliseconds of listings never seen before: the filter form memoised by its tags too, then without."""
    from django.test import Client

    from fanshelf.discovery.templatetags import discovery
    from fanshelf.tags.models import Tag

    def names(tag_type: str) -> list[str]:
        return list(Tag.objects.filter(type=tag_type, canonical=True).values_list("name", flat=True)[:2000])

    fandoms, freeforms = names("fandom"), names("freeform")
    sorts = ["kudos", "hits", "words", "updated", "title"]
    client = Client()
    client.get("/works/")  # builds the index
    put_in = discovery._PUT_IN
    results = {}
    for label, left_out in (("form memoised by its tags too", ("page", "q")), ("form memoised without them", put_in)):
        discovery._PUT_IN = left_out
        times = []
        for _ in range(count):
            url = f"/works/?include={rng.choice(fandoms)}&include={rng.choice(freeforms)}&sort={rng.choice(sorts)}"
            started = time.process_time()
            response = client.get(url)
            times.append((time.process_time() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
        results[label] = times
    discovery._PUT_IN = put_in
    print(f"\n{count} listing first views each way (distinct URLs, a guest)")
    print("| listing first view | median CPU ms | p95 CPU ms |")
    print("|---|---:|---:|")
    for label, times in results.items():
        print(f"| {label} | {statistics.median(times):.2f} | {statistics.quantiles(times, n=20)[-1]:.2f} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--pool", type=int, default=200)
    parser.add_argument("--views", type=int, default=2_000)
    parser.add_argument("--listings", type=int, default=0)
    arguments = parser.parse_args()
    main(arguments.size, arguments.pool, arguments.views, arguments.listings)
