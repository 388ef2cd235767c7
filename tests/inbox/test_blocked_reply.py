"""The inbox's Reply box and blocks: someone who blocked the reader (as the comment's author or a creator of its
work) closes that comment to them, so the inbox offers no box whose posting would be refused."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fanshelf.accounts.blocking import block
from fanshelf.accounts.models import User
from fanshelf.comments import actions as comments
from fanshelf.comments.models import Comment
from fanshelf.inbox.models import InboxEntry
from fanshelf.works.models import Work
from tests.factories import make_user, make_work

Committed = Callable[[], AbstractContextManager[None]]
REPLY_BOX = '<details class="reply">'


def comment_on(work: Work, by: User, text: str, committed: Committed, parent: Comment | None = None) -> Comment:
    with committed():
        return comments.post_comment(work, text, user=by, pseud=by.default_pseud(), parent=parent)


def inbox_of(client: Client) -> str:
    response = client.get("/inbox/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_reply_from_a_creator_who_then_blocked_me_shows_no_reply_box_and_posting_is_turned_away_politely(
    author: User, reader: User, reader_client: Client, committed: Committed
) -> None:
    work = make_work(author, title="Salt Roads")
    question = comment_on(work, reader, "Will the ferry come back?", committed)
    comment_on(work, author, "Perhaps “next spring”…", committed, parent=question)
    entry = InboxEntry.objects.get(user=reader, kind="reply")
    assert REPLY_BOX in inbox_of(reader_client)

    block(author, reader)
    page = inbox_of(reader_client)
    assert "Perhaps “next spring”…" in page  # the entry stays, only the box goes
    assert REPLY_BOX not in page
    answer = reader_client.post(f"/inbox/{entry.pk}/reply/", {"text": "Thank you!"}, follow=True)
    assert answer.status_code == 200
    assert "That comment can no longer be answered." in answer.content.decode()
    assert Comment.objects.filter(user=reader).count() == 1


def test_a_comment_by_someone_who_blocked_me_on_my_own_work_shows_no_reply_box(
    reader: User, reader_client: Client, committed: Committed
) -> None:
    mine = make_work(reader, title="Lantern Hours")
    visitor = make_user("lanternfan")
    comment_on(mine, visitor, "كان هذا جميلا", committed)  # right-to-left text survives too
    assert REPLY_BOX in inbox_of(reader_client)
    block(visitor, reader)
    page = inbox_of(reader_client)
    assert "كان هذا جميلا" in page
    assert REPLY_BOX not in page


def test_a_block_by_someone_else_leaves_the_reply_box_and_the_page_costs_no_query_per_entry(
    author: User, reader: User, reader_client: Client, committed: Committed
) -> None:
    stranger = make_user("stranger")
    work = make_work(author)
    question = comment_on(work, reader, "One?", committed)
    comment_on(work, author, "Two.", committed, parent=question)
    block(stranger, reader)  # not the author: replies stay open

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert REPLY_BOX in inbox_of(reader_client)
        return len(queries)

    one = count()
    for n in range(10):
        comment_on(work, author, f"Answer {n}.", committed, parent=question)
    assert count() == one
