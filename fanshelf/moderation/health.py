"""`/healthz`: what a load balancer or a monitor asks every few seconds. 200 when this app server can answer
requests (its database and cache answer), 503 otherwise, with the details as JSON either way.

`/metrics`: the same measures, and the request counts of fanshelf/core/metrics.py, in Prometheus's text format,
for the addresses in FANSHELF_METRICS_ALLOW only (a 404 for everyone else, as if there were no such page).
"""

from __future__ import annotations

import datetime
import time
import uuid
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Min, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from fanshelf.core.metrics import CONTENT_TYPE, Gauge, exposition, may_read
from fanshelf.discovery.live import freshness
from fanshelf.works import hits


def _timed(check: Any) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        result = {"ok": True, **(check() or {})}
    except Exception as error:  # a health check reports every failure; it never raises
        result = {"ok": False, "error": f"{type(error).__name__}: {error}"}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def _database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"engine": connection.vendor}


def _cache() -> None:
    key, value = "fanshelf:healthz", uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return what was just stored")


def _tasks() -> dict[str, Any]:
    """The task queue: how many tasks wait to run now, and for how long the oldest of them has waited (a worker
    that stopped shows as an age that keeps growing). The immediate backend has no queue."""
    backend = settings.TASKS["default"]["BACKEND"].rsplit(".", 1)[-1]
    if backend == "RQBackend":
        return {"backend": backend, **_redis_queue()}
    if backend != "DatabaseBackend":
        return {"backend": backend}
    from django_tasks_db.models import DBTaskResult, get_date_max

    ready = DBTaskResult.objects.ready()
    # A task waits from when it was queued, or, when it was queued to run later, from the time it was due.
    summary = ready.aggregate(
        queued=Min("enqueued_at", filter=Q(run_after=get_date_max())),
        due=Min("run_after", filter=~Q(run_after=get_date_max())),
    )
    since = min((moment for moment in summary.values() if moment is not None), default=None)
    oldest = round((timezone.now() - since).total_seconds(), 3) if since is not None else 0.0
    return {"backend": backend, "queued": ready.count(), "oldest_waiting_seconds": max(0.0, oldest)}


def _redis_queue() -> dict[str, Any]:
    import django_rq

    queue = django_rq.get_queue("default")
    oldest = queue.get_jobs(0, 0)  # the queue is a list, oldest first
    since = oldest[0].enqueued_at if oldest else None
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=datetime.UTC)  # RQ keeps UTC times
    waited = (timezone.now() - since).total_seconds() if since is not None else 0.0
    return {"queued": int(queue.count), "oldest_waiting_seconds": round(max(0.0, waited), 3)}


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _timed(_database), "cache": _timed(_cache)}
    checks["tasks"] = _timed(_tasks) if checks["database"]["ok"] else {"ok": False, "error": "no database"}
    checks["index"] = _timed(freshness) if checks["database"]["ok"] else {"ok": False, "error": "no database"}
    healthy = checks["database"]["ok"] and checks["cache"]["ok"]
    return JsonResponse({"healthy": healthy, **checks}, status=200 if healthy else 503)


def _hit_buffer_depth() -> int:
    """Hits waiting to be written (works/hits.py): in Redis, every process's; in memory, this process's own."""
    pending = hits.buffer()
    if isinstance(pending, hits.RedisBuffer):
        return int(pending._redis.llen(pending._key))  # a read-only peek at the buffer's list
    return len(pending._hits)


def _gauges() -> list[Gauge]:
    gauges: list[Gauge] = [("fanshelf_up", "1 while this app server answers", 1.0)]
    tasks = _timed(_tasks)
    if "queued" in tasks:
        gauges.append(("fanshelf_task_queue_depth", "Tasks waiting to run now", tasks["queued"]))
        gauges.append(
            (
                "fanshelf_task_oldest_waiting_seconds",
                "How long the oldest waiting task has waited",
                tasks["oldest_waiting_seconds"],
            )
        )
    index = _timed(freshness)
    if index["ok"]:
        gauges += [
            (
                "fanshelf_discovery_seconds_since_refresh",
                "Seconds since the answering process's discovery index last caught up with the outbox (-1: not built)",
                float(index["seconds_since_refresh"]),
            ),
            (
                "fanshelf_discovery_changes_behind",
                "Outbox rows committed since the answering process's discovery index last caught up",
                float(index["changes_behind"]),
            ),
        ]
    depth = _timed(lambda: {"depth": _hit_buffer_depth()})
    if depth["ok"]:
        gauges.append(("fanshelf_hit_buffer_depth", "Hits waiting to be written", float(depth["depth"])))
    return gauges


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not may_read(request):
        raise Http404("No such page.")
    return HttpResponse(exposition(_gauges()), content_type=CONTENT_TYPE)
