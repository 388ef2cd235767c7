"""Benchmark: a guest's work page on PostgreSQL, in one process, where each statement is a round trip.

Run with `DATABASE_URL=postgres://…/fanshelf_bench_1m .venv/bin/python -m bench.bench_pg_work_page [--views V]
[--rounds R]` once the PostgreSQL corpus is loaded (`python -m bench.run` with the same DATABASE_URL). The corpus is
copied first (`<name>_traffic`, bench/traffic_copy.py) and the copy dropped at the end: hits are written, the corpus
never. V random readable works are each viewed once (their bodies memoised), then R rounds view them again, each
view by a new guest (a hit each, buffered and flushed outside the timing). Printed: the best round's wall and CPU
milliseconds per view; wall time includes PostgreSQL's own work, which runs in its processes, not this one.

To compare two commits, run it once with this checkout and once with `PYTHONPATH=<a git worktree of the other>`
(the fanshelf package is then the other's), alternating, and record both.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from bench.traffic_copy import copy_corpus, corpus_url, drop_copy

UNGATED_RATINGS = ["General Audiences", "Teen And Up Audiences"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--views", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    copy = copy_corpus(corpus_url(0, "postgres"))
    try:
        print(_measure(copy, args.views, args.rounds))
    finally:
        drop_copy(copy)
    return 0


def _measure(copy: str, views: int, rounds: int) -> str:
    os.environ.update(
        {"DATABASE_URL": copy, "FANSHELF_REQUEST_RATE": "off", "FANSHELF_VAR_DIR": tempfile.mkdtemp(prefix="pg-page-")}
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanshelf.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.test import Client

    import fanshelf
    from fanshelf.works import hits
    from fanshelf.works.models import Work

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    hits._ensure_flusher = lambda: None  # flushed here, between rounds
    readable = Work.objects.visible_to(AnonymousUser()).filter(tags__name__in=UNGATED_RATINGS)
    pages = [
        f"/works/{pk}/" for pk in random.Random(5).sample(list(readable.values_list("pk", flat=True)[:5000]), views)
    ]
    client = Client()
    for path in pages:  # memoises each body
        client.get(path, REMOTE_ADDR="10.255.0.1")
    hits.flush()
    gc.collect()
    gc.freeze()  # as fanshelf/wsgi.py does in the served app
    walls, cpus = [], []
    for number in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        for i, path in enumerate(pages):
            response = client.get(path, REMOTE_ADDR=f"10.{number}.{i >> 8}.{i & 255}")
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")
        walls.append((time.perf_counter() - wall) * 1000 / views)
        cpus.append((time.process_time() - cpu) * 1000 / views)
        hits.flush()
    where = Path(fanshelf.__file__).parent.parent
    return (
        f"{connection.vendor}, code in {where}, {views} memoised guest work pages × {rounds} rounds, a new guest each "
        f"view: best round {min(walls):.3f} ms wall, {min(cpus):.3f} ms CPU of this process a view"
    )


if __name__ == "__main__":
    sys.exit(main())
