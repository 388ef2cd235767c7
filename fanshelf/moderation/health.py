"""`/healthz`: what a load balancer or a monitor asks every few seconds. 200 when this app server can answer
requests (its database and cache answer), 503 otherwise, with the details as JSON either way."""

from __future__ import annotations

import time
import uuid
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from fanshelf.discovery.live import freshness


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
    backend = settings.TASKS["default"]["BACKEND"].rsplit(".", 1)[-1]
    if backend != "DatabaseBackend":
        return {"backend": backend}
    from django_tasks_db.models import DBTaskResult

    return {"backend": backend, "queued": DBTaskResult.objects.ready().count()}


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _timed(_database), "cache": _timed(_cache)}
    checks["tasks"] = _timed(_tasks) if checks["database"]["ok"] else {"ok": False, "error": "no database"}
    checks["index"] = _timed(freshness) if checks["database"]["ok"] else {"ok": False, "error": "no database"}
    healthy = checks["database"]["ok"] and checks["cache"]["ok"]
    return JsonResponse({"healthy": healthy, **checks}, status=200 if healthy else 503)
