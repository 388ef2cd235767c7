"""The daily kudos digest: one email per creator listing the day's kudos, sent once however often cron runs."""

from __future__ import annotations

from django.core import mail
from django.core.management import call_command

from fanshelf.accounts.models import User
from fanshelf.community.actions import leave_kudos
from tests.factories import make_user, make_work


def test_a_creator_gets_one_email_listing_the_days_kudos_and_a_second_run_sends_nothing(
    author: User, reader: User
) -> None:
    work = make_work(author, title="Salt and Lanterns")
    leave_kudos(work, reader, "")
    leave_kudos(work, None, "guest-key-1")
    mail.outbox.clear()
    call_command("send_digests")
    assert [message.to for message in mail.outbox] == [[author.email]]
    assert f"“Salt and Lanterns”: 2 kudos from {reader.username}, a guest" in mail.outbox[0].body
    call_command("send_digests")
    assert len(mail.outbox) == 1


def test_no_kudos_digest_for_a_creator_who_turned_it_off(reader: User) -> None:
    quiet = make_user("quietcreator", kudos_digest=False)
    leave_kudos(make_work(quiet), reader, "")
    mail.outbox.clear()
    call_command("send_digests")
    assert mail.outbox == []
