"""One moderator predicate (accounts.models.is_moderator), asked by querysets, actions, the admin and templates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import fanshelf
from fanshelf.works.actions import set_hidden_by_moderator
from tests.factories import make_user, make_work

pytestmark = pytest.mark.django_db


def test_a_superuser_without_the_staff_flag_is_a_moderator_on_every_page() -> None:
    work = make_work(make_user("Inkwell"), title="Under the Pier")
    set_hidden_by_moderator(work, hidden=True)
    client = Client()
    client.force_login(make_user("Keystone", is_superuser=True))
    home = client.get("/").content.decode()
    assert ">Wrangling</a>" in home
    assert client.get(f"/works/{work.pk}/").status_code == 200


def test_a_moderators_page_asks_no_query_to_know_they_moderate() -> None:
    staff, reader = make_user("Lanternist", is_staff=True), make_user("Bookworm")
    counts = []
    for user in (staff, reader):
        client = Client()
        client.force_login(user)
        client.get("/accounts/password/change/")  # a warm process: the site switches are in the cache
        with CaptureQueriesContext(connection) as queries:
            client.get("/accounts/password/change/")
        counts.append(len(queries))
    # The reader's page asks whether they wrangle anything; the moderator's needs not.
    assert counts[0] < counts[1]


def test_no_module_restates_who_moderates() -> None:
    root = Path(fanshelf.__file__).parent
    restated = re.compile(r"\.is_staff\b")
    allowed = {root / "accounts" / "models.py"}
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for path in sorted([*root.rglob("*.py"), *root.rglob("*.html")])
        if path not in allowed and "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if restated.search(line)
    ]
    assert not offenders, offenders
