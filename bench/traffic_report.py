"""The traffic benchmark's rows and what it reports of them (bench/bench_traffic.py runs them): the table of rates,
the issue 13 targets with the hit comparisons' medians over their pairs, and the section added to bench/RESULTS.md."""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field

from bench.results import record

STYLESHEET = "/static/fanshelf/site.css"
LISTING = "/works/?include=Fandom+000001&complete=1&sort=kudos"
THREADS, CONNECTIONS, BESIDE = 2, 8, 4
MIXED_CONNECTIONS = 30
# What hits cost, row with hits against row without: run again in pairs (`Runner.pairs`), the ratio their median.
COMPARISONS = {
    "new": ("counted", "New visitors' random pages against the counted reader's"),
    "beside_hits": ("beside_counted", "The listing beside new visitors against it beside the counted reader"),
}
HIT_ROWS = {
    "new": "Random work pages",
    "counted": "The same pages, a counted reader",
    "beside_hits": "New visitors beside the listing",
    "mixed": "Mixed",
}


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    mode: str
    path: str = "/"
    connections: int = CONNECTIONS
    beside: str = ""  # the mode of 4 more connections running at the same time ("" for none)
    few: bool = False  # the 4 more connections read only the READER_SET works (memoised bodies), not all sampled


ROWS = [
    Row("ceiling", "stylesheet (the ceiling)", "fixed", STYLESHEET),
    Row("reader", "one work page, a reader who already counted today", "fixed"),  # path: set once ids are known
    Row("new", "random readable work pages, a new visitor each time (a hit each)", "new_visitor"),
    # The same pages, by one visitor counted on each of them before the run: what the hits cost, and nothing else.
    Row("counted", "the same random work pages, a reader already counted on each today (no new hits)", "reader_set"),
    Row("listing", "one filtered listing, guests", "fixed", LISTING),
    Row("beside_readers", "the same listing beside 4 connections reading work pages (no new hits)", "fixed", LISTING,
        beside="reader_set", few=True),
    # Beside the same random pages as the new visitors', by the counted reader: the two rows differ by the hits alone.
    Row("beside_counted", "the same listing beside 4 connections reading the random pages as a counted reader (no "
        "new hits)", "fixed", LISTING, beside="reader_set"),
    Row("beside_hits", "the same listing beside 4 connections of new visitors (hits)", "fixed", LISTING,
        beside="new_visitor"),
    Row("listings", "800 different listings, guests (first views)", "listings"),
    Row("mixed", "mixed: 60% work pages (new visitors), 20% listings, 10% text searches, 5% signed-in reads, "
        "5% kudos and comments", "mixed", connections=MIXED_CONNECTIONS),
    Row("ceiling_end", "stylesheet again, at the end (how far the ceiling drifted)", "fixed", STYLESHEET),
]  # fmt: skip


@dataclass
class Result:
    rate: float
    p50: float  # milliseconds
    p95: float
    p99: float
    errors: int
    error_kinds: str  # which errors, for the table: "1 timeout"
    statuses: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    hits: str = ""  # "written / pages served" for the rows that count hits
    requests: int = 0
    per_cpu_second: float = 0.0  # requests per second of the server's own CPU time: per core, whatever the load
    database_ms: float | None = None  # PostgreSQL's own CPU milliseconds per request (None: SQLite, in the server)


def ceiling_of(results: dict[str, Result]) -> float:
    """The stylesheet's rate, the higher of its two runs: a share against a run the machine slowed for a while
    (seen: 909 requests/s at the start, 2,900 at the end) would flatter every row. NaN when neither ran."""
    return max((results[key].rate for key in ("ceiling", "ceiling_end") if key in results), default=float("nan"))


def pair_lines(pairs: dict[str, list[tuple[Result, Result]]]) -> list[str]:
    """Each comparison's pairs: their rates and ratio, and whether every row that counts hits wrote exactly its."""
    lines = []
    for with_hits, found in pairs.items():
        shown = "; ".join(
            f"{hits.rate:,.1f} against {none.rate:,.1f} ({hits.rate / none.rate:.2f})" for hits, none in found
        )
        rows = [(number, row) for number, pair in enumerate(found, 1) for row in pair if row.hits]
        wrong = [f"pair {number}: {row.hits}" for number, row in rows if not row.hits.endswith(": exact")]
        exact = "exact in every row" if not wrong else f"**not exact**: {'; '.join(wrong)}"
        lines.append(f"{COMPARISONS[with_hits][1]}, pair by pair (requests/s): {shown}; hits {exact}.")
    return lines


def _median_ratio(pairs: list[tuple[Result, Result]]) -> tuple[float, str]:
    ratios = sorted(hits.rate / none.rate for hits, none in pairs)
    median = statistics.median(ratios)
    if len(ratios) == 1:
        return median, f"{median:.2f}"
    return median, f"{median:.2f} (median of {len(ratios)} pairs, {ratios[0]:.2f}–{ratios[-1]:.2f})"


def _targets(results: dict[str, Result], pairs: dict[str, list[tuple[Result, Result]]]) -> list[tuple[str, str, bool]]:
    ceiling = ceiling_of(results)
    mixed = results["mixed"]
    ratio, ratio_text = _median_ratio(pairs["new"])
    # The new visitors' share, likewise the median over their rows (each pair has one), against the ceiling.
    shares = sorted(hits.rate / ceiling for hits, _ in pairs["new"])
    new = statistics.median(shares) * ceiling
    share_text = f"{new / ceiling:.3f}" + (
        f" (median of {len(shares)} rows, {shares[0]:.3f}–{shares[-1]:.3f})" if len(shares) > 1 else ""
    )
    beside, beside_text = _median_ratio(pairs["beside_hits"])
    return [
        ("random work pages, new visitor each time: ≥ 0.20 of the ceiling", share_text, new / ceiling >= 0.20),
        ("... and ≥ 0.9 of the same pages for a counted reader", ratio_text, ratio >= 0.9),
        ("a listing beside new-visitor traffic: ≥ 0.9 of it beside the same pages read without hits", beside_text,
         beside >= 0.9),
        ("800 different listings, first views: ≥ 0.10 of the ceiling", f"{results['listings'].rate / ceiling:.3f}",
         results["listings"].rate / ceiling >= 0.10),
        ("mixed traffic, 30 connections: ≥ 300 requests/s", f"{mixed.rate:,.1f}", mixed.rate >= 300),
        ("... p95 < 100 ms", f"{mixed.p95:.1f} ms", mixed.p95 < 100),
        ("... 0 errors", f"{mixed.errors:,}", mixed.errors == 0),
    ]  # fmt: skip


def row_lines(rows: list[Row], results: dict[str, Result], ceiling: float) -> list[str]:
    lines = [
        "| traffic | connections | requests/s | p50 ms | p95 ms | p99 ms | errors | share of ceiling | requests per "
        "server CPU second | database CPU ms per request |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        result = results[row.key]
        connections = f"{row.connections} + {BESIDE}" if row.beside else str(row.connections)
        lines.append(
            f"| {row.label} | {connections} | {result.rate:,.1f} | {result.p50:.1f} | {result.p95:.1f} | "
            f"{result.p99:.1f} | {result.error_kinds} | {result.rate / ceiling:.3f} | {result.per_cpu_second:,.0f}"
            f"{' (both traffics)' if row.beside else ''} | {_database_ms(result)} |"
        )
    return lines


def _database_ms(result: Result) -> str:
    return "in the server (SQLite)" if result.database_ms is None else f"{result.database_ms:.2f}"


def report(
    args: argparse.Namespace,
    database: str,
    results: dict[str, Result],
    pairs: dict[str, list[tuple[Result, Result]]],
    notes: list[str],
    load: tuple[str, str],
) -> None:
    prefix = "DATABASE_URL=postgres://… " if database == "postgres" else ""
    buffer = "Redis" if os.environ.get("FANSHELF_CACHE_URL") else "each process's memory"
    lines = [
        f"## Traffic under gunicorn, {args.size:,} works, {'PostgreSQL' if database == 'postgres' else 'SQLite'} "
        f"({time.strftime('%Y-%m-%d %H:%M')})",
        "",
        f"Command: `{prefix}.venv/bin/python -m bench.bench_traffic --size {args.size} --seconds {args.seconds} "
        f"--pairs {args.pairs} --workers {args.workers} --threads {args.threads}` "
        f"(a copy of the corpus; `fanshelf serve --workers {args.workers} --threads {args.threads}`; wrk -t2 on "
        f"loopback, {args.seconds} s a "
        f"row; hits buffered in {buffer}, flushed every {os.environ.get('FANSHELF_HIT_FLUSH_SECONDS') or 2} s). "
        f"{os.cpu_count()} cores; /proc/loadavg before: `{load[0]}`, after: `{load[1]}`.",
        "",
        "Shares are of the higher of the stylesheet's two rates.",
        "",
        *row_lines(ROWS, results, ceiling_of(results)),
        "",
        "| target (issue 13) | measured | met |",
        "|---|---:|---|",
        *(f"| {name} | {value} | {'yes' if met else '**no**'} |" for name, value, met in _targets(results, pairs)),
        "",
        *(f"- {label}: {results[key].hits}." for key, label in HIT_ROWS.items() if results[key].hits),
        *(f"- {line}" for line in pair_lines(pairs)),
        *(f"- {note}" for note in notes),
        "",
    ]
    section = "\n".join(lines)
    if args.print_only:
        print(section)
    else:
        record(section)
