"""Hits as the site counts them by default: buffered while pages are served, written in batches, each visitor once
per work per day whichever process or machine saw them, nothing lost or counted twice when a batch fails."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fanshelf.accounts.actions import delete_account
from fanshelf.accounts.models import User
from fanshelf.works import hits
from fanshelf.works.hits import PendingHit, RedisBuffer
from fanshelf.works.models import Hit, Work, WorkChange
from tests.factories import make_user, make_work

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def buffered(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Buffered hits that only the test flushes: a flusher thread has its own connection, which cannot see the
    test's uncommitted works."""
    settings.FANSHELF_HIT_FLUSH_SECONDS = 1
    hits.stop_flusher()
    monkeypatch.setattr(hits, "_ensure_flusher", lambda: None)
    hits.buffer().take()  # nothing left over from another test in this process
    yield
    hits.buffer().take()


def guest(number: int) -> Client:
    return Client(HTTP_USER_AGENT=f"reader-{number}")


def count(work: Work) -> int:
    return Work.objects.get(pk=work.pk).hit_count


@pytest.mark.usefixtures("buffered")
def test_a_page_view_writes_nothing_and_the_flush_counts_each_visitor_once(author: User) -> None:
    work = make_work(author)
    with CaptureQueriesContext(connection) as queries:
        response = guest(1).get(work.get_absolute_url())  # the test client closes it, as a server would
    assert response.status_code == 200
    writes = [q["sql"] for q in queries if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
    assert not any("works_hit" in sql or "hit_count" in sql for sql in writes), writes
    for number in (1, 2, 2, 3):
        guest(number).get(work.get_absolute_url())
    assert count(work) == 0  # still waiting in the buffer
    assert hits.flush() == 3
    assert count(work) == 3
    assert Hit.objects.filter(work=work).count() == 3
    assert WorkChange.objects.filter(work_id=work.pk, kind="hit").count() == 1  # one outbox row per work per batch
    guest(1).get(work.get_absolute_url())  # already counted today
    assert hits.flush() == 0
    assert count(work) == 3


@pytest.mark.usefixtures("buffered")
def test_creators_and_moderators_are_never_buffered(author: User, moderator: User) -> None:
    work = make_work(author)
    for user in (author, moderator):
        client = Client()
        client.force_login(user)
        client.get(work.get_absolute_url())
    assert hits.flush() == 0
    assert count(work) == 0


def test_a_batch_that_fails_half_way_counts_nothing_and_is_counted_once_later(
    author: User, monkeypatch: pytest.MonkeyPatch, buffered: None
) -> None:
    first, second = make_work(author), make_work(author)
    day = timezone.localdate()
    hits.buffer().push([PendingHit(first.pk, "a", day), PendingHit(second.pk, "a", day)])

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the database went away mid-batch")

    with monkeypatch.context() as patch:
        patch.setattr(hits, "_note_changes", crash)  # after the rows and counts were written
        with pytest.raises(RuntimeError):
            hits.flush()
    assert (count(first), count(second)) == (0, 0)
    assert not Hit.objects.exists()
    assert not WorkChange.objects.filter(kind="hit").exists()
    started = timezone.now()
    assert hits.flush() == 2  # the batch went back to the buffer
    assert (count(first), count(second)) == (1, 1)
    # Listings hear of both counts: one outbox row each, stamped now (written by the flush's own statement).
    noted = WorkChange.objects.filter(kind="hit").order_by("work_id")
    assert [change.work_id for change in noted] == [first.pk, second.pk]
    assert all(started <= change.created_at <= timezone.now() for change in noted)


@pytest.mark.django_db
def test_hits_of_a_deleted_work_are_dropped(author: User, buffered: None) -> None:
    work = make_work(author)
    kept = make_work(author)
    day = timezone.localdate()
    hits.buffer().push([PendingHit(work.pk, "a", day), PendingHit(kept.pk, "a", day)])
    work.delete()
    assert hits.flush() == 1
    assert count(kept) == 1


@pytest.mark.django_db(transaction=True)
def test_two_processes_flushing_the_same_visitors_at_once_count_them_once(author: User) -> None:
    """Two app servers saw the same visitors (a visitor's requests spread over them) and flush at the same moment."""
    if connection.vendor != "postgresql":
        pytest.skip("two servers share PostgreSQL; the SQLite test database lives in one process's memory")
    works = [make_work(author) for _ in range(3)]
    day = timezone.localdate()
    batch = [PendingHit(work.pk, f"visitor-{n}", day) for work in works for n in range(40)]
    results: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def flush_as_a_server(own: list[PendingHit]) -> None:
        try:
            barrier.wait()
            results.append(hits.apply_hits(own))
        except BaseException as error:  # a deadlock between the two, say: reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=flush_as_a_server, args=(list(order),)) for order in (batch, batch[::-1])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(results) == 2  # both flushes finished
    assert sum(results) == 120
    assert [count(work) for work in works] == [40, 40, 40]


@pytest.mark.django_db(transaction=True)
def test_the_flusher_thread_writes_hits_within_a_few_seconds(author: User, settings: Any) -> None:
    settings.FANSHELF_HIT_FLUSH_SECONDS = 1
    work = make_work(author)
    try:
        guest(7).get(work.get_absolute_url())
        deadline = time.monotonic() + 10
        while count(work) == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert count(work) == 1
    finally:
        hits.stop_flusher()


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis server answers at {REDIS_URL}")


def test_with_redis_every_process_shares_one_buffer_and_a_dead_process_loses_nothing(
    author: User, settings: Any, buffered: None
) -> None:
    _redis_or_skip()
    settings.FANSHELF_CACHE_URL = REDIS_URL
    shared = hits.buffer()
    assert isinstance(shared, RedisBuffer)
    shared.take()
    work = make_work(author)
    day = timezone.localdate()
    # Another server pushes and dies before its flush: its hits are in Redis, not in its memory.
    key = f"fanshelf:hits:{settings.DATABASES['default']['NAME']}"
    RedisBuffer(REDIS_URL, key).push([PendingHit(work.pk, "ok-ναι-是", day), PendingHit(work.pk, "b", day)])
    guest(3).get(work.get_absolute_url())  # this server's own visitor
    assert count(work) == 0
    assert hits.flush() == 3
    assert count(work) == 3
    assert Hit.objects.filter(visitor="ok-ναι-是").exists()
    assert shared.take() == []


def test_a_buffered_hit_of_an_account_deleted_meanwhile_is_dropped(author: User, buffered: None) -> None:
    work = make_work(author)
    leaving, staying = make_user("Driftwood"), make_user("Anchor")
    for user in (leaving, staying):
        client = Client()
        client.force_login(user)
        client.get(work.get_absolute_url())
    delete_account(leaving)
    assert hits.flush() == 1
    assert list(Hit.objects.filter(work=work).values_list("visitor", flat=True)) == [f"user:{staying.pk}"]


@pytest.mark.django_db
def test_hits_are_found_by_work_through_the_one_index_every_hit_writes_anyway(author: User) -> None:
    """The hits table keeps one index that starts with the work, the unique (work, visitor, day) one: a second index
    on the work alone (Django's default for a foreign key) cost every hit one more write and served nothing."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Hit._meta.db_table)
    by_work = sorted(
        c["columns"] for c in constraints.values() if (c["index"] or c["unique"]) and c["columns"][:1] == ["work_id"]
    )
    assert by_work == [["work_id", "visitor", "day"]]
    work = make_work(author)
    hits.apply_hits([PendingHit(work.pk, "ip:198.51.100.7", timezone.localdate())])
    if connection.vendor == "sqlite":  # PostgreSQL plans an empty table by a scan, whatever its indexes
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN DELETE FROM works_hit WHERE work_id = %s", [work.pk])
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "USING COVERING INDEX sqlite_autoindex_works_hit_1 (work_id=?)" in plan
    work.delete()
    assert not Hit.objects.exists()
