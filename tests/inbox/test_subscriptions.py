"""Subscriptions: new chapters and works reach subscribers' inboxes and email, never more than they may know."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

from django.core import mail
from django.core.management import call_command
from django.test import Client

from fanshelf.accounts.models import User
from fanshelf.inbox.actions import subscribe
from fanshelf.inbox.models import InboxEntry, Subscription
from fanshelf.works.actions import ChapterFields, add_chapter, post_work, set_hidden_by_moderator, set_work_flags
from fanshelf.works.series import add_to_series
from tests.factories import make_user, make_work

Committed = Callable[[], AbstractContextManager[None]]


def subjects(user: User) -> list[str]:
    return list(InboxEntry.objects.filter(user=user).order_by("pk").values_list("subject", flat=True))


def test_a_work_subscriber_hears_of_the_next_chapter_in_the_inbox_and_by_email(
    author: User, reader: User, committed: Committed
) -> None:
    work = make_work(author, title="Salt and Lanterns", expected_chapters=None)
    subscribe(reader, work=work)
    mail.outbox.clear()
    with committed():
        add_chapter(work, ChapterFields(content="The second night the lamp went out, and nobody said a word."), True)
    assert subjects(reader) == ["New chapter of “Salt and Lanterns” (2/?)"]
    assert [message.to for message in mail.outbox] == [[reader.email]]
    assert "/inbox/unsubscribe/" in mail.outbox[0].body
    assert "List-Unsubscribe" in mail.outbox[0].extra_headers
    assert subjects(author) == []


def test_a_draft_chapter_tells_nobody(author: User, reader: User, committed: Committed) -> None:
    work = make_work(author)
    subscribe(reader, work=work)
    with committed():
        add_chapter(work, ChapterFields(content="A draft chapter nobody should hear about before it is posted."), False)
    assert subjects(reader) == []


def test_a_creator_subscriber_hears_of_a_new_work_but_not_of_a_draft(
    author: User, reader: User, committed: Committed
) -> None:
    subscribe(reader, creator=author)
    with committed():
        draft = make_work(author, title="Not Yet", post=False)
    assert subjects(reader) == []
    with committed():
        post_work(draft)
    assert subjects(reader) == [f"New work by {author.username}: “Not Yet”"]


def test_an_anonymous_work_never_tells_a_creators_subscribers_that_it_is_theirs(
    author: User, reader: User, committed: Committed
) -> None:
    subscribe(reader, creator=author)
    with committed():
        make_work(author, title="Masked Ball", anonymous=True)
    assert subjects(reader) == []
    assert mail.outbox == []


def test_a_series_subscriber_hears_of_a_new_work_in_the_series(
    author: User, reader: User, committed: Committed
) -> None:
    first = make_work(author, title="Part One")
    series = add_to_series(first, author, "Lanterns")
    subscribe(reader, series=series)
    with committed():
        make_work(author, title="Part Two", post=False)
        second = make_work(author, title="Part Two and a Half", post=False)
        add_to_series(second, author, "Lanterns")
        post_work(second)
    assert subjects(reader) == [f"New work by {author.username}: “Part Two and a Half”"]


def test_a_hidden_work_announces_nothing(author: User, reader: User, moderator: User, committed: Committed) -> None:
    work = make_work(author, expected_chapters=None)
    subscribe(reader, work=work)
    set_hidden_by_moderator(work, True)
    with committed():
        add_chapter(work, ChapterFields(content="Posted while the work is hidden by a moderator, to nobody."), True)
    assert subjects(reader) == []


def test_a_restricted_work_reaches_subscribers_who_are_all_signed_in(
    author: User, reader: User, committed: Committed
) -> None:
    work = make_work(author, title="Members Only", expected_chapters=None)
    subscribe(reader, work=work)
    set_work_flags(work, restricted=True)
    with committed():
        add_chapter(work, ChapterFields(content="A chapter for signed-in readers, who may all read it."), True)
    assert subjects(reader) == ["New chapter of “Members Only” (2/?)"]


def test_an_hourly_subscriber_gets_one_digest_and_running_it_again_sends_nothing(
    author: User, committed: Committed
) -> None:
    hourly = make_user("hourly", subscription_emails="hourly")
    subscribe(hourly, creator=author)
    with committed():
        make_work(author, title="One")
        make_work(author, title="Two")
    assert mail.outbox == []
    call_command("send_digests")
    assert len(mail.outbox) == 1
    assert "“One”" in mail.outbox[0].body
    assert "“Two”" in mail.outbox[0].body
    call_command("send_digests")
    assert len(mail.outbox) == 1


def test_the_signed_unsubscribe_link_works_without_logging_in(
    author: User, reader: User, guest: Client, committed: Committed
) -> None:
    work = make_work(author, expected_chapters=None)
    subscribe(reader, work=work)
    with committed():
        add_chapter(work, ChapterFields(content="Another chapter, with a link to stop hearing about it."), True)
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/inbox/unsubscribe/" in line)
    path = link[link.index("/inbox/unsubscribe/") :]
    assert guest.get(path).status_code == 200
    assert Subscription.objects.filter(user=reader).exists()
    assert guest.post(path).status_code == 200
    assert not Subscription.objects.filter(user=reader).exists()
    assert guest.get(path[:-3] + "xyz/").status_code == 404


def test_the_subscribe_button_on_the_work_page_subscribes_and_unsubscribes(
    author: User, reader: User, reader_client: Client, guest: Client
) -> None:
    work = make_work(author)
    page = reader_client.get(work.get_absolute_url()).content.decode()
    assert f"/inbox/subscribe/work/{work.pk}/" in page
    assert f"/inbox/subscribe/work/{work.pk}/" not in guest.get(work.get_absolute_url()).content.decode()
    reader_client.post(f"/inbox/subscribe/work/{work.pk}/")
    assert Subscription.objects.filter(user=reader, work=work).exists()
    assert "Unsubscribe" in reader_client.get(work.get_absolute_url()).content.decode()
    reader_client.post(f"/inbox/subscribe/work/{work.pk}/", {"unsubscribe": "1"})
    assert not Subscription.objects.filter(user=reader).exists()


def test_nobody_subscribes_to_a_draft_they_cannot_see(author: User, reader_client: Client) -> None:
    draft = make_work(author, post=False)
    assert reader_client.post(f"/inbox/subscribe/work/{draft.pk}/").status_code == 404


def test_subscribing_to_a_creator_from_their_page(author: User, reader: User, reader_client: Client) -> None:
    assert (
        f"/inbox/subscribe/creator/{author.username}/"
        in reader_client.get(f"/users/{author.username}/").content.decode()
    )
    reader_client.post(f"/inbox/subscribe/creator/{author.username}/")
    assert Subscription.objects.filter(user=reader, creator=author).exists()
