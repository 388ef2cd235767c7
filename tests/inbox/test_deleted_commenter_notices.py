"""Notices of a deleted account's comments and works: other people's inboxes (and their pending digest emails) stop
naming it, and quote a comment only while the comment itself stays."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from fanshelf.accounts.actions import PseudFields, create_pseud, delete_account
from fanshelf.accounts.models import User
from fanshelf.comments import actions as comments
from fanshelf.comments.models import Comment
from fanshelf.inbox.actions import subscribe
from fanshelf.inbox.models import InboxEntry
from fanshelf.works.actions import set_work_flags
from fanshelf.works.models import Work
from tests.factories import make_user, make_work

Committed = Callable[[], AbstractContextManager[None]]


def comment_on(work: Work, by: User, text: str, committed: Committed, parent: Comment | None = None) -> Comment:
    with committed():
        pseud = by.pseuds.order_by("-pk").first()
        return comments.post_comment(work, text, user=by, pseud=pseud, parent=parent)


def inbox_of(client: Client) -> str:
    response = client.get("/inbox/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_kept_comment_is_signed_deleted_account_in_the_creators_inbox_and_still_quoted(
    author: User, author_client: Client, committed: Committed
) -> None:
    leaver = make_user("driftwood")
    create_pseud(leaver, PseudFields(name="Ветер над заливом"))
    work = make_work(author, title="Salt and Lanterns")
    comment_on(work, leaver, "The “lighthouse” chapter — 灯台 — was lovely.", committed)
    assert "Ветер над заливом commented on “Salt and Lanterns”" in inbox_of(author_client)

    delete_account(leaver, works="delete")

    page = inbox_of(author_client)
    assert "Ветер над заливом" not in page
    assert "(deleted account) commented on “Salt and Lanterns”" in page
    assert "The “lighthouse” chapter — 灯台 — was lovely." in page
    assert "Ветер" not in " ".join(InboxEntry.objects.values_list("subject", flat=True))


def test_comments_deleted_with_the_account_are_no_longer_quoted_anywhere(
    author: User, reader: User, author_client: Client, reader_client: Client, committed: Committed
) -> None:
    leaver = make_user("driftwood")
    create_pseud(leaver, PseudFields(name="Tidepool"))
    work = make_work(author, title="Salt and Lanterns")
    question = comment_on(work, reader, "Will there be a sequel?", committed)
    comment_on(work, leaver, "Gulls everywhere, wonderful.", committed)
    answer = comment_on(work, leaver, "I hope so: the harbour needs one.", committed, parent=question)
    comment_on(work, reader, "Agreed!", committed, parent=answer)  # keeps the answer as "(Previous comment deleted.)"

    delete_account(leaver, works="delete", delete_comments=True)

    stored = list(InboxEntry.objects.values_list("subject", "excerpt"))
    assert not [row for row in stored if "Tidepool" in row[0] or "Gulls" in row[1] or "harbour" in row[1]]
    assert "(deleted account) commented on “Salt and Lanterns”" in inbox_of(author_client)
    assert "(deleted account) replied to your comment on “Salt and Lanterns”" in inbox_of(reader_client)


def test_an_anonymous_creators_reply_stays_anonymous_when_the_account_goes(
    reader: User, reader_client: Client, committed: Committed
) -> None:
    leaver = make_user("driftwood")
    work = make_work(leaver, title="Unsigned Letters")
    set_work_flags(work, anonymous=True)
    question = comment_on(work, reader, "Who wrote this?", committed)
    comment_on(work, leaver, "A friend.", committed, parent=question)

    delete_account(leaver, works="orphan")

    page = inbox_of(reader_client)
    assert "Anonymous (creator of the work) replied to your comment on “Unsigned Letters”" in page
    assert "(deleted account)" not in page
    assert "driftwood" not in page


def test_a_pending_comment_digest_names_the_deleted_account_no_more(db: None, committed: Committed) -> None:
    creator = make_user("harbourmaster", comment_emails="digest")
    leaver = make_user("driftwood")
    create_pseud(leaver, PseudFields(name="Tidepool"))
    comment_on(make_work(creator, title="Salt and Lanterns"), leaver, "Lovely gulls.", committed)

    delete_account(leaver, works="delete")
    mail.outbox.clear()
    call_command("send_digests")

    [digest] = [message for message in mail.outbox if message.to == [creator.email]]
    assert "(deleted account) commented on “Salt and Lanterns”" in digest.body
    assert "Tidepool" not in digest.body
    assert "driftwood" not in digest.body


@pytest.mark.parametrize("keep_names", [False, True])
def test_a_new_work_notice_names_an_orphaning_account_only_if_the_work_keeps_the_name(
    reader: User, reader_client: Client, committed: Committed, keep_names: bool
) -> None:
    leaver = make_user("driftwood")
    tidepool = create_pseud(leaver, PseudFields(name="Tidepool"))
    subscribe(reader, creator=leaver)
    with committed():
        make_work(leaver, title="Gull Song", pseuds=[tidepool])
    assert "New work by Tidepool: “Gull Song”" in inbox_of(reader_client)

    delete_account(leaver, works="orphan", keep_names=keep_names)

    page = inbox_of(reader_client)
    if keep_names:  # the work still shows "Tidepool (orphan_account)"
        assert "New work by Tidepool: “Gull Song”" in page
    else:
        assert "New work: “Gull Song”" in page
        assert "Tidepool" not in page
