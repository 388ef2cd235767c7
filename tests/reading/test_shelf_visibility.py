"""Who sees what on a public shelf: every viewer against a shelved work that later becomes restricted, anonymous or
hidden (tests/test_visibility.py's matrix, for shelves)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.reading.actions import set_shelf_public, shelve
from fanshelf.works.actions import set_hidden_by_moderator, set_work_flags
from tests.core.pages import parse, text_of
from tests.factories import make_user, make_work
from tests.test_visibility import CREATOR_NAME, LISTED_FOR, MAY_KNOW_CREATOR, VIEWERS

pytestmark = pytest.mark.django_db
STATES = ["public", "restricted", "anonymous", "hidden"]


@pytest.mark.parametrize(("viewer", "state"), [(v, s) for v in VIEWERS for s in STATES])
def test_a_public_shelf_lists_a_work_only_to_those_it_is_listed_for(
    viewer: str, state: str, author: User, client_for: dict[str, Client]
) -> None:
    shelver = make_user("Shelf_Keeper")
    work = make_work(author, title="Shelved Lanterns")
    shelve(shelver, work, "finished")
    set_shelf_public(shelver, "finished", True)
    if state == "hidden":
        set_hidden_by_moderator(work, hidden=True)
    elif state != "public":
        flags: dict[str, Any] = {state: True}
        set_work_flags(work, **flags)
    page = client_for[viewer].get(reverse("reading:shelf", args=[shelver.username, "finished"])).content.decode()
    titles = [a.get_text() for a in parse(page).select("li.blurb h3 a[href^='/works/']")]
    listed = viewer in LISTED_FOR[state]
    assert titles == (["Shelved Lanterns"] if listed else [])
    if listed and state == "anonymous" and viewer not in MAY_KNOW_CREATOR:
        assert CREATOR_NAME not in page
        assert "Anonymous" in text_of(page)


def test_nobody_shelves_a_draft_or_a_work_they_may_not_open(author: User, reader: User) -> None:
    draft = make_work(author, title="Unposted", post=False)
    hidden = make_work(author, title="Hidden")
    set_hidden_by_moderator(hidden, hidden=True)
    for work in (draft, hidden):
        with pytest.raises(ValidationError):
            shelve(reader, work, "to-read")
