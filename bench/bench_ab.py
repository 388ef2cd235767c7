"""Benchmark: this checkout's CPU per view against an earlier commit's, run side by side, batch for batch.

Run with `.venv/bin/python -m bench.bench_ab --base REV [--size N] [--rounds R] [--batch B]` once the corpus is
loaded (bench/data/bench-N.sqlite3, `python -m bench.run --size N`). The commit REV is checked out read-only into
a temporary git worktree; each side (REV's code, then this working tree's) runs in its own process on its own copy
of the corpus (bench/ab_side.py), through Django's WSGI handler without a server. The driver sends both sides the
same batches in turn, R rounds of B views of each kind (a new visitor's first view of a work page, a memoised work
page, a signed-in reader's first view, the 800 listings of bench_traffic, text searches, text searches while works
change), alternating which side goes first. These machines are shared and their speed drifts by tens of percent
within a minute; two batches run back to back see nearly the same machine, so each kind's figure is the median over
rounds of the ratio between the two sides' batches, and its spread (lowest and highest round) is printed beside it.
Printed, and added at the top of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO

from bench.results import record

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
KINDS = {
    "work": "work page, a new visitor's first view",
    "memo": "work page, memoised body (a new visitor each view)",
    "signed": "work page, a signed-in reader's first view of it",
    "listing": "listing of the 800 (fandom, sort, page), mostly first views",
    "search": "text search, two words or a word and a number",
    "edits": "the same text searches, a work changed before each",
}


class Side:
    """One side's process: its code is the worktree at `root`."""

    def __init__(self, root: Path, size: int, corpus: Path, text: bool) -> None:
        environment = {**os.environ, "PYTHONPATH": str(root)}  # the side's code before the installed checkout
        command = [sys.executable, str(BENCH_DIR / "ab_side.py"), str(size), str(corpus), *(["text"] if text else [])]
        self.process = subprocess.Popen(
            command,
            env=environment,
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        if self._line() != "ready":
            raise SystemExit(f"the side at {root} did not start")

    def _line(self) -> str:
        out: IO[str] | None = self.process.stdout
        return out.readline().strip() if out is not None else ""

    def batch(self, kind: str, count: int) -> list[float]:
        if self.process.stdin is None:
            raise SystemExit("no pipe to a side")
        self.process.stdin.write(f"{kind} {count}\n")
        self.process.stdin.flush()
        times: list[float] = json.loads(self._line())["times"]
        return times

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=120)


def _git(*arguments: str) -> str:
    return subprocess.run(["git", *arguments], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True, help="the commit to compare against (any git revision)")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--batch", type=int, default=60)
    parser.add_argument("--kinds", default=",".join(KINDS), help=f"some of {', '.join(KINDS)}")
    parser.add_argument("--print-only", action="store_true", help="print the table without adding it to RESULTS.md")
    args = parser.parse_args(argv)
    kinds = [kind for kind in args.kinds.split(",") if kind]
    if unknown := set(kinds) - set(KINDS):
        parser.error(f"unknown kinds: {', '.join(sorted(unknown))}")
    corpus = BENCH_DIR / "data" / f"bench-{args.size}.sqlite3"
    if not corpus.exists():
        sys.exit(f"No corpus at {corpus}: run `python -m bench.run --size {args.size}` first.")
    base = _git("rev-parse", "--short", args.base)
    head, changed = _git("rev-parse", "--short", "HEAD"), len(_git("status", "--porcelain").splitlines())
    worktree = Path(tempfile.mkdtemp(prefix="fanshelf-bench-ab-base-")) / "tree"
    _git("worktree", "add", "--detach", str(worktree), base)
    load_before = Path("/proc/loadavg").read_text().strip()
    try:
        text = "search" in kinds or "edits" in kinds
        sides = [Side(worktree, args.size, corpus, text), Side(ROOT, args.size, corpus, text)]
        times: dict[str, list[list[float]]] = {kind: [[], []] for kind in kinds}
        ratios: dict[str, list[float]] = {kind: [] for kind in kinds}
        for round_number in range(args.rounds):
            for kind in kinds:
                order = (0, 1) if round_number % 2 == 0 else (1, 0)
                batches: dict[int, list[float]] = {}
                for side in order:
                    batches[side] = sides[side].batch(kind, args.batch)
                    times[kind][side].extend(batches[side])
                ratios[kind].append(sum(batches[0]) / sum(batches[1]))
        for each in sides:
            each.close()
    finally:
        _git("worktree", "remove", "--force", str(worktree))
        shutil.rmtree(worktree.parent, ignore_errors=True)
    load_after = Path("/proc/loadavg").read_text().strip()
    code = f"{head}" + (f" with {changed} files changed or new on top" if changed else "")
    lines = [
        f"## First views against commit {base}, side by side, {args.size:,} works, SQLite ({_now()})",
        "",
        f"Command: `.venv/bin/python -m bench.bench_ab --base {args.base} --size {args.size} --rounds {args.rounds} "
        f"--batch {args.batch}{'' if kinds == list(KINDS) else ' --kinds ' + ','.join(kinds)}`. "
        f"Code: {code} against {base}. Python {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} cores; /proc/loadavg before: `{load_before}`, after: `{load_after}`.",
        "",
        "CPU milliseconds per view in one process each, through Django's WSGI handler, every view by a new guest "
        f"(or one of five signed-in readers, for their kind); {args.rounds} rounds of {args.batch} views of each "
        "kind, the two sides' batches back to back. Speed-up: the "
        "median over rounds of (base's batch CPU / this code's), with the lowest and highest round.",
        "",
        f"| view | {base}: median ms | this code: median ms | speed-up | lowest round | highest round |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for kind in kinds:
        before, after = (statistics.median(side) for side in times[kind])
        ratio = statistics.median(ratios[kind])
        lines.append(
            f"| {KINDS[kind]} | {before:.2f} | {after:.2f} | {ratio:.2f}x | {min(ratios[kind]):.2f}x | "
            f"{max(ratios[kind]):.2f}x |"
        )
    section = "\n".join(lines) + "\n"
    if args.print_only:
        print(section)
    else:
        record(section)
    return 0


def _now() -> str:
    import time

    return time.strftime("%Y-%m-%d %H:%M")


if __name__ == "__main__":
    sys.exit(main())
