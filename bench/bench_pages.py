"""Benchmark: one first view of each page that reads across the whole archive, on a corpus copy, in one process.

Run with `.venv/bin/python -m bench.bench_pages [--size N]` once the corpus is loaded (bench/data/bench-N.sqlite3,
made by `python -m bench.run --size N`). The corpus is copied and the copy migrated (the corpus is never written
to); the discovery index is built first, outside the timing. Each page is then asked twice, as a guest, through
Django's test Client: the first answer's time (nothing of it memoised) and the second's are printed. A page
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


def _pages() -> list[tuple[str, str]]:
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
    ]


def main(size: int) -> None:
    corpus = django_on_a_copy(size)
    from django.test import Client

    from fanshelf.discovery.live import ensure_fresh

    ensure_fresh()  # the index build, not timed
    client = Client()
    machine = f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores"
    print(f"{machine}, SQLite copy of {corpus.name}")
    print(f"/proc/loadavg before: {Path('/proc/loadavg').read_text().strip()}")
    print("| page | status | first view ms | again ms |")
    print("|---|---:|---:|---:|")
    for label, path in _pages():
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
