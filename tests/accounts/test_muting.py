"""Muting (issue 11, "Block and mute"): a muted person's comments, bookmarks and series leave what the muter sees,
and only what the muter sees. (Their works leave the muter's listings through the discovery engine:
tests/discovery/test_mutes_in_listings.py.)"""

from __future__ import annotations

import html

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from fanshelf.accounts import blocking
from fanshelf.accounts import models as account_models
from fanshelf.accounts.models import Mute, User
from fanshelf.bookmarks.actions import BookmarkFields, bookmark_work
from fanshelf.comments import actions as comment_actions
from fanshelf.comments import threads
from fanshelf.comments.models import SHOWN_LEVELS, Comment
from fanshelf.works.models import Work
from fanshelf.works.series import add_to_series
from tests.factories import make_user, make_work, signed_in_client

pytestmark = pytest.mark.django_db
PLACEHOLDER = "(A comment from someone you muted.)"


def say(work: Work, by: User, text: str, parent: Comment | None = None) -> Comment:
    return comment_actions.post_comment(work, text, user=by, pseud=by.default_pseud(), parent=parent)


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.fixture
def troll(db: None) -> User:
    return make_user("Bilgewater")


def test_muted_user_ids_follows_mutes_and_is_empty_for_guests(reader: User, troll: User, guest: Client) -> None:
    assert blocking.muted_user_ids(reader) == frozenset()
    blocking.mute(reader, troll)
    assert blocking.muted_user_ids(reader) == frozenset({troll.pk})
    assert blocking.muted_user_ids(AnonymousUser()) == frozenset()
    assert blocking.muted_user_ids(troll) == frozenset()  # the muted person's own view is untouched
    blocking.unmute(reader, troll)
    assert blocking.muted_user_ids(reader) == frozenset()


def test_a_reader_mutes_someone_from_their_profile_and_unmutes_them_from_the_list(
    reader: User, troll: User, reader_client: Client
) -> None:
    profile = reverse("accounts:dashboard", args=[troll.username])
    reader_client.post(reverse("accounts:mute", args=[troll.username]), {"next": profile})
    assert Mute.objects.filter(muter=reader, muted=troll).exists()
    assert "Unmute" in page(reader_client, profile)
    listing = page(reader_client, reverse("accounts:muted", args=[reader.username]))
    assert troll.username in listing
    reader_client.post(reverse("accounts:unmute", args=[troll.username]))
    assert not Mute.objects.exists()


def test_the_mute_limit_is_refused_with_a_message(
    reader: User, reader_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(account_models, "MUTE_LIMIT", 1)
    blocking.mute(reader, make_user("Foghorn"))
    other = make_user("Rainsqualls")
    response = reader_client.post(reverse("accounts:mute", args=[other.username]), follow=True)
    text = html.unescape(response.content.decode())
    assert "You have muted 1 people, the most anyone can. Unmute someone first to make room." in text
    assert not Mute.objects.filter(muted=other).exists()


def test_a_muted_persons_comment_vanishes_for_the_muter_only(
    author: User, reader: User, troll: User, reader_client: Client, author_client: Client, guest: Client
) -> None:
    work = make_work(author, comment_permission="anyone")
    say(work, troll, "Rude remark about lighthouses")
    say(work, make_user("Seafarer"), "Kind words about the tide")
    blocking.mute(reader, troll)
    muter_view = page(reader_client, work.get_absolute_url())
    assert "Rude remark" not in muter_view
    assert troll.username not in muter_view
    assert PLACEHOLDER not in muter_view
    assert "Kind words" in muter_view
    for other in (author_client, guest):
        assert "Rude remark" in page(other, work.get_absolute_url())


def test_a_muted_comment_others_replied_to_stays_as_a_placeholder_without_name_or_text(
    author: User, reader: User, troll: User, reader_client: Client
) -> None:
    work = make_work(author)
    root = say(work, troll, "Provocative opening")
    say(work, make_user("Seafarer"), "A patient answer", parent=root)
    blocking.mute(reader, troll)
    view = page(reader_client, work.get_absolute_url())
    assert PLACEHOLDER in view
    assert "A patient answer" in view
    assert "Provocative opening" not in view
    assert troll.username not in view
    assert reverse("comments:reply", args=[root.pk]) not in view


def test_a_muted_persons_replies_vanish_from_threads_and_thread_pages(
    author: User, reader: User, troll: User, reader_client: Client
) -> None:
    work = make_work(author)
    friend = make_user("Seafarer")
    parent = say(work, friend, "First")
    for depth in range(SHOWN_LEVELS + 1):
        parent = say(work, friend if depth % 2 else author, f"Level {depth}", parent=parent)
    say(work, troll, "Sneaky deep reply", parent=parent)
    start = Comment.objects.filter(depth=SHOWN_LEVELS - 1).get()
    say(work, troll, "Sneaky shallow reply", parent=Comment.objects.get(depth=0))
    blocking.mute(reader, troll)
    assert "Sneaky shallow reply" not in page(reader_client, work.get_absolute_url())
    thread = page(reader_client, reverse("comments:thread", args=[start.pk]))
    assert f"Level {SHOWN_LEVELS}" in thread
    assert "Sneaky deep reply" not in thread
    assert "Sneaky deep reply" in page(signed_in_client(friend), reverse("comments:thread", args=[start.pk]))


def test_muted_threads_leave_the_page_count_so_pages_stay_full(
    author: User, reader: User, troll: User, reader_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(threads, "PER_PAGE", 2)
    work = make_work(author)
    for number in range(3):
        say(work, troll, f"Noise {number}")
    say(work, make_user("Seafarer"), "Signal one")
    say(work, make_user("Deckhand"), "Signal two")
    blocking.mute(reader, troll)
    view = page(reader_client, work.get_absolute_url())
    assert "Signal one" in view
    assert "Signal two" in view
    assert "Page 1 of" not in view  # two threads left: one page, no pager
    assert "Page 1 of 3" in page(signed_in_client(author), work.get_absolute_url())


def test_a_muted_persons_bookmarks_vanish_from_listings_and_their_counts(
    author: User, reader: User, troll: User, reader_client: Client, guest: Client
) -> None:
    work = make_work(author)
    fan = make_user("Seafarer")
    bookmark_work(troll, work, BookmarkFields(pseud=troll.default_pseud(), notes="Troll's note"))
    bookmark_work(fan, work, BookmarkFields(pseud=fan.default_pseud(), notes="A fan's note"))
    blocking.mute(reader, troll)
    listing = page(reader_client, reverse("bookmarks:work", args=[work.pk]))
    assert "Troll's note" not in listing
    assert "A fan's note" in listing
    assert "1 Bookmark" in listing
    assert "2 Bookmarks" in page(guest, reverse("bookmarks:work", args=[work.pk]))
    assert "Troll's note" not in page(reader_client, reverse("bookmarks:user", args=[troll.username]))


def test_bookmarks_of_a_muted_creators_works_vanish_but_the_muters_own_stay(
    author: User, reader: User, troll: User, reader_client: Client
) -> None:
    theirs = make_work(troll, title="Troll's Tale")
    fan = make_user("Seafarer")
    bookmark_work(fan, theirs, BookmarkFields(pseud=fan.default_pseud(), notes="A fan's note"))
    bookmark_work(reader, theirs, BookmarkFields(pseud=reader.default_pseud(), notes="My own note"))
    blocking.mute(reader, troll)
    assert "A fan's note" not in page(reader_client, reverse("bookmarks:user", args=[fan.username]))
    assert "My own note" in page(reader_client, reverse("bookmarks:user", args=[reader.username]))
    assert "A fan's note" in page(signed_in_client(author), reverse("bookmarks:user", args=[fan.username]))


def test_a_muted_creators_series_leave_the_dashboard_and_their_works_the_series_page(
    author: User, reader: User, troll: User, reader_client: Client
) -> None:
    mine = make_work(author, title="Author's Part")
    theirs = make_work(troll, title="Troll's Part")
    shared = add_to_series(mine, author, "Shared Shores")
    own = add_to_series(theirs, troll, "Troll Saga")
    add_to_series(make_work(troll, title="Troll Sequel"), troll, "Troll Saga")
    blocking.mute(reader, troll)
    dashboard = page(reader_client, reverse("accounts:dashboard", args=[troll.username]))
    assert "Troll Saga" not in dashboard
    assert "Troll Saga" in page(signed_in_client(author), reverse("accounts:dashboard", args=[troll.username]))
    series_page = page(reader_client, own.get_absolute_url())
    assert "Troll Sequel" not in series_page
    assert "2 works in this series are by someone you muted and are not shown." in series_page
    assert "Author's Part" in page(reader_client, shared.get_absolute_url())


def test_unmuting_brings_everything_back(author: User, reader: User, troll: User, reader_client: Client) -> None:
    work = make_work(author)
    say(work, troll, "Back again")
    blocking.mute(reader, troll)
    assert "Back again" not in page(reader_client, work.get_absolute_url())
    blocking.unmute(reader, troll)
    assert "Back again" in page(reader_client, work.get_absolute_url())


def test_the_muted_person_is_not_told_and_sees_everything_as_before(author: User, reader: User, troll: User) -> None:
    work = make_work(author)
    say(work, reader, "The muter's comment")
    blocking.mute(reader, troll)
    troll_client = signed_in_client(troll)
    view = page(troll_client, work.get_absolute_url())
    assert "The muter's comment" in view
    assert "Unmute" not in page(troll_client, reverse("accounts:dashboard", args=[reader.username]))


def test_bookmarks_of_a_muted_persons_anonymous_work_stay_so_muting_unmasks_nobody(
    reader: User, troll: User, reader_client: Client
) -> None:
    secret = make_work(troll, title="Unsigned Letters", anonymous=True)
    fan = make_user("Seafarer")
    bookmark_work(fan, secret, BookmarkFields(pseud=fan.default_pseud(), notes="Who wrote this?"))
    blocking.mute(reader, troll)
    assert "Who wrote this?" in page(reader_client, reverse("bookmarks:user", args=[fan.username]))
