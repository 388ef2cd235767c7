"""One persona set shared by all tests: author, reader, wrangler, moderator, and a guest client."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from fanshelf.accounts.blocking import mute
from fanshelf.accounts.models import User
from fanshelf.core import guest_frame, switches
from fanshelf.discovery import kept_hits
from fanshelf.discovery.live import reset_shared_index
from fanshelf.tags.models import CATEGORIES, FIXED_TYPES, RATINGS, WARNINGS, Tag, TagType
from fanshelf.works import page_memo
from tests.factories import make_user, signed_in_client
from tests.live_server_threads import serve_one_request_at_a_time

serve_one_request_at_a_time()  # where the live server's threads share the test's SQLite connection

# Files whose tests take a minute or more each (they start servers or crawl every route as every role). Run first,
# so that with `--dist loadfile` the two workers share the short tests at the end instead of one worker finishing
# a long file alone while the other waits.
LONG_FILES_FIRST = (
    "tests/test_canary_crawl.py",
    "tests/core/test_backup.py",
    "tests/ops/test_two_app_servers.py",
    "tests/ops/test_kill_dash_nine.py",
    "tests/core/test_move_to_postgres.py",
    "tests/works/test_hostile_server.py",
    "tests/ops/test_metrics.py",
    "tests/core/test_request_rate.py",
    "tests/test_cli.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        path = item.nodeid.split("::", 1)[0]
        return LONG_FILES_FIRST.index(path) if path in LONG_FILES_FIRST else len(LONG_FILES_FIRST)

    items.sort(key=rank)  # stable: the order within each file, and of the other files, is kept


MEDIA: list[str] = importlib.import_module("fanshelf.tags.migrations.0004_media").MEDIA


@pytest.fixture
def author(db: None) -> User:
    return make_user("Quillfeather")


@pytest.fixture
def reader(db: None) -> User:
    return make_user("Pageturner")


@pytest.fixture
def wrangler(db: None) -> User:
    return make_user("Tagtender")


@pytest.fixture
def moderator(db: None) -> User:
    return make_user("Lamplighter", is_staff=True)


@pytest.fixture
def guest(db: None) -> Client:
    return Client()


@pytest.fixture
def author_client(author: User) -> Client:
    return signed_in_client(author)


@pytest.fixture
def reader_client(reader: User) -> Client:
    return signed_in_client(reader)


@pytest.fixture
def moderator_client(moderator: User) -> Client:
    return signed_in_client(moderator)


@pytest.fixture(autouse=True)
def _fixed_tags(request: pytest.FixtureRequest) -> None:
    """The ratings, warnings, categories and media come from data migrations; a transactional test's flush at
    teardown (a live server, threads writing) deletes them, so put them back for the tests that follow it in the
    same process."""
    if request.node.get_closest_marker("django_db"):
        request.getfixturevalue("_django_db_helper")  # the marker's database, already set up by pytest-django
    elif "transactional_db" in request.fixturenames or "db" in request.fixturenames:
        request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
    else:
        return
    expected = len(RATINGS) + len(WARNINGS) + len(CATEGORIES) + len(MEDIA)
    if Tag.objects.filter(type__in=[*FIXED_TYPES, TagType.MEDIA]).count() < expected:
        fixed = ((TagType.RATING, RATINGS), (TagType.WARNING, WARNINGS), (TagType.CATEGORY, CATEGORIES))
        for tag_type, names in (*fixed, (TagType.MEDIA, MEDIA)):
            for name in names:
                Tag.objects.get_or_create(name=name, defaults={"type": tag_type, "canonical": True})


@pytest.fixture(autouse=True)
def _test_settings(settings: Any) -> None:
    """Fast password hashing and static files without a collectstatic manifest."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()  # the process's memory cache outlives a test: limits, switches and memos start empty
    page_memo.clear()  # guest work pages, keyed by work id: a rolled-back test's ids come back in the next
    guest_frame.clear()
    # A test's database has no site settings row: the defaults, already in the cache as every process has them once
    # warm, so no page's query count depends on being the first to ask.
    switches.publish(switches.Switches())
    # Each hit written once its page has gone out, so a test sees the count at once (tests/works/test_hit_buffer.py
    # drives the buffer the site uses by default).
    settings.FANSHELF_HIT_FLUSH_SECONDS = 0
    # Crawls and browser tests make thousands of requests from one address; tests/core/test_request_rate.py
    # turns the general limit back on.
    settings.FANSHELF_REQUEST_RATE = None
    # Tests post the same story from brand-new accounts again and again, which spam scoring rightly holds;
    # tests/spam/ turns it back on.
    settings.FANSHELF_SPAM_THRESHOLD = 0
    # Live-server threads must not keep PostgreSQL connections open past the test database's teardown.
    for database in settings.DATABASES.values():
        database["CONN_MAX_AGE"] = 0
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_shared_index(settings: Any) -> Iterator[None]:
    """Every listing reads the process's shared discovery index; each test gets its own, built from its own
    database, so no test sees works another test rolled back. Refreshing on every read keeps tests exact."""
    settings.DISCOVERY_REFRESH_SECONDS = 0
    # Count changes applied at once too (tests/discovery/test_stats_without_invalidation.py sets an interval).
    settings.FANSHELF_STATS_REFRESH_SECONDS = 0
    reset_shared_index()
    kept_hits.clear()  # text hits and term sizes another test's works made
    yield
    reset_shared_index()


@pytest.fixture
def client_for(request: pytest.FixtureRequest) -> dict[str, Client]:
    """The viewers' clients, made lazily so each test only creates the accounts it uses: guest, reader, creator
    (the author persona), moderator, and muter (a reader who muted the author persona)."""

    class Clients(dict[str, Client]):
        def __missing__(self, viewer: str) -> Client:
            if viewer == "muter":
                muter = make_user("Lookaway")
                mute(muter, request.getfixturevalue("author"))
                self[viewer] = signed_in_client(muter)
                return self[viewer]
            name = {"guest": "guest", "reader": "reader_client", "creator": "author_client"}.get(
                viewer, "moderator_client"
            )
            client: Client = request.getfixturevalue(name)
            self[viewer] = client
            return client

    return Clients()
