"""Guests may ask to be emailed replies to their comment; their address is used for nothing else (issue 10)."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.comments import actions
from fanshelf.comments.actions import stop_replies_token
from fanshelf.comments.models import Comment
from fanshelf.works.actions import WorkFields, update_work
from fanshelf.works.models import Work
from tests.factories import make_work

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[object]]
WREN = "wren.private@example.org"


def guest_comment(work: Work, *, asks: bool, email: str = WREN, parent: Comment | None = None) -> Comment:
    return actions.post_comment(
        work, "I loved the lighthouse.", user=None, guest_name="Wren", guest_email=email,
        guest_wants_replies=asks, parent=parent,
    )  # fmt: skip


def reply(work: Work, by: User, parent: Comment, capture: Capture, text: str = "Thank you, Wren!") -> Comment:
    with capture(execute=True):
        return actions.post_comment(work, text, user=by, pseud=by.default_pseud(), parent=parent)


def mails_to_wren() -> list[mail.EmailMessage]:
    return [message for message in mail.outbox if WREN in message.to]


def test_a_guest_who_asked_is_emailed_the_reply_text_and_a_link(
    open_work: Work, author: User, django_capture_on_commit_callbacks: Capture
) -> None:
    parent = guest_comment(open_work, asks=True)
    answer = reply(open_work, author, parent, django_capture_on_commit_callbacks)
    [message] = mails_to_wren()
    assert "replied to your comment" in message.subject
    assert "Thank you, Wren!" in message.body
    assert answer.get_absolute_url() in message.body
    assert WREN not in message.body


def test_a_guest_who_did_not_ask_gets_no_email(
    open_work: Work, author: User, django_capture_on_commit_callbacks: Capture
) -> None:
    parent = guest_comment(open_work, asks=False)
    reply(open_work, author, parent, django_capture_on_commit_callbacks)
    assert mails_to_wren() == []


def test_a_held_reply_reaches_the_guest_only_once_approved(
    author: User, reader: User, django_capture_on_commit_callbacks: Capture
) -> None:
    work = make_work(author, comment_permission="anyone", moderate_comments=True)
    with django_capture_on_commit_callbacks(execute=True):
        parent = actions.approve_comment(guest_comment(work, asks=True), author)
    held = reply(work, reader, parent, django_capture_on_commit_callbacks)
    assert mails_to_wren() == []
    with django_capture_on_commit_callbacks(execute=True):
        actions.approve_comment(held, author)
    assert len(mails_to_wren()) == 1


def test_a_guest_replying_in_their_own_thread_is_not_emailed_about_it(
    open_work: Work, django_capture_on_commit_callbacks: Capture
) -> None:
    parent = guest_comment(open_work, asks=True)
    with django_capture_on_commit_callbacks(execute=True):
        guest_comment(open_work, asks=True, email=WREN.upper(), parent=parent)
    assert mails_to_wren() == []


def test_no_email_tells_a_guest_about_a_work_they_may_no_longer_read(
    open_work: Work, author: User, django_capture_on_commit_callbacks: Capture
) -> None:
    parent = guest_comment(open_work, asks=True)
    locked = WorkFields(
        title=open_work.title, pseuds=[author.default_pseud()], rating="General Audiences",
        warnings=["No Archive Warnings Apply"], fandoms=["Tidewater Chronicles"], restricted=True,
    )  # fmt: skip
    update_work(open_work, author, locked)
    open_work.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        actions.post_comment(open_work, "Hidden now", user=author, pseud=author.default_pseud(), parent=parent)
    assert mails_to_wren() == []


def test_guests_see_the_email_me_replies_box_and_ticking_it_is_remembered(open_work: Work, guest: Client) -> None:
    page = guest.get(open_work.get_absolute_url()).content.decode()
    assert "Email me replies to this comment" in page
    guest.post(
        f"/works/{open_work.pk}/comments/new/",
        {"guest_name": "Wren", "guest_email": WREN, "guest_wants_replies": "on", "text": "Wonderful."},
    )
    assert Comment.objects.get(work=open_work).guest_wants_replies


def test_signed_in_readers_are_not_offered_the_guest_box(open_work: Work, reader_client: Client) -> None:
    page = reader_client.get(open_work.get_absolute_url()).content.decode()
    assert "Email me replies to this comment" not in page


def test_the_guest_address_appears_on_no_page_even_after_replies(
    open_work: Work, author: User, guest: Client, author_client: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    parent = guest_comment(open_work, asks=True)
    answer = reply(open_work, author, parent, django_capture_on_commit_callbacks)
    for client in (guest, author_client):
        for url in (open_work.get_absolute_url(), answer.get_absolute_url(), f"/comments/{parent.pk}/reply/"):
            assert WREN not in client.get(url, follow=True).content.decode()


def test_the_creator_of_an_anonymous_work_stays_anonymous_in_the_guest_email(
    author: User, django_capture_on_commit_callbacks: Capture
) -> None:
    work = make_work(author, comment_permission="anyone", anonymous=True)
    reply(work, author, guest_comment(work, asks=True), django_capture_on_commit_callbacks)
    [message] = mails_to_wren()
    assert "Anonymous (creator of the work)" in message.subject
    assert author.default_pseud().name not in f"{message.subject} {message.body}"


def test_the_link_in_a_guests_reply_email_stops_further_emails(
    open_work: Work, author: User, reader: User, guest: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    parent = guest_comment(open_work, asks=True)
    reply(open_work, author, parent, django_capture_on_commit_callbacks)
    [message] = mails_to_wren()
    link = re.search(r"Stop emails about replies to your comment: (\S+)", str(message.body))
    assert link is not None
    path = urlsplit(link.group(1)).path
    page = guest.get(path)  # opening the link (a mail scanner may) changes nothing
    assert page.status_code == 200
    parent.refresh_from_db()
    assert parent.guest_wants_replies
    assert guest.post(path).status_code == 200
    parent.refresh_from_db()
    assert not parent.guest_wants_replies
    reply(open_work, reader, parent, django_capture_on_commit_callbacks)
    assert len(mails_to_wren()) == 1  # nothing new


def test_a_forged_or_borrowed_stop_link_is_not_found(open_work: Work, guest: Client) -> None:
    first, second = guest_comment(open_work, asks=True), guest_comment(open_work, asks=True)
    borrowed = reverse("comments:stop_replies", args=[second.pk, stop_replies_token(first)])
    forged = reverse("comments:stop_replies", args=[first.pk, "1:forged"])
    assert guest.post(borrowed).status_code == 404
    assert guest.post(forged).status_code == 404
    second.refresh_from_db()
    assert second.guest_wants_replies
