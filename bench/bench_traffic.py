"""Benchmark: a busy archive's traffic under gunicorn, against the targets of issue 13.

Run with `.venv/bin/python -m bench.bench_traffic [--size N] [--seconds S] [--db sqlite|postgres]` after
`python -m bench.run --size N` has loaded the corpus. The corpus itself is never written to: each run copies it
(SQLite: the file, through SQLite's backup so a live WAL is included; PostgreSQL: `CREATE DATABASE ... TEMPLATE`,
the corpus being the database DATABASE_URL names), migrates the copy, fills the copy's text index (the corpus loader
leaves it empty, and text searches would then cost nothing), stores its commonest words' hits as `fanshelf reindex`
does after filling it, and serves the copy with `fanshelf serve` (2 workers x 4 threads unless `--workers` and
`--threads` say, FANSHELF_REQUEST_RATE=off, as bench_listing does). wrk runs each row with bench/traffic/traffic.lua.

A new visitor is what works/hits.py counts as one: no session cookie and a client address no other request of the
run uses (FANSHELF_TRUSTED_PROXY_COUNT=1 and a distinct X-Forwarded-For each). Signed-in sessions are corpus
accounts signed in through Django's test client, each with the CSRF token its first work page gave; their comments
are not rate-limited as a new account's would be (FANSHELF_NEW_ACCOUNT_DAYS=0: the corpus accounts are minutes old),
nor their kudos (FANSHELF_KUDOS_RATE=1000000/1h: five sessions stand for many readers, and at 700 requests/s they
left 50 kudos each in 15 s, past the 60 an hour one reader may leave, which answered 429).

What a hit costs is the new visitors' random pages against the same pages for one reader counted on every sampled
work before the server starts (through works.hits.apply_hits; that row must write no hit). Two 15 s rows on these
machines differ by up to a fifth from one minute to the next, so after the rows the two run again, alternated,
`--pairs` times (3 unless told), and the target's ratio is the median over the pairs (the new visitors' share of
the ceiling likewise the median over their rows: one 15 s row of them gave 709 requests/s, the next three 920 to
1,020, on the same server). Likewise what hits cost a
listing is the listing beside 4 connections of new visitors against it beside 4 connections of that counted reader
on the same random pages, run again in pairs the same way. (The row beside a reader of 50 works, whose bodies are
memoised, differs by the pages' first renders too: it was the target's comparison until 2026-12-04 16:55 and is kept
for the record.)

Each row: requests/s, p50/p95/p99, errors (non-2xx/3xx, socket errors, wrk's timeouts), share of the higher of the
stylesheet's two rates in the same run, and for rows that count hits, hits written against pages served. Printed
and added at the top of bench/RESULTS.md with the machine's load (`--print-only`: printed only).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import Counter
from contextlib import suppress
from pathlib import Path

from bench.bench_listing import wait_until_serving
from bench.traffic_copy import copy_corpus, copy_url, corpus_url, drop_copy
from bench.traffic_report import (
    BESIDE,
    COMPARISONS,
    CONNECTIONS,
    LISTING,
    ROWS,
    STYLESHEET,
    THREADS,
    Result,
    Row,
    ceiling_of,
    pair_lines,
    report,
    row_lines,
)

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
SCRIPT = BENCH_DIR / "traffic" / "traffic.lua"
COUNTED_READER = "192.0.2.10"  # a documentation address: the one visitor of the "already counted" rows
SESSIONS = 5
SAMPLE = 20_000  # readable works the random pages are drawn from
READER_SET = 50  # works the "no new hits" reader has already been counted on
SEARCH_WORDS = ["Salt", "Lantern", "Harbor", "Ember", "Tide", "Quiet", "Hollow", "Gull", "Ferry", "North", "Ash"]
# Comment text in curly quotes, Japanese and Hebrew: the benchmark checks it arrives as sent.
COMMENT_TEXT = "“Lovely” 灯台の章 ✦ אהבתי"


def _prepare_copy(fill_text: bool = True) -> float:
    """Migrate the copy (a corpus loaded before a newer migration still serves), fill its text index and store
    its commonest words' hits (kept_hits.store_common_terms); returns the seconds the text took."""
    from django.core.management import call_command

    from bench.bulkload import fast_sqlite
    from fanshelf.discovery import kept_hits, text
    from fanshelf.discovery.live import outbox_tops
    from fanshelf.works.models import Work

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    started = time.perf_counter()
    if not fill_text:
        return 0.0
    with fast_sqlite():
        text.clear()
        text.rebuild(list(Work.objects.order_by("pk").values_list("pk", flat=True)), outbox_tops()[0])
    kept_hits.store_common_terms()  # as `fanshelf reindex` ends
    return time.perf_counter() - started


def _readable_ids(count: int) -> list[int]:
    """A seeded sample of works a guest can open without the adult gate (General and Teen ratings)."""
    import random

    from django.contrib.auth.models import AnonymousUser

    from fanshelf.works.models import Work

    ratings = ["General Audiences", "Teen And Up Audiences"]
    readable = Work.objects.listed_for(AnonymousUser()).filter(tags__name__in=ratings)
    ids = list(readable.order_by("pk").values_list("pk", flat=True))
    if len(ids) < READER_SET + 1:
        sys.exit("The corpus has too few readable works.")
    return sorted(random.Random(13).sample(ids, min(count, len(ids))))


def _count_reader_on(ids: list[int]) -> None:
    """Count the "already counted" reader (COUNTED_READER, as wrk sends it: no User-Agent) on every sampled work
    today, through the hits' own writer, so their rows ask for pages that count no new hit."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory
    from django.utils import timezone

    from fanshelf.core.visitors import visitor_key
    from fanshelf.works.hits import PendingHit, apply_hits

    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=COUNTED_READER)
    request.user = AnonymousUser()
    visitor, today = visitor_key(request), timezone.localdate()
    apply_hits(PendingHit(work_id, visitor, today) for work_id in ids)


def _signed_in() -> list[dict[str, str]]:
    """A handful of corpus accounts, signed in: their session cookie and default pseud."""
    from django.test import Client

    from fanshelf.accounts.models import User

    sessions = []
    for number, user in enumerate(User.objects.order_by("pk")[:SESSIONS]):
        client = Client()
        client.force_login(user)
        cookie, pseud = f"sessionid={client.cookies['sessionid'].value}", str(user.default_pseud().pk)
        sessions.append({"cookie": cookie, "pseud": pseud, "address": f"198.51.100.{number + 1}"})
    return sessions


def _get(url: str, headers: dict[str, str]) -> tuple[list[str], str]:
    """(Set-Cookie headers, body) of one GET from our own loopback server."""
    page = urllib.request.Request(url, headers=headers)  # noqa: S310 - http://127.0.0.1 only
    with urllib.request.urlopen(page, timeout=30) as answer:  # noqa: S310
        return answer.headers.get_all("Set-Cookie") or [], answer.read().decode()


def _add_csrf_tokens(base: str, sessions: list[dict[str, str]], ids: list[int]) -> None:
    """Each session's CSRF cookie and form token, from a work page it reads (as a browser would get them)."""
    for session in sessions:
        for work_id in ids[:20]:
            cookies, html = _get(f"{base}/works/{work_id}/", {"Cookie": session["cookie"]})
            cookie = next((c.split(";")[0] for c in cookies if c.startswith("csrftoken=")), "")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
            if cookie and token:
                session["cookie"] += f"; {cookie}"
                session["token"] = token.group(1)
                break
        else:
            sys.exit("No work page gave a signed-in session a CSRF token.")


def _lua_value(value: object) -> str:
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "{" + ", ".join(_lua_value(item) for item in value) + "}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key} = {_lua_value(item)}" for key, item in value.items()) + "}"
    raise TypeError(value)


def _script(directory: Path, name: str, config: dict[str, object]) -> Path:
    path = directory / f"{name}.lua"
    path.write_text(f"CONFIG = {_lua_value(config)}\n" + SCRIPT.read_text())
    return path


def _wrk_argv(url: str, seconds: int, script: Path, connections: int, threads: int = THREADS) -> list[str]:
    return ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), url]


def _parse(output: str) -> Result:
    line = next((text for text in output.splitlines() if text.startswith("TRAFFIC ")), None)
    if line is None:
        sys.exit(f"Could not read wrk's output:\n{output}")
    values = {key: value for key, _, value in (part.partition("=") for part in line.split()[1:])}

    def tally(text: str) -> Counter[str]:
        return Counter({key: int(n) for key, n in (item.split(":") for item in text.split(",") if item)})

    counted = {kind: int(values[kind]) for kind in ("connect", "read", "write", "timeout", "status")}
    errors = sum(counted.values())
    kinds = ", ".join(f"{n:,} {'non-2xx/3xx' if kind == 'status' else kind}" for kind, n in counted.items() if n)
    rate = int(values["requests"]) / float(values["seconds"])
    p50, p95, p99 = (int(values[name]) / 1000 for name in ("p50", "p95", "p99"))
    described = f"{errors:,} ({kinds})" if errors else "0"
    result = Result(rate, p50, p95, p99, errors, described, tally(values["statuses"]), tally(values["kinds"]))
    result.requests = int(values["requests"])
    return result


def _hit_rows() -> int:
    from django.db import connection

    from fanshelf.works.models import Hit

    written = Hit.objects.count()
    connection.close()
    return written


class Runner:
    """Runs the rows against one server and keeps the figures."""

    def __init__(self, base: str, directory: Path, seconds: int, config: dict[str, object], server: int) -> None:
        self.base, self.directory, self.seconds, self.config = base, directory, seconds, config
        self.server = server
        self.postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
        self.settle = int(os.environ.get("FANSHELF_HIT_FLUSH_SECONDS", "2") or 2) + 2

    def _script_for(self, name: str, mode: str, number: int) -> Path:
        # A first octet per wrk process, so no two processes (or rows) ever send the same new visitor.
        return _script(self.directory, name, {**self.config, "mode": mode, "first_octet": 10 + 10 * number})

    def run(self, number: int, row: Row) -> Result:
        script = self._script_for(row.key, row.mode, number)
        before = _hit_rows()
        argv = _wrk_argv(self.base + row.path, self.seconds, script, row.connections)
        beside: subprocess.Popen[str] | None = None
        if row.beside:
            # Started first and stopped last, so the measured listing runs beside it all the time.
            script_beside = self._script_for(f"{row.key}-beside", row.beside, number + len(ROWS))
            argv_beside = _wrk_argv(self.base + "/", self.seconds + 2, script_beside, BESIDE, threads=1)
            beside = subprocess.Popen(argv_beside, stdout=subprocess.PIPE, text=True)
            time.sleep(1)
        cpu, database_cpu = _server_cpu(self.server), _database_cpu()
        output = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
        cpu, database_cpu = _server_cpu(self.server) - cpu, _database_cpu() - database_cpu
        result = _parse(output)
        served = float(result.requests)
        answered, requested = result.statuses["200"], result.kinds["work_page_new_visitor"]
        if beside is not None:
            other = _parse(beside.communicate(timeout=self.seconds + 60)[0])
            served += other.requests * self.seconds / (self.seconds + 2)  # its share while the CPU was measured
            if row.beside == "new_visitor":
                answered, requested = other.statuses["200"], other.kinds["work_page_new_visitor"]
        result.per_cpu_second = served / max(cpu, 0.01)
        if self.postgres:
            result.database_ms = 1000 * database_cpu / max(served, 1)
        time.sleep(self.settle)  # the buffered hits are written before the next row starts
        if row.mode == "mixed":  # wrk cannot tell which answers were work pages: only what was sent is known
            requested += result.kinds["signed_in_read"]
            result.hits = f"{_hit_rows() - before:,} hits written for {requested:,} work pages asked (some unanswered)"
        elif row.key == "counted":
            written = _hit_rows() - before
            verdict = "exact" if written == 0 else "**not exact**"
            result.hits = f"{written:,} hits written for {result.requests:,} pages (none expected): {verdict}"
        elif requested:
            # Exact when answered <= written <= requested: wrk stops without the answers still on their way.
            written = _hit_rows() - before
            verdict = "exact" if answered <= written <= requested else "**not exact**"
            result.hits = f"{written:,} hits written; pages {answered:,} answered, {requested:,} requested: {verdict}"
        return result

    def pairs(self, count: int, with_hits: str, without: str) -> list[tuple[Result, Result]]:
        """The row `without` new hits, then the row `with_hits`, `count` times: two 15 s rows of the very same work
        differed by up to a fifth on these machines (2026-12-05, a reused copy whose "new" visitors were all counted
        already: 0.81 in one pair, 1.08 in the next). Each new visitors' row counts its visitors from its own
        million, so none was seen by an earlier row of the run."""
        config, found = self.config, []
        rows = {row.key: (number, row) for number, row in enumerate(ROWS, start=1)}
        for pair in range(1, count + 1):
            self.config = {**config, "first_visitor": pair * 1_000_000}
            print(f"pair {pair + 1} of the rows {without} and {with_hits} ...", flush=True)
            baseline = self.run(*rows[without])
            found.append((self.run(*rows[with_hits]), baseline))
        self.config = config
        return found

    def warm(self, reader_ids: list[int]) -> None:
        """The server's first requests (index, templates) and the counted reader's visits, untimed."""
        script = self._script_for("warm", "fixed", 0)
        for path in (STYLESHEET, LISTING, f"/works/{reader_ids[0]}/"):
            subprocess.run(_wrk_argv(self.base + path, 2, script, CONNECTIONS), capture_output=True, check=True)
        for work_id in reader_ids:
            _get(f"{self.base}/works/{work_id}/", {"X-Forwarded-For": COUNTED_READER})
        time.sleep(self.settle)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default=None, help="default: DATABASE_URL's kind")
    parser.add_argument("--port", type=int, default=8031)
    parser.add_argument("--keep-copy", action="store_true", help="leave the copy of the corpus for inspection")
    parser.add_argument(
        "--reuse-copy", action="store_true",
        help="serve the copy a --keep-copy run left, text index and all, and keep it (for profiling: printed only; "
        "its new visitors were counted today by the run before, so they write no more hits)",
    )  # fmt: skip
    parser.add_argument("--print-only", action="store_true", help="print the table without adding it to RESULTS.md")
    parser.add_argument("--rows", default="", help="only these rows, by key (ceiling,mixed), printed without targets")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker of `fanshelf serve`")
    parser.add_argument("--workers", type=int, default=2, help="worker processes of `fanshelf serve`")
    parser.add_argument(
        "--pairs", type=int, default=3,
        help="after the rows, the counted reader's and the new visitors' rows again this many times, alternated: "
        "the target's ratio is the median over all pairs",
    )  # fmt: skip
    args = parser.parse_args(argv)
    chosen = [row for row in ROWS if row.key in args.rows.split(",")] if args.rows else ROWS
    if not chosen:
        parser.error(f"--rows: none of {args.rows!r} is a row; the rows are {','.join(row.key for row in ROWS)}")
    database = args.db or ("postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite")
    load_before = Path("/proc/loadavg").read_text().strip()
    corpus = corpus_url(args.size, database)
    print(f"Copying the corpus {corpus.split('@')[-1]} ...", flush=True)
    copy = copy_url(corpus) if args.reuse_copy else copy_corpus(corpus)
    var_dir = Path(tempfile.mkdtemp(prefix="fanshelf-traffic-"))
    env = {
        **os.environ, "DATABASE_URL": copy, "FANSHELF_VAR_DIR": str(var_dir), "FANSHELF_REQUEST_RATE": "off",
        "FANSHELF_TRUSTED_PROXY_COUNT": "1", "FANSHELF_NEW_ACCOUNT_DAYS": "0",
        "FANSHELF_KUDOS_RATE": "1000000/1h",
    }  # fmt: skip
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanshelf.settings")
    import django

    django.setup()
    from django.db import connections

    print("Migrating the copy and filling its text index ...", flush=True)
    text_seconds = _prepare_copy(fill_text=not args.reuse_copy)
    ids = _readable_ids(SAMPLE)
    _count_reader_on(ids)
    sessions = _signed_in()
    connections.close_all()
    (var_dir / "ids.txt").write_text("\n".join(map(str, ids)) + "\n")
    (var_dir / "reader-ids.txt").write_text("\n".join(map(str, ids[:READER_SET])) + "\n")
    base = f"http://127.0.0.1:{args.port}"
    serve = [str(Path(sys.executable).with_name("fanshelf")), "serve", "--bind", f"127.0.0.1:{args.port}"]
    log = (var_dir / "access.log").open("w"), (var_dir / "server.log").open("w")
    serve += ["--workers", str(args.workers), "--threads", str(args.threads)]
    server = subprocess.Popen(serve, env=env, cwd=ROOT, stdout=log[0], stderr=log[1])
    results: dict[str, Result] = {}
    pairs: dict[str, list[tuple[Result, Result]]] = {}  # per comparison: (with hits, without), the rows' own first
    try:
        wait_until_serving(base, server, seconds=300)
        _add_csrf_tokens(base, sessions, ids)
        config: dict[str, object] = {
            "ids_file": str(var_dir / "ids.txt"), "visitor": COUNTED_READER, "seed": 7, "size": args.size,
            "search_words": SEARCH_WORDS, "sessions": sessions,
            "comment_text": urllib.parse.quote_plus(COMMENT_TEXT),
        }  # fmt: skip
        runner = Runner(base, var_dir, args.seconds, config, server.pid)
        runner.warm(ids[:READER_SET])
        for number, row in enumerate(ROWS, start=1):
            if row not in chosen:
                continue
            if row.key == "reader":
                row = Row(row.key, row.label, row.mode, f"/works/{ids[0]}/")
            if row.beside == "reader_set" and row.few:
                runner.config = {**config, "ids_file": str(var_dir / "reader-ids.txt")}
            print(f"{row.label} ...", flush=True)
            results[row.key] = runner.run(number, row)
            runner.config = config
        if {"new", "counted"} <= results.keys():
            pairs = {
                with_hits: [(results[with_hits], results[without]), *runner.pairs(args.pairs, with_hits, without)]
                for with_hits, (without, _) in COMPARISONS.items()
                if {with_hits, without} <= results.keys()
            }
        memory = _server_memory(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=60)
        for handle in log:
            handle.close()
    notes = [memory, _database_size(), *(_checks(var_dir, text_seconds, results) if chosen == ROWS else [])]
    connections.close_all()
    if not args.keep_copy and not args.reuse_copy:
        drop_copy(copy)
    load_after = Path("/proc/loadavg").read_text().strip()
    if chosen == ROWS and not args.reuse_copy:
        report(args, database, results, pairs, notes, (load_before, load_after))
    else:
        lines = row_lines(chosen, results, ceiling_of(results))
        print("\n".join([*lines, *pair_lines(pairs), *notes, load_before, load_after]))
    shutil.rmtree(var_dir, ignore_errors=True)
    return 0


def _checks(var_dir: Path, text_seconds: float, results: dict[str, Result]) -> list[str]:
    """What the server's log and the copy say: errors by request, and whether the comments arrived as sent."""
    from fanshelf.comments.models import Comment

    notes = [f"Text index of the copy filled and its common words stored in {text_seconds:.1f} s before serving. "
             f"Code: {_code_version()}.",
             "Requests per server CPU second: requests over the CPU time gunicorn's processes used (/proc): the "
             "rate one core would serve whatever else the machine runs (wrk's own CPU not included). Database CPU "
             "per request (PostgreSQL): the CPU time of the database server's processes over the requests served, "
             "on the same cores."]  # fmt: skip
    failed: Counter[str] = Counter()
    for line in (var_dir / "access.log").read_text(errors="replace").splitlines():
        match = re.search(r'"(\w+) (\S+?)(?:\?\S*)? HTTP/[\d.]+" (\d{3}) ', line)
        if match and match[3].startswith("5"):
            failed[f"{match[3]} {match[1]} " + re.sub(r"/\d+/", "/<id>/", match[2])] += 1
    for request, count in failed.most_common(5):
        notes.append(f"Server answered {request} {count:,} times (see its log).")
    first_views = results["new"].rate / results["reader"].rate
    notes.append(
        f"New visitors' random pages against one page read again (a memoised body; the target's comparison before "
        f"2026-12-03): {first_views:.2f}. Most random pages are first views of their body, so that ratio is mostly "
        "what rendering a body costs, not what a hit costs."
    )
    posted, sent = Comment.objects.filter(text__contains=COMMENT_TEXT).count(), results["mixed"].kinds["comment"]
    notes.append(f"Mixed traffic: {sent:,} comments sent, {posted:,} stored with their text intact ({COMMENT_TEXT}).")
    kinds = ", ".join(f"{kind} {n:,}" for kind, n in sorted(results["mixed"].kinds.items()))
    statuses = ", ".join(f"{code}: {n:,}" for code, n in sorted(results["mixed"].statuses.items()))
    notes.append(f"Mixed traffic requests sent by kind: {kinds}; answers by status: {statuses}.")
    return notes


def _workers(master: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError, ValueError, IndexError):  # a process that ended while we looked
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                found.append(int(stat.parent.name))
    return sorted(found)


def _server_cpu(master: int) -> float:
    """CPU seconds (user + system) used so far by gunicorn's master and workers."""
    total = 0
    for pid in [master, *_workers(master)]:
        with suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _database_cpu() -> float:
    """CPU seconds (user + system) used so far by the PostgreSQL server's processes on this machine (its backends,
    writer, WAL writer and autovacuum: the database's whole share of the cores), with those of its processes that
    ended (a closed connection's backend), which the server's main process holds as its children's."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError, ValueError, IndexError):  # a process that ended while we looked
            name, fields = stat.read_text().split(" (", 1)[1].rsplit(")", 1)
            if name == "postgres":
                values = fields.split()  # from the state on: utime, stime, cutime, cstime are the 12th to 15th
                total += sum(int(value) for value in values[11:15])
    return total / os.sysconf("SC_CLK_TCK")


def _server_memory(master: int) -> str:
    """Resident and proportional memory of gunicorn's master and workers at the end (Pss splits the pages the
    workers still share with the preloaded master: the index built before the fork, until it is changed)."""

    def figures(pid: int) -> str:
        fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:])
        rss, pss = (int(fields[name].split()[0]) / 1024 for name in ("Rss", "Pss"))
        return f"{rss:,.0f} MB resident ({pss:,.0f} MB proportional)"

    described = "; ".join(f"worker {figures(pid)}" for pid in _workers(master))
    return f"Server memory at the end: master {figures(master)}; {described}."


def _database_size() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            size = int(cursor.fetchone()[0])
    else:
        size = Path(str(connection.settings_dict["NAME"])).stat().st_size
    return f"Copy of the corpus after the run (text index filled, no chapter text): {size / 1e9:.2f} GB."


def _code_version() -> str:
    """The commit served, and whether the working tree had changes on top of it (read-only git commands)."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    changed = subprocess.run(["git", "status", "--porcelain"], capture_output=True, text=True, cwd=ROOT)
    files = len(changed.stdout.splitlines())
    return f"commit {commit.stdout.strip()}" + (f" with {files} files changed or new on top" if files else "")


if __name__ == "__main__":
    sys.exit(main())
