"""Where a served worker's CPU goes, by kind of request, and what its garbage collections cost.

A gunicorn config (its hooks run in each worker) and the report that reads what they wrote. Serve with it through
bench_traffic, which passes its environment on to `fanshelf serve`:

    FANSHELF_WORKER_CPU_DIR=/tmp/cpu GUNICORN_CMD_ARGS="--config python:bench.worker_cpu" \
        .venv/bin/python -m bench.bench_traffic --size 1000000 --rows mixed --reuse-copy --print-only
    .venv/bin/python -m bench.worker_cpu /tmp/cpu 14

With FANSHELF_WORKER_GC_THRESHOLDS="700,10,10" the workers collect garbage with Python's own thresholds instead of
the app's (fanshelf/wsgi.py), to compare the two. Each worker notes every request's own thread CPU time
(time.thread_time between gunicorn's pre_request and post_request: the view, the middleware, writing the response;
not the time spent waiting for the GIL) with its kind, and the length of each garbage collection, and writes them to
FANSHELF_WORKER_CPU_DIR when it exits. The report takes the last `seconds` of requests (the row measured, not the
warm-up before it), and prints per kind the mean and p95 CPU and wall time and its share of all requests' CPU, then
the collections by generation.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

_requests: list[tuple[float, str, float, float]] = []
_collections: list[tuple[int, float, int]] = []
_started: list[float] = []


def _kind(req: Any) -> str:
    path: str = req.path
    signed_in = any(name.lower() == "cookie" for name, _ in req.headers)
    if req.method == "POST":
        return "post " + path.rstrip("/").rsplit("/", 1)[-1]
    if path == "/works/":
        return "search" if "q=" in (req.query or "") else "listing"
    if path.startswith("/static/"):
        return "static"
    return ("signed-in " if signed_in else "") + ("work" if path.startswith("/works/") else "other")


def _on_collection(phase: str, info: dict[str, int]) -> None:
    if phase == "start":
        _started[:] = [time.perf_counter()]
    elif _started:
        _collections.append((info["generation"], time.perf_counter() - _started[0], info["collected"]))


def post_fork(server: Any, worker: Any) -> None:
    gc.callbacks.append(_on_collection)
    if thresholds := os.environ.get("FANSHELF_WORKER_GC_THRESHOLDS"):  # "700,10,10": Python's own, to compare
        gc.set_threshold(*(int(number) for number in thresholds.split(",")))


def pre_request(worker: Any, req: Any) -> None:
    req.cpu_started, req.wall_started = time.thread_time(), time.perf_counter()


def post_request(worker: Any, req: Any, environ: Any, resp: Any) -> None:
    cpu, wall = time.thread_time() - req.cpu_started, time.perf_counter() - req.wall_started
    _requests.append((time.time(), _kind(req), cpu, wall))


def worker_exit(server: Any, worker: Any) -> None:
    folder = Path(os.environ["FANSHELF_WORKER_CPU_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    record = {"requests": _requests, "collections": _collections, "process_cpu": time.process_time()}
    (folder / f"worker-{os.getpid()}.json").write_text(json.dumps(record))


def report(folder: Path, seconds: float) -> None:
    records = [json.loads(path.read_text()) for path in sorted(folder.glob("worker-*.json"))]
    requests = [row for record in records for row in record["requests"]]
    end = max(row[0] for row in requests)
    measured = [row for row in requests if row[0] > end - seconds and row[1] != "static"]
    total = sum(row[2] for row in measured)
    print(f"{len(measured):,} requests in the last {seconds:g} s, {1000 * total / len(measured):.2f} ms of CPU each")
    for kind in sorted({row[1] for row in measured}, key=lambda k: -sum(r[2] for r in measured if r[1] == k)):
        cpu = sorted(1000 * row[2] for row in measured if row[1] == kind)
        wall = sorted(1000 * row[3] for row in measured if row[1] == kind)
        p95 = int(len(cpu) * 0.95)
        print(
            f"  {kind:16} {len(cpu):6,}  CPU mean {sum(cpu) / len(cpu):5.2f} ms, p95 {cpu[p95]:5.2f}; wall mean "
            f"{sum(wall) / len(wall):5.1f} ms, p95 {wall[p95]:5.1f}; share of CPU {sum(cpu) / 1000 / total:.2f}"
        )
    for number, record in enumerate(records, 1):
        for generation in range(3):
            lengths = sorted(1000 * c[1] for c in record["collections"] if c[0] == generation)
            if lengths:
                print(
                    f"  worker {number}, generation {generation}: {len(lengths):,} collections, {sum(lengths):.0f} ms "
                    f"in all, longest {lengths[-1]:.1f} ms"
                )


if __name__ == "__main__":
    report(Path(sys.argv[1]), float(sys.argv[2]) if len(sys.argv) > 2 else 15.0)
