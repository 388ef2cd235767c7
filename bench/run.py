"""`python -m bench.run --size N`: the same ~200 filter queries through Fanshelf's engine, tantivy and plain SQL.

The corpus lives in bench/data/bench-N.sqlite3 (never var/), or in the PostgreSQL database DATABASE_URL names.
Results are printed and written to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

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


def _time(run: Callable[[object], object], queries: list[object]) -> np.ndarray:
    run(queries[0])  # warm caches once
    times = []
    for query in queries:
        started = time.perf_counter()
        run(query)
        times.append((time.perf_counter() - started) * 1000)
    return np.asarray(times)


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
    parser.add_argument("--skip", action="append", default=[], choices=["tantivy", "sql"])
    args = parser.parse_args(argv)
    url = _setup(args.size)
    from bench.corpus import build_corpus
    from bench.engines import SqlEngine, TantivyEngine
    from fanshelf.discovery.index import DiscoveryIndex
    from fanshelf.tags.models import CATEGORIES, RATINGS, WARNINGS, Tag
    from fanshelf.works.models import Work

    if Work.objects.count() != args.size:
        print(f"Loading {args.size:,} works into {url} ...", flush=True)
        started = time.perf_counter()
        build_corpus(args.size)
        print(f"  loaded in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    index = DiscoveryIndex.build()
    build_seconds = time.perf_counter() - started
    memory_mb = index.memory_bytes() / 1e6
    print(f"Index: {len(index):,} listed works in {build_seconds:.2f} s; {memory_mb:.1f} MB", flush=True)
    tags_by_type = {
        t: list(index.popularity_of(c).ids.tolist()) for t, c in (("fandom", 4), ("character", 6), ("freeform", 7))
    }
    fixed = {
        "rating": [Tag.objects.get(name=n).pk for n in RATINGS],
        "warning": [Tag.objects.get(name=n).pk for n in WARNINGS],
        "category": [Tag.objects.get(name=n).pk for n in CATEGORIES],
    }
    queries = _queries(tags_by_type, fixed, args.queries)
    timings: dict[str, np.ndarray] = {"fanshelf": _time(_engine_runner(index), queries)}
    if "tantivy" not in args.skip:
        started = time.perf_counter()
        tantivy_engine = TantivyEngine(index, DATA_DIR / f"tantivy-{args.size}")
        print(f"tantivy index built in {time.perf_counter() - started:.1f} s", flush=True)
        timings["tantivy"] = _time(tantivy_engine.run, queries)  # type: ignore[arg-type]
    if "sql" not in args.skip:
        sql_name = "postgresql" if url.startswith("postgres") else "sqlite"
        timings[f"sql ({sql_name})"] = _time(SqlEngine(index).run, queries)  # type: ignore[arg-type]
    _report(args, url, build_seconds, len(index), memory_mb, timings)
    return 0


def _report(
    args: argparse.Namespace,
    url: str,
    build_seconds: float,
    listed: int,
    memory_mb: float,
    timings: dict[str, np.ndarray],
) -> None:
    base = float(np.percentile(timings["fanshelf"], 95))
    lines = [
        "| engine | p50 ms | p95 ms | p99 ms | p95 vs fanshelf |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, values in timings.items():
        p50, p95, p99 = (float(np.percentile(values, p)) for p in (50, 95, 99))
        lines.append(f"| {name} | {p50:.2f} | {p95:.2f} | {p99:.2f} | {p95 / base:.1f}x |")
    database = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    summary = [
        f"## {args.size:,} works, {args.queries} queries, {database} ({time.strftime('%Y-%m-%d')})",
        "",
        f"Command: `python -m bench.run --size {args.size}`; machine: {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}.",
        "",
        f"Index build from the database: {build_seconds:.2f} s for {listed:,} listed works "
        f"({listed / build_seconds:,.0f} works/s); index memory {memory_mb:.1f} MB.",
        "",
        *lines,
        "",
    ]
    text = "\n".join(summary)
    print(text)
    results = BENCH_DIR / "RESULTS.md"
    header = "# Discovery benchmark results\n\nNewest first. Query mix: see bench/run.py `_queries`.\n\n"
    previous = results.read_text().removeprefix(header) if results.exists() else ""
    results.write_text(header + text + "\n" + previous)


if __name__ == "__main__":
    sys.exit(main())
