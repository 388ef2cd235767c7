"""One side of bench/bench_ab.py, run as a script with the code under test first on PYTHONPATH.

It copies the corpus, sets Django up on the copy the way a server runs (no test instrumentation), then answers lines
on stdin, "<kind> <count>", with one JSON line on stdout: the CPU milliseconds of each of `count` views of that kind
through Django's WSGI handler, each by a new guest (a client address no other view used); a file name after them
profiles those views into it (cProfile's format, for pstats). Kinds:
- work: a work page no view of this process opened before (a new visitor's first view, a hit each);
- memo: one of 50 work pages opened again (its body memoised; a hit each still, as each guest is new);
- signed: a work page no view of this process opened before, by one of five signed-in readers (their reading
  history written, as on every signed-in view);
- listing: one of the 800 listings of bench_traffic (40 fandoms, 4 sorts, 5 pages), mostly first views;
- search: a text search of two words, or a word and a number, as bench_traffic sends them (the copy's text index
  is filled first when the third argument is "text");
- edits: the same searches while works change: before each, an outbox row naming a random work (the row a series
  change writes, outside the timing), and the view brings the index up to date at once, as on an archive where
  works are posted and edited all the time (the row's text is written again within the timing, on both sides).
Only standard Django and the project's own modules are used, so a side can run an older commit's code.
"""

from __future__ import annotations

import cProfile
import gc
import json
import os
import random
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

UNGATED_RATINGS = ["General Audiences", "Teen And Up Audiences"]
SORTS = ["kudos", "hits", "updated", "words"]
WORDS = ["Salt", "Lantern", "Harbor", "Ember", "Tide", "Quiet", "Hollow", "Gull", "Ferry", "North", "Ash"]


def _set_up(corpus: Path) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="fanshelf-bench-ab-"))
    copy = folder / corpus.name
    shutil.copyfile(corpus, copy)
    os.environ.update(
        {"DATABASE_URL": f"sqlite:///{copy}", "FANSHELF_VAR_DIR": str(folder), "FANSHELF_REQUEST_RATE": "off"}
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanshelf.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0)
    # whitenoise warns that the copy's folder has no collected static files: no view here asks for one
    warnings.filterwarnings("ignore", message="No directory at")
    return folder


def _fill_text_index() -> None:
    """Text searches need the text index, which the corpus loader leaves empty (bench_traffic fills it the same)."""
    from bench.bulkload import fast_sqlite
    from fanshelf.discovery import text
    from fanshelf.discovery.live import outbox_tops
    from fanshelf.works.models import Work

    with fast_sqlite():
        text.clear()
        text.rebuild(list(Work.objects.order_by("pk").values_list("pk", flat=True)), outbox_tops()[0])


def main() -> None:
    size = int(sys.argv[1])
    folder = _set_up(Path(sys.argv[2]))
    if sys.argv[3:] == ["text"]:
        _fill_text_index()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import AnonymousUser
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import Client
    from django.test.client import RequestFactory

    from fanshelf.works import hits
    from fanshelf.works.models import Work, WorkChange

    hits._ensure_flusher = lambda: None  # flushed here, after each batch, outside the timing
    readable = Work.objects.visible_to(AnonymousUser()).filter(tags__name__in=UNGATED_RATINGS)
    ids = list(readable.values_list("pk", flat=True)[:40_000])
    random.Random(5).shuffle(ids)
    again = ids[:50]  # the "memo" kind's pages; first views take from the other end
    handler, factory = WSGIHandler(), RequestFactory()
    listings, searches, edited = random.Random(3), random.Random(4), random.Random(6)
    visitors = iter(range(1, 2**24))

    cookies = []
    for user in get_user_model().objects.order_by("pk")[:5]:
        client = Client()
        client.force_login(user)
        cookies.append(f"sessionid={client.cookies['sessionid'].value}")

    def view(path: str, query: str = "", cookie: str = "") -> None:
        number = next(visitors)
        address = f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"
        environ = factory._base_environ(  # type: ignore[attr-defined]
            PATH_INFO=path, QUERY_STRING=query, REQUEST_METHOD="GET", REMOTE_ADDR=address, HTTP_USER_AGENT="bench-ab",
            HTTP_COOKIE=cookie,
        )  # fmt: skip
        statuses: list[str] = []

        def start_response(status: str, headers: Any, *exc_info: Any) -> Any:
            statuses.append(status)

        b"".join(handler(environ, start_response))
        if statuses[0][:3] not in ("200", "404"):  # 404: a listing page past a small fandom's end
            raise SystemExit(f"{path}?{query} answered {statuses[0]}")

    def request(kind: str, number: int) -> tuple[str, str]:
        if kind in ("work", "signed"):
            return f"/works/{ids.pop()}/", ""
        if kind == "memo":
            return f"/works/{again[number % len(again)]}/", ""
        if kind == "listing":
            fandom, sort, page = listings.randint(1, 40), listings.choice(SORTS), listings.randint(1, 5)
            return "/works/", f"include=Fandom+{fandom:06d}&sort={sort}&page={page}"
        first = searches.choice(WORDS)
        second = searches.choice(WORDS) if searches.random() < 0.5 else str(searches.randint(1, size))
        return "/works/", f"q={first}+{second}"

    view("/works/")  # builds the index
    gc.collect()  # then, as fanshelf/wsgi.py does in gunicorn's master, what was loaded is frozen out of the collector
    gc.freeze()
    for number in range(60):  # warms templates, compiled statements and the database's pages
        view(*request("work", number))
        view(*request("memo", number))
    hits.flush()
    print("ready", flush=True)
    for line in sys.stdin:
        kind, count, *profile_to = line.split()  # a third word: profile the views into that file (pstats)
        profiler = cProfile.Profile() if profile_to else None
        times: list[float] = []
        settings.DISCOVERY_REFRESH_SECONDS = 0 if kind == "edits" else 1.0
        for number in range(int(count)):
            path, query = request(kind, number)
            cookie = cookies[number % len(cookies)] if kind == "signed" else ""
            if kind == "edits":
                WorkChange.objects.create(work_id=edited.choice(again + ids[:1000]), kind="series")
            started = time.process_time()
            if profiler is not None:
                profiler.runcall(view, path, query, cookie)
            else:
                view(path, query, cookie)
            times.append((time.process_time() - started) * 1000)
        hits.flush()
        if profiler is not None:
            profiler.dump_stats(profile_to[0])
        answer: dict[str, Any] = {"times": times}
        print(json.dumps(answer), flush=True)
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
