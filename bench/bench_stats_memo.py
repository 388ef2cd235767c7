"""Benchmark: guest listings served between new visitors' hits, with count changes applied at once
(FANSHELF_STATS_REFRESH_SECONDS=0, the old way: every hit moves the index state and throws the memoised listing
away) and in stats batches (the default 5 seconds: the memoised listing survives the hits in between).

Run with `nice -n 10 .venv/bin/python -m bench.bench_stats_memo [--size N] [--listings L] [--rounds R]` after
`python -m bench.run --size N`. It copies bench/data/bench-N.sqlite3 to a throwaway folder (the corpus itself is
never written), and in one process, through Django's test Client, runs R rounds of L guest listing requests (three
listing URLs in turn) for each of: the old way, the stats batches, and the stats batches without hits (the
reading-only traffic issue 13 compares with), in turn. In the first two a batch of `--hits-per-listing` new
visitors' hits on random works is written (`works.hits.apply_hits`, as the flusher writes them) before every listing
request. Listing requests/s count only the listing requests' time; "with the hits' writes" counts those too. The
run's section goes to the top of bench/RESULTS.md (`--print-only`: printed only).
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
URLS = ("/works/", "/works/?sort=hits", "/works/?complete=1&sort=kudos")


def _copy_corpus(size: int) -> Path:
    source = BENCH_DIR / "data" / f"bench-{size}.sqlite3"
    if not source.exists():
        sys.exit(f"No corpus at {source}: run `python -m bench.run --size {size}` first.")
    folder = Path(tempfile.mkdtemp(prefix="fanshelf-bench-stats-"))
    target = folder / "bench.sqlite3"
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as original, sqlite3.connect(target) as copy:
        original.backup(copy)
    os.environ["DATABASE_URL"] = f"sqlite:///{target}"
    os.environ["FANSHELF_VAR_DIR"] = str(folder)
    os.environ["FANSHELF_REQUEST_RATE"] = "off"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanshelf.settings")
    return folder


def _loadavg() -> str:
    """The 1, 5 and 15 minute load averages, as `cat /proc/loadavg` shows them."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--listings", type=int, default=150, help="listing requests per setting per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--hits-per-listing", type=int, default=10)
    parser.add_argument("--interval", type=int, default=5, help="FANSHELF_STATS_REFRESH_SECONDS of the 'after' runs")
    parser.add_argument("--print-only", action="store_true", help="print the section, leave RESULTS.md alone")
    args = parser.parse_args(argv)
    _copy_corpus(args.size)

    import django

    django.setup()
    import numpy as np
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from bench.results import record
    from fanshelf.discovery import live
    from fanshelf.works.hits import PendingHit, apply_hits

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.STORAGES = {  # no collectstatic manifest in a throwaway folder
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0)
    load_before = _loadavg()
    started = time.perf_counter()
    index = live.preload()
    build_seconds = time.perf_counter() - started
    work_ids = np.asarray(index.listed.to_array(), dtype=np.int64)  # the listed works: the ones a hit moves
    rng = np.random.default_rng(13)
    guest = Client()
    today = timezone.localdate()
    visitor = 0
    for url in URLS:  # warm: blurbs, form and sidebar memos made once, as on a server that has run a while
        guest.get(url)

    def one_round(interval: int, hits_per_listing: int) -> tuple[float, float, float, int]:
        """(wall seconds in listing requests, their CPU seconds, wall seconds writing hits, stats batches) for
        `args.listings` listings."""
        nonlocal visitor
        settings.FANSHELF_STATS_REFRESH_SECONDS = interval
        listing_seconds = listing_cpu = hit_seconds = 0.0
        before = live._live().stats
        for n in range(args.listings):
            chosen = rng.choice(work_ids, hits_per_listing)
            hits = [PendingHit(int(w), f"bench-{visitor + i}", today) for i, w in enumerate(chosen.tolist())]
            visitor += len(hits)
            began = time.perf_counter()
            apply_hits(hits)
            hit_seconds += time.perf_counter() - began
            began, began_cpu = time.perf_counter(), time.process_time()
            response = guest.get(URLS[n % len(URLS)])
            listing_seconds += time.perf_counter() - began
            listing_cpu += time.process_time() - began_cpu
            if response.status_code != 200:
                raise SystemExit(f"{URLS[n % len(URLS)]} answered {response.status_code}")
        return listing_seconds, listing_cpu, hit_seconds, live._live().stats - before

    hits_each = args.hits_per_listing
    modes = {  # label: (FANSHELF_STATS_REFRESH_SECONDS, hits before each listing)
        f"0 (before), {hits_each} hits a listing": (0, hits_each),
        f"{args.interval} (after), {hits_each} hits a listing": (args.interval, hits_each),
        f"{args.interval}, no hits (reading-only traffic)": (args.interval, 0),
    }
    totals: dict[str, list[float]] = {label: [0.0] * 4 for label in modes}
    for _ in range(args.rounds):
        for label, (interval, hits_per_listing) in modes.items():  # interleaved: the machine's load hits all alike
            for position, value in enumerate(one_round(interval, hits_per_listing)):
                totals[label][position] += value
    load_after = _loadavg()
    count = args.listings * args.rounds
    rows = []
    rates: list[tuple[float, float]] = []
    for label, (listing_seconds, listing_cpu, hit_seconds, applied) in totals.items():
        rates.append((count / listing_seconds, count / listing_cpu))
        rows.append(
            f"| {label} | {count:,} | {count / listing_seconds:,.1f} | {1000 * listing_seconds / count:.2f} | "
            f"{count / listing_cpu:,.1f} | {count / (listing_seconds + hit_seconds):,.1f} | {int(applied):,} |"
        )
    (before, _), (after, after_cpu), (reading, reading_cpu) = rates
    before_cpu = rates[0][1]
    command = (
        f"nice -n 10 .venv/bin/python -m bench.bench_stats_memo --size {args.size} --listings {args.listings} "
        f"--rounds {args.rounds} --hits-per-listing {args.hits_per_listing} --interval {args.interval}"
    )
    section = "\n".join(
        [
            f"## Guest listings between new visitors' hits, {args.size:,} works, SQLite "
            f"({time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC)",
            "",
            f"Command: `{command}` (one process, Django's test Client, a copy of the corpus; "
            f"{len(URLS)} listing URLs in turn: {', '.join(f'`{u}`' for u in URLS)}; before each listing request "
            f"`apply_hits` writes {args.hits_per_listing} new visitors' hits on random works). "
            f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores; "
            f"index built in {build_seconds:.1f} s; `/proc/loadavg` before {load_before}, after {load_after}.",
            "",
            "| FANSHELF_STATS_REFRESH_SECONDS, traffic | listing requests | listings/s | ms a listing | "
            "listings/s of CPU time | listings/s with the hits' writes | stats batches applied |",
            "|---|---:|---:|---:|---:|---:|---:|",
            *rows,
            "",
            f"After over before: **{after / before:.1f}x** in listings/s, {after_cpu / before_cpu:.1f}x in listings "
            "per CPU second (the figure a shared machine's load disturbs least). After over reading-only traffic: "
            f"{after / reading:.2f} in listings/s, {after_cpu / reading_cpu:.2f} per CPU second (issue 13's target: "
            "at least 0.9).",
        ]
    )
    if args.print_only:
        print(section)
    else:
        record(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
