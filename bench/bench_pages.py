"""Benchmark: one first view of each page that reads across the whole archive, on a corpus copy, in one process.

Run with `.venv/bin/python -m bench.bench_pages [--size N]` once the corpus is loaded (bench/data/bench-N.sqlite3,
made by `python -m bench.run --size N`). The corpus is copied and the copy migrated (the corpus is never written
to); the discovery index is built first, outside the timing. Each page is then asked twice through Django's test
Client, as a guest (the wrangling pages: as a superuser made on the copy and assigned the ten busiest fandoms): the
first answer's time (nothing of it memoised) and the second's are printed. A page
that reads every work shows here as seconds at a million works, where a page that reads what it shows takes
milliseconds.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import time
from pathlib import Path

from bench.bench_work_page import django_on_a_copy


def _pages(busiest: str) -> list[tuple[str, str]]:
    """(label, path) of the pages to time, naming the corpus's own fandoms and busiest creator."""
    from fanshelf.accounts.models import User
    from fanshelf.tags.models import Tag

    fandom = Tag.objects.filter(type="fandom", canonical=True).order_by("pk")[3].name
    freeform = Tag.objects.filter(type="freeform", canonical=True).order_by("-pk")[3].name
    creator = User.objects.order_by("pk")[5].username  # 32,807 works in the 2,000,000-work corpus
    return [
        ("works listing filtered by a fandom and a freeform", f"/works/?include={fandom}&include={freeform}"),
        ("a fandom's works", f"/tags/{fandom}/works/"),
        ("a creator's profile", f"/users/{creator}/"),
        ("a creator's works", f"/users/{creator}/works/"),
        ("the Fandoms page", "/tags/media/fandoms/"),
        ("Uncategorized Fandoms", "/tags/media/uncategorized/"),
        ("the catalogue (OPDS)", "/downloads/opds/"),
        ("the catalogue's New works", "/downloads/opds/new/"),
        ("the catalogue's fandoms", "/downloads/opds/fandoms/"),
        ("the catalogue's feed of a fandom", f"/downloads/opds/tags/{fandom}/"),
        ("a fandom's Atom feed", f"/downloads/feeds/tags/{fandom}.atom"),
        ("wrangling: the bins of the ten busiest fandoms", "/tags/wrangle/fandoms/"),
        ("wrangling: the busiest fandom's character bin", f"/tags/wrangle/{busiest}/character/"),
    ]


def main(size: int) -> None:
    corpus = django_on_a_copy(size)
    from django.test import Client

    from fanshelf.accounts.models import User
    from fanshelf.discovery.closure import TYPE_CODES
    from fanshelf.discovery.live import ensure_fresh
    from fanshelf.tags.models import Tag, WranglingAssignment

    index = ensure_fresh()  # the index build, not timed
    guest, superuser = Client(), Client()
    admin = User.objects.create_superuser("benchadmin", "benchadmin@example.org", "bench-pages")
    superuser.force_login(admin)
    fandoms = [Tag.objects.get(pk=pk) for pk in index.popularity_of(TYPE_CODES["fandom"]).ids[:10].tolist()]
    WranglingAssignment.objects.bulk_create([WranglingAssignment(wrangler=admin, fandom=f) for f in fandoms])
    machine = f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores"
    print(f"{machine}, SQLite copy of {corpus.name}")
    print(f"/proc/loadavg before: {Path('/proc/loadavg').read_text().strip()}")
    print("| page | status | first view ms | again ms |")
    print("|---|---:|---:|---:|")
    for label, path in _pages(fandoms[0].name):
        client = superuser if path.startswith("/tags/wrangle/") else guest
        started = time.perf_counter()
        status = client.get(path).status_code
        first = time.perf_counter() - started
        started = time.perf_counter()
        client.get(path)
        again = time.perf_counter() - started
        print(f"| {label} | {status} | {first * 1000:.1f} | {again * 1000:.1f} |")
    print(f"/proc/loadavg after: {Path('/proc/loadavg').read_text().strip()}")
    shutil.rmtree(corpus.parent, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    main(parser.parse_args().size)
