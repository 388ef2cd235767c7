"""`python -m bench.run --size N`: the same ~200 filter queries through Fanshelf's engine, tantivy and plain SQL.

The corpus lives in bench/data/bench-N.sqlite3 (never var/), or in the PostgreSQL database DATABASE_URL names.
Results are printed and written to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.results import record

Timings = dict[str, np.ndarray]
BENCH_DIR = Path(__file__).resolve().parent
DATA_DIR = BENCH_DIR / "data"


def _setup(size: int) -> str:
    DATA_DIR.mkdir(exist_ok=True)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        url = f"sqlite:///{DATA_DIR / f'bench-{size}.sqlite3'}"
        os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanshelf.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return url


def _queries(corpus_tags: dict[str, list[int]], fixed: dict[str, list[int]], count: int) -> list[object]:
    from bench.engines import BenchQuery

    rng = np.random.default_rng(7)
    queries: list[object] = []
    kinds = ["popular", "rare", "broad", "mixed"]
    for i in range(count):
        kind = kinds[i % len(kinds)]
        fandoms, characters, freeforms = (corpus_tags[t] for t in ("fandom", "character", "freeform"))
        query = BenchQuery(label=kind, sort=["kudos", "updated", "words", "hits"][i % 4], facets=i % 5 != 4)
        if kind == "popular":
            query.include = [fandoms[int(rng.integers(0, 5))]]
            if rng.random() < 0.5:
                query.include.append(characters[int(rng.integers(0, 20))])
        elif kind == "rare":
            query.include = [characters[int(rng.integers(len(characters) // 3, len(characters)))]]
        elif kind == "broad":
            query.rating = fixed["rating"][int(rng.integers(0, 4))]
            query.complete = bool(rng.random() < 0.5)
            query.words_from = int(rng.choice([1_000, 5_000, 20_000]))
        else:
            query.include = [fandoms[int(rng.integers(0, 30))], freeforms[int(rng.integers(0, 50))]][
                : int(rng.integers(1, 3))
            ]
            query.exclude = [freeforms[int(rng.integers(0, 10))] for _ in range(int(rng.integers(0, 3)))]
            query.kudos_from = int(rng.choice([0, 10, 100]))
        queries.append(query)
    return queries


def _time_interleaved(runners: dict[str, Callable[[object], object]], queries: list[object], rounds: int) -> Timings:
    """Milliseconds per (engine, round, query). Engines take turns query by query, so a burst of load from other
    processes on this shared machine hits every engine alike instead of whichever ran during it."""
    for run in runners.values():
        for query in queries:  # steady state: every engine has seen every query (and Fanshelf every tag name) once
            run(query)
    times = {name: np.zeros((rounds, len(queries))) for name in runners}
    for round_number in range(rounds):
        for position, query in enumerate(queries):
            for name, run in runners.items():
                started = time.perf_counter()
                run(query)
                times[name][round_number, position] = (time.perf_counter() - started) * 1000
    return times


def _rss_bytes() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _trimmed_rss() -> int:
    """Resident memory after a full collection, with freed heap returned to the system (so a build's temporary
    columns do not count as index memory)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: the figure then includes freed heap
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    return _rss_bytes()


def _engine_runner(index: object) -> Callable[[object], object]:
    from django.contrib.auth.models import AnonymousUser

    from bench.engines import BenchQuery
    from fanshelf.discovery.query import Range, WorkQuery
    from fanshelf.discovery.search import execute
    from fanshelf.tags.models import Tag

    names = dict(Tag.objects.values_list("pk", "name"))

    def run(query: object) -> object:
        if not isinstance(query, BenchQuery):
            raise TypeError(query)
        work_query = WorkQuery(
            include=tuple(names[t] for t in query.include), exclude=tuple(names[t] for t in query.exclude),
            ratings=(names[query.rating],) if query.rating else (), complete=True if query.complete else None,
            words=Range(query.words_from, None), kudos=Range(query.kudos_from, None), sort=query.sort,
        )  # fmt: skip
        return execute(work_query, AnonymousUser(), index, facets=query.facets)  # type: ignore[arg-type]

    return run


def main(argv: list[str] | None = None) -> int:
    """Load (or reuse) the corpus, run every engine, print and record the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3, help="times each query runs per engine (interleaved)")
    parser.add_argument("--skip", action="append", default=[], choices=["tantivy", "sql"])
    parser.add_argument("--only-build", type=int, default=0, metavar="N", help="just time N index builds")
    args = parser.parse_args(argv)
    url = _setup(args.size)
    from bench.corpus import build_corpus
    from bench.engines import SqlEngine, TantivyEngine
    from fanshelf.discovery.index import DiscoveryIndex
    from fanshelf.tags.models import CATEGORIES, RATINGS, WARNINGS, Tag
    from fanshelf.works.models import Work

    notes: list[str] = []
    if Work.objects.count() != args.size:
        print(f"Loading {args.size:,} works into {url} ...", flush=True)
        started = time.perf_counter()
        build_corpus(args.size)
        notes.append(f"Corpus load: {time.perf_counter() - started:.1f} s.")
        print(f"  loaded in {time.perf_counter() - started:.1f} s", flush=True)
    if args.only_build:
        return _time_builds(args.only_build)
    DiscoveryIndex.build()  # once untimed: imports, first-touch page faults and SQLite's page cache
    before = _trimmed_rss()
    started, cpu = time.perf_counter(), time.process_time()
    index = DiscoveryIndex.build()
    build_seconds, build_cpu = time.perf_counter() - started, time.process_time() - cpu
    rss_mb = (_trimmed_rss() - before) / 1e6
    memory_mb = index.memory_bytes() / 1e6
    print(f"Index: {len(index):,} listed works in {build_seconds:.2f} s; {memory_mb:.1f} MB; RSS +{rss_mb:.1f} MB")
    tags_by_type = {
        t: list(index.popularity_of(c).ids.tolist()) for t, c in (("fandom", 4), ("character", 6), ("freeform", 7))
    }
    fixed = {
        "rating": [Tag.objects.get(name=n).pk for n in RATINGS],
        "warning": [Tag.objects.get(name=n).pk for n in WARNINGS],
        "category": [Tag.objects.get(name=n).pk for n in CATEGORIES],
    }
    queries = _queries(tags_by_type, fixed, args.queries)
    runners: dict[str, Callable[[object], object]] = {"fanshelf": _engine_runner(index)}
    if "tantivy" not in args.skip:
        started = time.perf_counter()
        tantivy_engine = TantivyEngine(index, DATA_DIR / f"tantivy-{args.size}")
        notes.append(f"tantivy index built in {time.perf_counter() - started:.1f} s.")
        runners["tantivy"] = tantivy_engine.run  # type: ignore[assignment]
    if "sql" not in args.skip:
        started = time.perf_counter()
        sql_name = "postgresql int[] + GIN" if url.startswith("postgres") else "sqlite join table"
        runners[f"sql ({sql_name})"] = SqlEngine(index).run  # type: ignore[assignment]
        notes.append(f"SQL engine set up in {time.perf_counter() - started:.1f} s.")
    load = os.getloadavg()
    timings = _time_interleaved(runners, queries, args.rounds)
    notes.append(
        f"Load average before/after timing: {load[0]:.1f} / {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores."
    )
    measured = Measured(len(index), build_seconds, build_cpu, memory_mb, rss_mb)
    _report(args, url, measured, timings, notes)
    return 0


def _time_builds(count: int) -> int:
    """Time `count` builds after an untimed one; prints each and the medians (RESULTS.md is left alone). The
    build reads on worker threads, whose malloc arenas make one build's RSS growth noisy: compare medians."""
    from fanshelf.discovery.index import DiscoveryIndex

    DiscoveryIndex.build()
    rows, listed = [], 0
    for _ in range(count):
        before = _trimmed_rss()
        started, cpu = time.perf_counter(), time.process_time()
        index = DiscoveryIndex.build()
        wall, used = time.perf_counter() - started, time.process_time() - cpu
        rss_mb = (_trimmed_rss() - before) / 1e6
        listed = len(index)
        rows.append((len(index) / wall, len(index) / used, index.memory_bytes() / 1e6, rss_mb))
        print(
            f"{len(index):,} works: {wall:.2f} s wall ({rows[-1][0]:,.0f}/s), {used:.2f} s CPU ({rows[-1][1]:,.0f}/s);"
            f" {rows[-1][2]:.1f} MB accounted, RSS +{rss_mb:.1f} MB; load {os.getloadavg()[0]:.2f}",
            flush=True,
        )
        del index
    wall_rate, cpu_rate, accounted, rss = (float(np.median(column)) for column in zip(*rows, strict=True))
    per_million = rss * 1_000_000 / max(listed, 1)
    print(
        f"median: {wall_rate:,.0f} works/s wall, {cpu_rate:,.0f} works/s CPU; {accounted:.1f} MB accounted, "
        f"RSS +{rss:.1f} MB ({per_million:,.0f} MB per million works)"
    )
    return 0


@dataclass
class Measured:
    listed: int
    build_seconds: float
    build_cpu: float
    memory_mb: float
    rss_mb: float


def _table(timings: Timings, combine: Callable[[np.ndarray], np.ndarray]) -> list[str]:
    values = {name: combine(t) for name, t in timings.items()}
    base = float(np.percentile(values["fanshelf"], 95))
    lines = ["| engine | p50 ms | p95 ms | p99 ms | p95 vs fanshelf |", "|---|---:|---:|---:|---:|"]
    for name, v in values.items():
        p50, p95, p99 = (float(np.percentile(v, p)) for p in (50, 95, 99))
        lines.append(f"| {name} | {p50:.2f} | {p95:.2f} | {p99:.2f} | {p95 / base:.1f}x |")
    return lines


def _report(args: argparse.Namespace, url: str, m: Measured, timings: Timings, notes: list[str]) -> None:
    database = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    prefix = "DATABASE_URL=postgres://… " if url.startswith("postgres") else ""
    summary = [
        f"## {args.size:,} works, {args.queries} queries × {args.rounds} rounds, {database} "
        f"({time.strftime('%Y-%m-%d %H:%M')})",
        "",
        f"Command: `{prefix}python -m bench.run --size {args.size} --rounds {args.rounds}`; machine: "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.",
        "",
        f"Index build from the database: {m.build_seconds:.2f} s wall ({m.build_cpu:.2f} s CPU) for "
        f"{m.listed:,} listed works ({m.listed / m.build_seconds:,.0f} works/s wall, "
        f"{m.listed / m.build_cpu:,.0f} works/s CPU); index "
        f"memory {m.memory_mb:.1f} MB accounted (bitmap sizes + arrays), {m.rss_mb:.1f} MB RSS growth "
        f"({m.rss_mb * 1_000_000 / max(m.listed, 1):,.0f} MB per million works by RSS).",
        "",
        "Every sample (each query × round):",
        "",
        *_table(timings, lambda t: t.ravel()),
        "",
        f"Per query, the best of its {args.rounds} rounds (filters out time slices lost to other processes):",
        "",
        *_table(timings, lambda t: t.min(axis=0)),
        "",
        *(f"- {note}" for note in notes),
        "",
    ]
    record("\n".join(summary))


if __name__ == "__main__":
    sys.exit(main())
