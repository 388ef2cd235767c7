"""The inbox page: comments on one's works and replies, filters, bulk actions, the reply box and the header count,
each entry checked again when shown."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fanshelf.accounts.models import User
from fanshelf.comments import actions as comments
from fanshelf.comments.models import Comment
from fanshelf.inbox.actions import Delivery, deliver
from fanshelf.inbox.models import InboxEntry
from fanshelf.works.actions import set_hidden_by_moderator, set_work_flags
from fanshelf.works.models import Work
from fanshelf.works.related import ParentReference, cite_parent
from tests.factories import make_user, make_work, signed_in_client

Committed = Callable[[], AbstractContextManager[None]]


def comment_on(work: Work, by: User, text: str, committed: Committed, parent: Comment | None = None) -> Comment:
    with committed():
        return comments.post_comment(work, text, user=by, pseud=by.default_pseud(), parent=parent)


def inbox_of(client: Client, query: str = "") -> str:
    response = client.get(f"/inbox/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_a_comment_on_my_work_lands_in_my_inbox_and_email(
    author: User, reader: User, author_client: Client, committed: Committed
) -> None:
    work = make_work(author, title="Salt and Lanterns")
    comment_on(work, reader, "<p>The lighthouse scene made me cry.</p>", committed)
    page = inbox_of(author_client)
    assert f"{reader.username} commented on “Salt and Lanterns”" in page
    assert "The lighthouse scene made me cry." in page
    assert [message.to for message in mail.outbox] == [[author.email]]


def test_the_header_shows_the_unread_count_to_signed_in_people_only(
    author: User, reader: User, author_client: Client, guest: Client, committed: Committed
) -> None:
    work = make_work(author)
    comment_on(work, reader, "First!", committed)
    comment_on(work, reader, "Second!", committed)
    header = author_client.get("/").content.decode()
    assert 'Inbox <span class="badge">2<' in header
    assert "/inbox/" not in guest.get("/").content.decode()


def test_a_reply_to_my_comment_reaches_me_and_the_creator_hears_of_the_comment_only(
    author: User, reader: User, committed: Committed
) -> None:
    work = make_work(author, title="Salt and Lanterns")
    mine = comment_on(work, reader, "Will the keeper come back?", committed)
    comment_on(work, author, "Wait for chapter two!", committed, parent=mine)
    replies = InboxEntry.objects.filter(user=reader)
    assert [entry.subject for entry in replies] == [f"{author.username} replied to your comment on “Salt and Lanterns”"]
    assert InboxEntry.objects.filter(user=author).count() == 1  # the first comment, not their own reply


def test_no_reply_emails_when_the_preference_is_off(author: User, committed: Committed) -> None:
    quiet = make_user("quiet", reply_emails=False)
    work = make_work(author)
    mine = comment_on(work, quiet, "A question for the author.", committed)
    mail.outbox.clear()
    comment_on(work, author, "An answer for the reader.", committed, parent=mine)
    assert InboxEntry.objects.filter(user=quiet, kind="reply").count() == 1
    assert mail.outbox == []


def test_a_held_comment_asks_the_creator_and_the_reply_reaches_its_parent_only_once_approved(
    author: User, reader: User, committed: Committed
) -> None:
    work = make_work(author, title="Salt and Lanterns", moderate_comments=True)
    asker = make_user("asker")
    top = comment_on(work, author, "Tell me what you think.", committed)  # a creator's comment is not held
    with committed():
        asked = comments.post_comment(work, "What do you all think?", user=asker, pseud=asker.default_pseud())
        asked = comments.approve_comment(asked, author)
    held = comment_on(work, reader, "Here is what I think.", committed, parent=asked)
    assert f"{reader.username} left a comment on “Salt and Lanterns” awaiting your approval" in [
        entry.subject for entry in InboxEntry.objects.filter(user=author)
    ]
    assert not InboxEntry.objects.filter(user=asker).exists()
    with committed():
        comments.approve_comment(held, author)
    assert [entry.kind for entry in InboxEntry.objects.filter(user=asker)] == ["reply"]
    assert top.pk


def test_entries_about_a_work_hidden_since_say_only_that_it_can_no_longer_be_seen(
    author: User, reader: User, committed: Committed
) -> None:
    work = make_work(author, title="Salt and Lanterns")
    mine = comment_on(work, reader, "Lovely.", committed)
    comment_on(work, author, "The keeper's secret is in chapter two.", committed, parent=mine)
    set_hidden_by_moderator(work, True)
    page = inbox_of(signed_in_client(reader))
    assert "A work you can no longer see" in page
    assert "Salt and Lanterns" not in page
    assert "keeper's secret" not in page


def test_a_citation_of_my_work_lands_in_my_inbox_and_hides_names_once_the_child_turns_anonymous(
    author: User, reader: User, author_client: Client
) -> None:
    parent = make_work(author, title="Salt and Lanterns")
    child = make_work(reader, title="Lanterns Read Aloud")
    cite_parent(child, reader, ParentReference(url=parent.get_absolute_url(), kind="podfic"))
    assert f"“Lanterns Read Aloud” by {reader.username} cites your work" in inbox_of(author_client)
    set_work_flags(child, anonymous=True)
    page = inbox_of(author_client)
    assert reader.username not in page.split("<main", 1)[1]
    assert "“Lanterns Read Aloud” cites one of your works" in page


def test_filters_and_bulk_mark_read_and_delete(author: User, author_client: Client) -> None:
    first, second = (deliver(author, Delivery("subscription", f"News {n}")) for n in (1, 2))
    author_client.post("/inbox/bulk/", {"action": "read", "entries": [first.pk]})
    assert "News 1" not in inbox_of(author_client, "?show=unread")
    assert "News 2" in inbox_of(author_client, "?show=unread")
    assert "News 1" in inbox_of(author_client, "?show=read")
    author_client.post("/inbox/bulk/", {"action": "delete", "entries": [second.pk]})
    assert list(InboxEntry.objects.values_list("subject", flat=True)) == ["News 1"]


def test_nobody_marks_or_deletes_someone_elses_entries(author: User, reader_client: Client) -> None:
    entry = deliver(author, Delivery("subscription", "Private news"))
    reader_client.post("/inbox/bulk/", {"action": "delete", "entries": [entry.pk]})
    assert InboxEntry.objects.filter(pk=entry.pk).exists()


def test_a_bulk_action_with_nothing_ticked_or_a_bad_id_says_what_to_fix(author: User, author_client: Client) -> None:
    response = author_client.post("/inbox/bulk/", {"action": "read"}, follow=True)
    assert "Tick at least one entry." in response.content.decode()
    response = author_client.post("/inbox/bulk/", {"action": "read", "entries": ["٣"]}, follow=True)
    assert response.status_code == 200
    assert "Use the digits 0-9" in response.content.decode()


def test_the_reply_box_posts_a_reply_and_marks_the_entry_replied(
    author: User, reader: User, author_client: Client, committed: Committed
) -> None:
    work = make_work(author)
    mine = comment_on(work, reader, "Is there more?", committed)
    entry = InboxEntry.objects.get(user=author)
    with committed():
        author_client.post(f"/inbox/{entry.pk}/reply/", {"text": "Yes, next week!"})
    assert Comment.objects.filter(parent=mine, user=author).exists()
    entry.refresh_from_db()
    assert entry.replied
    assert entry.read
    assert "Is there more?" in inbox_of(author_client, "?show=replied")
    assert InboxEntry.objects.filter(user=reader, kind="reply").exists()


def test_the_guest_is_sent_to_log_in(guest: Client) -> None:
    assert guest.get("/inbox/").status_code == 302


def test_the_inbox_page_costs_the_same_queries_for_one_entry_as_for_a_full_page(
    author: User, reader: User, author_client: Client, committed: Committed
) -> None:
    work = make_work(author)
    comment_on(work, reader, "One.", committed)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            inbox_of(author_client)
        return len(queries)

    one = count()
    for n in range(24):
        comment_on(work, reader, f"Comment {n}.", committed)
    assert count() == one


def test_the_comment_digest_sends_once_a_day(author: User, reader: User, committed: Committed) -> None:
    author.comment_emails = "digest"
    author.save(update_fields=["comment_emails"])
    work = make_work(author, title="Salt and Lanterns")
    comment_on(work, reader, "Lovely.", committed)
    comment_on(work, reader, "Still lovely.", committed)
    assert mail.outbox == []
    call_command("send_digests")
    call_command("send_digests")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].body.count("commented on") == 2


def test_a_creator_replying_on_their_anonymous_work_stays_anonymous_in_the_readers_inbox_and_email(
    author: User, reader: User, committed: Committed
) -> None:
    work = make_work(author, title="Masked Ball", anonymous=True)
    mine = comment_on(work, reader, "Who wrote this?", committed)
    mail.outbox.clear()
    comment_on(work, author, "A secret!", committed, parent=mine)
    page = inbox_of(signed_in_client(reader))
    assert "Anonymous (creator of the work) replied to your comment" in page
    assert author.username not in page.split("<main", 1)[1]
    assert author.username not in mail.outbox[0].body
