"""Moderators see bookmarks in the admin, cannot edit them, and delete them through the action (counts follow)."""

from __future__ import annotations

from django.test import Client

from fanshelf.accounts.models import User
from fanshelf.bookmarks.models import Bookmark
from tests.bookmarks.helpers import bookmark
from tests.factories import make_work

BOOKMARK_ADMIN = "/admin/bookmarks/bookmark/"


def test_a_moderator_sees_a_bookmark_but_cannot_edit_it(moderator_client: Client, author: User, reader: User) -> None:
    mark = bookmark(reader, make_work(author), notes="Abusive words here")
    assert moderator_client.get(BOOKMARK_ADMIN).status_code == 200
    page = moderator_client.get(f"{BOOKMARK_ADMIN}{mark.pk}/change/").content.decode()
    assert "Abusive words here" in page
    assert moderator_client.post(f"{BOOKMARK_ADMIN}{mark.pk}/change/", {"notes": "x"}).status_code == 403


def test_a_bookmark_deleted_in_the_admin_leaves_its_works_count(
    moderator_client: Client, author: User, reader: User
) -> None:
    work = make_work(author)
    mark = bookmark(reader, work)
    response = moderator_client.post(f"{BOOKMARK_ADMIN}{mark.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Bookmark.objects.exists()
    work.refresh_from_db()
    assert work.bookmark_count == 0


def test_readers_cannot_reach_the_bookmark_admin(reader_client: Client) -> None:
    response = reader_client.get(BOOKMARK_ADMIN)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
