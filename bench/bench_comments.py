"""Benchmark: a chapter page with 0 and with 1,000 comments, and posting a comment on each (issue 10, "Speed").

Run with `.venv/bin/python bench/bench_comments.py [comments] [repeats]`. It makes a throwaway in-memory SQLite test
database and two posted two-chapter works, "Quiet" (no comments) and "Busy", whose first chapter gets `comments`
comments posted one by one through comments.actions.post_comment (no bulk insert: every comment pays for its
cleaning, count update, outbox row and inbox notices, as on the site): about a third start threads, the rest reply
to an earlier comment of the same chapter, so threads reach past the levels the page shows. The page shows each
thread's first REPLIES_SHOWN replies (comments/threads.py); the thread's own page shows the rest.

Then, through Django's test Client, for a guest and a signed-in reader:
- the chapter page's first view (one fresh client, once, after cache.clear(); the process is warmed first on
  other pages) and repeat views (median of `repeats`), with the queries;
- the last page of comment threads on the busy chapter;
- posting a comment from the page (median of `repeats` posts, the queries and how many of them write).
Every figure is also printed as a ratio to the same figure on the 0-comment work.
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanshelf.settings")
os.environ["DATABASE_URL"] = ""  # an in-memory SQLite test database, whatever the environment says
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from fanshelf.accounts.models import User  # noqa: E402
from fanshelf.comments.actions import post_comment  # noqa: E402
from fanshelf.comments.models import Comment  # noqa: E402
from fanshelf.comments.threads import PAGE_PARAM, PER_PAGE, REPLIES_SHOWN, Node, page_of_threads  # noqa: E402
from fanshelf.works.actions import ChapterFields, WorkFields, add_chapter, create_work  # noqa: E402
from fanshelf.works.models import Chapter, Work  # noqa: E402

WRITES = ("INSERT", "UPDATE", "DELETE")
TEXT = "<p>The lighthouse scene made me cry; the way the tide keeps time is <em>perfect</em>.</p>" * 2


@dataclass
class Measure:
    ms: float
    queries: int
    writes: int = 0


def _timed(call: Callable[[], int]) -> tuple[float, int, int]:
    """Wall time in ms, queries, writing queries; the request must answer 200 (or 302 for a post)."""
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        status = call()
        elapsed = (time.perf_counter() - started) * 1000
    if status not in (200, 302):
        raise SystemExit(f"the request answered {status}")
    writes = sum(query["sql"].lstrip().upper().startswith(WRITES) for query in captured.captured_queries)
    return elapsed, len(captured), writes


def _median(samples: list[tuple[float, int, int]]) -> Measure:
    return Measure(statistics.median(s[0] for s in samples), samples[-1][1], samples[-1][2])


def _make_work(author: User, title: str) -> tuple[Work, Chapter]:
    fields = WorkFields(
        title=title,
        pseuds=[author.default_pseud()],
        rating="General Audiences",
        warnings=["No Archive Warnings Apply"],
        fandoms=["Benchmarks"],
        comment_permission="anyone",
    )
    chapter_text = ChapterFields(content="<p>A chapter long enough to post, about a lighthouse.</p>" * 40)
    work = create_work(author, fields, chapter_text, post=True)
    add_chapter(work, chapter_text, post=True)
    return work, work.chapters.order_by("position")[0]


def _fill(work: Work, chapter: Chapter, readers: list[User], count: int) -> None:
    """Through the real action, one comment at a time; a third start threads, the rest answer an earlier one."""
    rng = random.Random(10)
    posted: list[Comment] = []
    for number in range(count):
        reader = readers[number % len(readers)]
        parent = rng.choice(posted) if posted and rng.random() > 0.33 else None
        text = f"{TEXT}<p>#{number}</p>"
        pseud = reader.default_pseud()
        posted.append(post_comment(work, text, user=reader, pseud=pseud, chapter=chapter, parent=parent))


def _page(url: str, viewer: User | None, repeats: int) -> tuple[Measure, Measure]:
    """The first view by a fresh client, then the median of `repeats` more by the same client."""
    cache.clear()  # the first view starts from cold caches, as after a deploy or an eviction
    client = Client()
    if viewer is not None:
        client.force_login(viewer)
    first = _timed(lambda: client.get(url).status_code)
    repeat = _median([_timed(lambda: client.get(url).status_code) for _ in range(repeats)])
    return Measure(*first), repeat


def _posting(work: Work, chapter: Chapter, poster: User, repeats: int) -> Measure:
    client = Client()
    client.force_login(poster)
    url = f"/works/{work.pk}/comments/new/"
    data = {"pseud": poster.default_pseud().pk, "chapter": chapter.pk, "text": TEXT}
    return _median([_timed(lambda: client.post(url, data).status_code) for _ in range(repeats)])


def _count_nodes(nodes: list[Node]) -> int:
    return sum(1 + _count_nodes(node.replies) for node in nodes)


def _row(label: str, measure: Measure, base: Measure) -> str:
    ratio_ms = measure.ms / base.ms if base.ms else float("nan")
    ratio_q = measure.queries / base.queries if base.queries else float("nan")
    return (
        f"| {label} | {base.ms:8.1f} | {measure.ms:8.1f} | {ratio_ms:5.2f}x | {base.queries:>3} | {measure.queries:>3}"
        f" | {ratio_q:5.2f}x | {base.writes} | {measure.writes} |"
    )


def main(comments: int, repeats: int) -> None:
    setup_test_environment()  # locmem email: notices the comments cause are sent, but nowhere
    # Pages link the stylesheet; without a collectstatic manifest, name it as the tests do.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    connection.creation.create_test_db(verbosity=0)
    author = User.objects.create_user(username="author", email="author@example.org", password=None)
    readers = [
        User.objects.create_user(username=f"reader{n}", email=f"reader{n}@example.org", password=None)
        for n in range(10)
    ]
    quiet, quiet_chapter = _make_work(author, "Quiet")
    busy, busy_chapter = _make_work(author, "Busy")
    started = time.perf_counter()
    _fill(busy, busy_chapter, readers, comments)
    build = time.perf_counter() - started
    threads = Comment.objects.filter(work=busy, parent=None).count()
    deepest = max(Comment.objects.filter(work=busy).values_list("depth", flat=True), default=0)
    last = max(1, (threads + PER_PAGE - 1) // PER_PAGE)
    # Comments on the first and last page of threads, as the page shows them (each thread's first REPLIES_SHOWN
    # replies, five levels deep) and as stored in those threads: what the page renders grows with the first.
    shown: dict[int, int] = {}
    stored: dict[int, int] = {}
    roots = list(
        Comment.objects.filter(work=busy, parent=None).order_by("created_at", "pk").values_list("pk", flat=True)
    )
    for number in (1, last):
        top = roots[(number - 1) * PER_PAGE : number * PER_PAGE]
        stored[number] = len(top) + Comment.objects.filter(thread__in=top).count()
        _, nodes = page_of_threads(AnonymousUser(), busy, busy_chapter, number, first_chapter=busy_chapter.pk)
        shown[number] = _count_nodes(nodes)
    # Warm the process (templates, URL resolvers, tag tables) on a third work, so the 0-comment "first view" does
    # not pay for the process's first request, and both measured works still count their first hit.
    warm_work, warm_chapter = _make_work(author, "Warm-up")
    warm = Client()
    for url in ("/", f"/works/{warm_work.pk}/chapters/{warm_chapter.pk}/"):
        warm.get(url)

    print(f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, SQLite in memory")
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    print(
        f"built {comments:,} comments ({threads} threads, deepest reply at level {deepest}) through post_comment"
        f" in {build:.1f} s ({build / max(comments, 1) * 1000:.1f} ms each)"
    )
    print(
        f"comments shown (stored in the page's threads): page 1 of threads {shown[1]} ({stored[1]}),"
        f" page {last} {shown[last]} ({stored[last]}); at most {REPLIES_SHOWN} replies a thread"
    )
    print(f"median of {repeats}; ms and queries on the 0-comment chapter, then on the {comments:,}-comment one")
    print("| what | 0 ms | N ms | ratio | 0 queries | N queries | ratio | 0 writes | N writes |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for who, viewer in (("guest", None), ("signed-in reader", readers[0])):
        quiet_url = f"/works/{quiet.pk}/chapters/{quiet_chapter.pk}/"
        busy_url = f"/works/{busy.pk}/chapters/{busy_chapter.pk}/"
        quiet_first, quiet_repeat = _page(quiet_url, viewer, repeats)
        busy_first, busy_repeat = _page(busy_url, viewer, repeats)
        _, busy_last = _page(f"{busy_url}?{PAGE_PARAM}={last}", viewer, repeats)
        print(_row(f"chapter page, {who}, first view", busy_first, quiet_first))
        print(_row(f"chapter page, {who}, repeat view", busy_repeat, quiet_repeat))
        print(_row(f"chapter page, {who}, last comments page ({last})", busy_last, quiet_repeat))
    poster = readers[1]
    quiet_post = _posting(quiet, quiet_chapter, poster, repeats)
    busy_post = _posting(busy, busy_chapter, poster, repeats)
    print(_row("post a comment (signed in, through the page's form)", busy_post, quiet_post))
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000, int(sys.argv[2]) if len(sys.argv) > 2 else 9)
