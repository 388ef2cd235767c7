"""Every viewer against every kind of work (tests/test_visibility.py's matrix) on the bookmark pages: a bookmark
shows only where its work is listed for the viewer, and never names an anonymous work's creator."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.works.actions import set_hidden_by_moderator, set_work_flags
from tests.bookmarks.helpers import bookmark
from tests.core.pages import text_of
from tests.factories import make_user, make_work
from tests.test_visibility import CREATOR_NAME, FANDOM, LISTED_FOR, MAY_KNOW_CREATOR, MAY_OPEN, TITLE, VIEWERS

NOTE = "A bookmark note about the lanterns"
STATES = ["public", "restricted", "anonymous", "hidden"]  # a draft can't be bookmarked (test_bookmarking.py)
matrix = pytest.mark.parametrize(("viewer", "state"), [(v, s) for v in VIEWERS for s in STATES])


@matrix
def test_bookmark_pages_show_a_bookmark_only_where_its_work_is_listed(
    viewer: str, state: str, author: User, client_for: dict[str, Client]
) -> None:
    make_work(author, title="Another Saltmarsh Story", fandoms=[FANDOM])  # keeps the fandom tag public
    work = make_work(author, title=TITLE, fandoms=[FANDOM])
    bookmarker = make_user("Seafarer")
    bookmark(bookmarker, work, notes=NOTE)
    if state == "hidden":
        set_hidden_by_moderator(work, hidden=True)
    elif state != "public":
        flags: dict[str, Any] = {state: True}
        set_work_flags(work, **flags)
    client = client_for[viewer]
    listed = viewer in LISTED_FOR[state]
    for path in (reverse("bookmarks:user", args=["Seafarer"]), reverse("bookmarks:tag", args=[FANDOM])):
        page = client.get(path).content.decode()
        assert (NOTE in page) is listed, path
        assert ("1 Bookmark" in text_of(page)) is listed, path
        if listed and state == "anonymous" and viewer not in MAY_KNOW_CREATOR:
            assert CREATOR_NAME not in page, path
    response = client.get(reverse("bookmarks:work", args=[work.pk]))
    if viewer in MAY_OPEN[state]:
        assert response.status_code == 200
        assert (NOTE in response.content.decode()) is listed
    elif viewer == "guest" and state == "restricted":
        assert response.status_code == 302
    else:
        assert response.status_code == 404
