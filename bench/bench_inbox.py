"""Benchmark: the inbox page of a user with 10,000 entries (issue 10, "Speed").

Run with `.venv/bin/python bench/bench_inbox.py [entries] [repeats]`. It makes a throwaway in-memory test database,
posts one work, delivers the entries through the inbox's own action (in bulk: delivering them one by one is not
what is measured), then times the first, a middle and the last page and the unread filter through the test client.
Prints the queries and the best of N wall times per page.
"""

from __future__ import annotations

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanshelf.settings")
os.environ["DATABASE_URL"] = ""  # an in-memory SQLite test database, whatever the environment says
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from fanshelf.accounts.models import User  # noqa: E402
from fanshelf.inbox.actions import Delivery, deliver_to_many  # noqa: E402
from fanshelf.works.actions import ChapterFields, WorkFields, create_work  # noqa: E402


def main(entries: int, repeats: int) -> None:
    setup_test_environment()
    # Pages link the stylesheet; without a collectstatic manifest, name it as the tests do.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    connection.creation.create_test_db(verbosity=0)
    user = User.objects.create_user(username="benchmark", email="bench@example.org", password=None)
    fields = WorkFields(
        title="Inbox Bench",
        pseuds=[user.default_pseud()],
        rating="General Audiences",
        warnings=["No Archive Warnings Apply"],
        fandoms=["Benchmarks"],
    )
    work = create_work(user, fields, ChapterFields(content="A chapter long enough to post. " * 3), post=True)
    for start in range(0, entries, 1000):
        delivery = Delivery("subscription", f"News {start}", url=work.get_absolute_url(), work_id=work.pk)
        deliver_to_many([(user, False)] * min(1000, entries - start), delivery)
    client = Client()
    client.force_login(user)
    last = (entries + 19) // 20
    for label, url in (
        ("first page", "/inbox/"),
        ("middle page", f"/inbox/?page={last // 2}"),
        ("last page", f"/inbox/?page={last}"),
        ("unread filter", "/inbox/?show=unread"),
    ):
        best = float("inf")
        for _ in range(repeats):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                status = client.get(url).status_code
                best = min(best, time.perf_counter() - started)
        if status != 200:
            raise SystemExit(f"{url} answered {status}")
        print(f"{label:14} {entries:>7,} entries  {len(queries):>2} queries  best of {repeats}: {best * 1000:7.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000, int(sys.argv[2]) if len(sys.argv) > 2 else 5)
