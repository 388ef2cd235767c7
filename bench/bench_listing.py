"""Benchmark: requests per second of a filtered listing page under gunicorn (target: at least 300/s on 2 cores).

Run with `.venv/bin/python -m bench.bench_listing [--size N] [--seconds S]` after `python -m bench.run --size N`
has loaded the corpus (bench/data/bench-N.sqlite3, or the PostgreSQL database DATABASE_URL names). It starts
`fanshelf serve` (gunicorn, 2 workers x 4 threads, preloaded) on that database and runs `wrk -t2 -c8` against:

- the stylesheet (whitenoise: the server's own ceiling on this machine, the baseline every figure is divided by);
- one filtered listing as a guest, again and again (a whole page memoised for guests);
- the same listing as a signed-in reader (engine, facets and page rendered each time; blurbs memoised);
- 800 different listings as guests (40 fandoms x 4 sorts x 5 pages: mostly not memoised yet).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.results import record

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
LISTING = "/works/?include=Fandom+000001&complete=1&sort=kudos"
VARIED_LUA = """
local fandoms, sorts = 40, {"kudos", "hits", "updated", "words"}
request = function()
  local path = string.format("/works/?include=Fandom+%06d&sort=%s&page=%d",
    math.random(1, fandoms), sorts[math.random(1, #sorts)], math.random(1, 5))
  return wrk.format("GET", path)
end
"""


def _database_url(size: int) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        return url
    path = BENCH_DIR / "data" / f"bench-{size}.sqlite3"
    if not path.exists():
        sys.exit(f"No corpus at {path}: run `python -m bench.run --size {size}` first.")
    return f"sqlite:///{path}"


def _reader_cookie() -> str:
    """A signed-in session for a corpus account, stored in the database the server reads."""
    from django.test import Client

    from fanshelf.accounts.models import User

    user = User.objects.order_by("pk").first()
    if user is None:
        sys.exit("The corpus has no accounts.")
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def wait_until_serving(base: str, server: subprocess.Popen[bytes], seconds: int = 120) -> None:
    """Until the server answers its first listing (it builds the index first), or exit when it stops or takes
    longer than `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("fanshelf serve exited; run it by hand, or see its log in the run's FANSHELF_VAR_DIR.")
        try:
            with urllib.request.urlopen(base + "/works/", timeout=30):  # noqa: S310 - our own loopback server
                return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"fanshelf serve did not answer within {seconds} s.")


def _wrk(url: str, seconds: int, *extra: str) -> tuple[float, str]:
    """(requests/s, average latency) from one wrk run; non-2xx answers fail the benchmark."""
    argv = ["wrk", "-t2", "-c8", f"-d{seconds}s", *extra, url]
    output = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        sys.exit(f"wrk saw errors:\n{output}")
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    latency = re.search(r"Latency\s+(\S+)", output)
    if rate is None or latency is None:
        sys.exit(f"Could not read wrk's output:\n{output}")
    return float(rate.group(1)), latency.group(1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--port", type=int, default=8021)
    args = parser.parse_args(argv)
    var_dir = Path(tempfile.mkdtemp(prefix="fanshelf-bench-"))
    # One client address sends every request: the general per-address limit would answer most of them with 429.
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(args.size),
        "FANSHELF_VAR_DIR": str(var_dir),
        "FANSHELF_REQUEST_RATE": "off",
    }
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanshelf.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    cookie = _reader_cookie()
    base = f"http://127.0.0.1:{args.port}"
    serve = [
        str(Path(sys.executable).with_name("fanshelf")),
        "serve",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--threads",
        "4",
    ]
    server = subprocess.Popen(serve, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    try:
        wait_until_serving(base, server)
        lua = var_dir / "varied.lua"
        lua.write_text(VARIED_LUA)
        for warm in (LISTING, "/static/fanshelf/site.css"):
            _wrk(base + warm, 2)
        runs = {
            "stylesheet (baseline)": _wrk(base + "/static/fanshelf/site.css", args.seconds),
            "listing, guest, same URL": _wrk(base + LISTING, args.seconds),
            "listing, signed-in reader, same URL": _wrk(base + LISTING, args.seconds, "-H", f"Cookie: {cookie}"),
            "800 listings, guests": _wrk(base + "/", args.seconds, "-s", str(lua)),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
    _report(args, runs)
    return 0


def _report(args: argparse.Namespace, runs: dict[str, tuple[float, str]]) -> None:
    baseline = runs["stylesheet (baseline)"][0]
    load = os.getloadavg()[0]
    lines = [
        f"## Listing throughput under gunicorn, {args.size:,} works ({time.strftime('%Y-%m-%d %H:%M')})",
        "",
        f"Command: `.venv/bin/python -m bench.bench_listing --size {args.size} --seconds {args.seconds}` "
        f"(`fanshelf serve --threads 4`: 2 workers; `wrk -t2 -c8` on loopback; load average {load:.1f} after, "
        f"{os.cpu_count()} cores). Listing: `{LISTING}`. Target: 300 requests/s.",
        "",
        "| what | requests/s | average latency | share of the baseline |",
        "|---|---:|---:|---:|",
        *(f"| {name} | {rate:,.1f} | {latency} | {rate / baseline:.2f} |" for name, (rate, latency) in runs.items()),
        "",
    ]
    record("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
