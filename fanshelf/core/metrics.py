"""Counters and timings for /metrics, in Prometheus's text format, added up over every process of an app server.

gunicorn runs several worker processes and a scrape reaches one of them, so each process keeps its counts in its own
small memory-mapped files in FANSHELF_METRICS_DIR (prometheus_client's multiprocess mode) and whichever worker
answers /metrics adds up the files of all of them. A count costs a lock and a write to memory, no system call, so
every request can afford it (bench/bench_metrics.py). Files of processes that have ended stay and keep counting in
the totals, which is what a counter needs; the folder is emptied when the app server starts (docs/deploy.md).

What is not a count (the discovery index's lag, the task queue, the hit buffer) is measured when /metrics is asked
(fanshelf/moderation/health.py), and handed to `exposition` as gauges.
"""

from __future__ import annotations

import ipaddress
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from fanshelf.core.visitors import client_address


def _metrics_dir() -> Path:
    folder = Path(getattr(settings, "FANSHELF_METRICS_DIR", "") or Path(settings.VAR_DIR) / "metrics")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# prometheus_client picks where values live when it is first imported: the folder must be named before that.
os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(_metrics_dir())

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest  # noqa: E402
from prometheus_client.core import GaugeMetricFamily, Metric  # noqa: E402
from prometheus_client.multiprocess import MultiProcessCollector  # noqa: E402

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# A response no URL pattern chose (an unknown address, or one refused before routing, such as a 429).
UNROUTED = "unrouted"

REQUESTS = Counter("fanshelf_requests", "Requests answered, by view and status code", ["view", "status"])
DURATION = Histogram(
    "fanshelf_request_duration_seconds",
    "Time from the request reaching Django to its response leaving it, by view",
    ["view"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
MEMO_LOOKUPS = Counter(
    "fanshelf_memo_lookups", "Lookups in the in-process memos of rendered HTML, by memo and result", ["memo", "result"]
)


class _LazyCount:
    """One labelled counter, bound on its first count (then a lookup pays no label search). Binding opens this
    process's file, so a process that never counts (a management command, gunicorn's master) leaves none behind."""

    __slots__ = ("_inc", "_labels")

    def __init__(self, *labels: str) -> None:
        self._labels = labels
        self._inc: Callable[[], None] | None = None

    def __call__(self) -> None:
        if self._inc is None:
            self._inc = MEMO_LOOKUPS.labels(*self._labels).inc
        self._inc()


def memo_counters(name: str) -> tuple[Callable[[], None], Callable[[], None]]:
    """The hit and miss counters of one memo (core/memo.py)."""
    return _LazyCount(name, "hit"), _LazyCount(name, "miss")


def caller_module(depth: int = 2) -> str:
    """The module that called the caller: names a memo after the module that made it, when it was given none."""
    return str(sys._getframe(depth).f_globals.get("__name__", "unknown"))


class RequestMetricsMiddleware:
    """Counts every response Django gives by view name and status, and times it. Static files are served by
    whitenoise above this and are not counted."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        view = match.view_name if match is not None else UNROUTED
        DURATION.labels(view).observe(time.perf_counter() - started)
        REQUESTS.labels(view, str(response.status_code)).inc()
        return response


def may_read(request: HttpRequest) -> bool:
    """Whether the client (behind FANSHELF_TRUSTED_PROXY_COUNT proxies) is in FANSHELF_METRICS_ALLOW."""
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    return any(address in network for network in _allowed_networks())


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(entry, strict=False) for entry in settings.FANSHELF_METRICS_ALLOW]


Gauge = tuple[str, str, float]  # name, help, value


class _Gauges:
    def __init__(self, gauges: Sequence[Gauge]) -> None:
        self.gauges = gauges

    def collect(self) -> Iterator[Metric]:
        for name, help_text, value in self.gauges:
            yield GaugeMetricFamily(name, help_text, value=value)


def exposition(gauges: Iterable[Gauge] = ()) -> bytes:
    """Every process's counters added up, then the gauges measured for this scrape, in the text format."""
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=os.environ["PROMETHEUS_MULTIPROC_DIR"])  # type: ignore[no-untyped-call]
    registry.register(_Gauges(list(gauges)))
    return bytes(generate_latest(registry))
