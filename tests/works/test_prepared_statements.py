"""On PostgreSQL the statements every page runs are prepared once per connection (settings.py,
FANSHELF_DB_PREPARED_STATEMENTS): the server then plans a guest's work-page lookups once, not on every view."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from fanshelf.accounts.models import User
from tests.factories import make_work


@pytest.mark.django_db
def test_a_work_pages_statements_are_prepared_after_two_views(author: User) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's; SQLite's driver keeps its own statement cache")
    work = make_work(author, title="Harbour Lights", chapters=["The “lamps” were lit — 灯 — אור."])
    guest = Client(REMOTE_ADDR="10.7.0.1")
    for _ in range(3):
        page = guest.get(work.get_absolute_url())
        assert page.status_code == 200
        assert "The “lamps” were lit — 灯 — אור." in page.content.decode()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("works_workchange" in statement for statement in prepared), prepared  # the page's first lookup
