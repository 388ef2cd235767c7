"""Blocking (issue 11, "Block and mute"): a reader blocks someone from their profile, manages the list, and the
blocked person can no longer comment, reply or leave kudos on the blocker's things, though they may still delete
what they wrote before. The blocked person is never told at the moment of the block."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fanshelf.accounts import blocking
from fanshelf.accounts import models as account_models
from fanshelf.accounts.models import Block, User
from fanshelf.comments import actions as comment_actions
from fanshelf.comments.models import Comment
from fanshelf.community.models import Kudos
from fanshelf.works import sharing
from fanshelf.works.models import CreatorInvitation, Work
from tests.factories import make_user, make_work, signed_in_client

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

pytestmark = pytest.mark.django_db


def say(work: Work, by: User, text: str, parent: Comment | None = None) -> Comment:
    return comment_actions.post_comment(work, text, user=by, pseud=by.default_pseud(), parent=parent)


def text_of(response: TestResponse) -> str:
    return html.unescape(response.content.decode())


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return text_of(response)


def test_a_reader_blocks_someone_from_their_profile_and_unblocks_them_from_the_list(
    author: User, reader: User, reader_client: Client
) -> None:
    profile = reverse("accounts:dashboard", args=[author.username])
    assert f'action="{reverse("accounts:block", args=[author.username])}"' in page(reader_client, profile)
    response = reader_client.post(reverse("accounts:block", args=[author.username]), {"next": profile})
    assert response["Location"] == profile
    assert Block.objects.filter(blocker=reader, blocked=author).exists()
    assert "Unblock" in page(reader_client, profile)
    listing = page(reader_client, reverse("accounts:blocked", args=[reader.username]))
    assert author.username in listing
    reader_client.post(reverse("accounts:unblock", args=[author.username]))
    assert not Block.objects.exists()
    assert "You have not blocked anyone." in page(reader_client, reverse("accounts:blocked", args=[reader.username]))


def test_the_block_page_says_what_blocking_does_before_anything_happens(author: User, reader_client: Client) -> None:
    text = page(reader_client, reverse("accounts:block", args=[author.username]))
    assert "leave kudos on your works" in text
    assert not Block.objects.exists()


def test_blocking_twice_changes_nothing_and_so_does_unblocking_twice(author: User, reader: User) -> None:
    first = blocking.block(reader, author)
    assert blocking.block(reader, author) == first
    assert Block.objects.count() == 1
    assert blocking.unblock(reader, author) is True
    assert blocking.unblock(reader, author) is False


def test_nobody_blocks_themselves_or_a_moderator_but_anyone_may_mute_a_moderator(
    reader: User, moderator: User, reader_client: Client
) -> None:
    with pytest.raises(ValidationError, match=r"You can't block yourself\."):
        blocking.block(reader, reader)
    with pytest.raises(ValidationError, match="Moderators can't be blocked"):
        blocking.block(reader, moderator)
    response = reader_client.get(reverse("accounts:block", args=[moderator.username]))
    assert response.status_code == 400
    assert "Moderators can't be blocked" in text_of(response)
    profile = page(reader_client, reverse("accounts:dashboard", args=[moderator.username]))
    assert reverse("accounts:block", args=[moderator.username]) not in profile
    assert f'action="{reverse("accounts:mute", args=[moderator.username])}"' in profile
    blocking.mute(reader, moderator)
    with pytest.raises(ValidationError, match=r"You can't mute yourself\."):
        blocking.mute(reader, reader)


def test_the_block_limit_is_refused_with_a_message(
    reader: User, reader_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(account_models, "BLOCK_LIMIT", 2)
    for name in ("Gullwing", "Saltmarsh"):
        blocking.block(reader, make_user(name))
    third = make_user("Driftwood")
    response = reader_client.post(reverse("accounts:block", args=[third.username]), follow=True)
    assert "You have blocked 2 people, the most anyone can. Unblock someone first to make room." in (text_of(response))
    assert not Block.objects.filter(blocked=third).exists()
    blocking.block(reader, User.objects.get(username="Gullwing"))  # one already blocked still answers
    blocking.unblock(reader, User.objects.get(username="Gullwing"))
    blocking.block(reader, third)


def test_the_blocked_and_muted_lists_are_for_their_owner_only(
    author: User, reader: User, author_client: Client, guest: Client
) -> None:
    blocking.block(reader, author)
    for name in ("accounts:blocked", "accounts:muted"):
        url = reverse(name, args=[reader.username])
        assert author_client.get(url).status_code == 403
        assert guest.get(url)["Location"].startswith(reverse("account_login"))


def test_the_blocked_list_pages_and_does_not_grow_queries_with_its_length(reader: User, reader_client: Client) -> None:
    url = reverse("accounts:blocked", args=[reader.username])
    blocking.block(reader, make_user("Firstblocked"))
    page(reader_client, url)  # once first: one-off work (a session save) is not the page's
    with CaptureQueriesContext(connection) as one:
        page(reader_client, url)
    for number in range(30):
        blocking.block(reader, make_user(f"Blocked{number}"))
    with CaptureQueriesContext(connection) as many:
        text = page(reader_client, url)
    assert len(many.captured_queries) <= len(one.captured_queries)
    assert "31 of 2,000" in text


def test_a_blocked_reader_is_offered_no_comment_form_and_a_direct_post_gets_403(
    author: User, reader: User, reader_client: Client
) -> None:
    work = make_work(author)
    assert reverse("comments:new", args=[work.pk]) in page(reader_client, work.get_absolute_url())
    blocking.block(author, reader)
    text = page(reader_client, work.get_absolute_url())
    assert reverse("comments:new", args=[work.pk]) not in text
    assert "One of this work's creators has blocked you" in text
    data = {"text": "Let me in", "pseud": reader.default_pseud().pk}
    response = reader_client.post(reverse("comments:new", args=[work.pk]), data)
    assert response.status_code == 403
    assert "One of this work's creators has blocked you: you can't comment here." in text_of(response)
    assert not Comment.objects.exists()


def test_a_block_by_any_creator_of_a_shared_work_counts(author: User, reader: User, reader_client: Client) -> None:
    partner = make_user("Cowriter", allow_cocreators=True)
    work = make_work(author)
    sharing.invite(work, author, [partner.username])
    sharing.accept(work, partner)
    blocking.block(partner, reader)
    data = {"text": "Hello", "pseud": reader.default_pseud().pk}
    assert reader_client.post(reverse("comments:new", args=[work.pk]), data).status_code == 403
    assert reader_client.post(reverse("community:kudos", args=[work.pk])).status_code == 403


def test_a_blocked_reader_cannot_reply_anywhere_on_the_blockers_work(
    author: User, reader: User, reader_client: Client
) -> None:
    work = make_work(author)
    friend = make_user("Harbourmaster")
    theirs = say(work, friend, "What a storm")
    blocking.block(author, reader)
    assert reverse("comments:reply", args=[theirs.pk]) not in page(reader_client, work.get_absolute_url())
    assert reader_client.get(reverse("comments:reply", args=[theirs.pk])).status_code == 403
    data = {"text": "Agreed", "pseud": reader.default_pseud().pk}
    assert reader_client.post(reverse("comments:reply", args=[theirs.pk]), data).status_code == 403
    assert Comment.objects.count() == 1


def test_a_blocked_reader_cannot_reply_to_the_blockers_comments_on_other_works(
    author: User, reader: User, reader_client: Client
) -> None:
    elsewhere = make_work(make_user("Cartographer"), title="Charts")
    blockers = say(elsewhere, author, "I love the maps")
    friends = say(elsewhere, make_user("Navigator"), "The compass rose!")
    blocking.block(author, reader)
    text = page(reader_client, elsewhere.get_absolute_url())
    assert reverse("comments:new", args=[elsewhere.pk]) in text  # the work is not the blocker's
    assert reverse("comments:reply", args=[blockers.pk]) not in text
    assert reverse("comments:reply", args=[friends.pk]) in text
    data = {"text": "Me too", "pseud": reader.default_pseud().pk}
    response = reader_client.post(reverse("comments:reply", args=[blockers.pk]), data)
    assert response.status_code == 403
    assert "The author of the comment above has blocked you" in text_of(response)
    assert reader_client.post(reverse("comments:reply", args=[friends.pk]), data).status_code == 302


def test_a_blocked_reader_leaves_no_kudos(author: User, reader: User, reader_client: Client) -> None:
    work = make_work(author)
    kudos_url = reverse("community:kudos", args=[work.pk])
    assert kudos_url in page(reader_client, work.get_absolute_url())
    blocking.block(author, reader)
    assert kudos_url not in page(reader_client, work.get_absolute_url())
    response = reader_client.post(kudos_url)
    assert response.status_code == 403
    assert "blocked you: you can't leave kudos on it." in text_of(response)
    assert not Kudos.objects.exists()
    work.refresh_from_db()
    assert work.kudos_count == 0


def test_a_blocked_reader_still_deletes_their_old_comment_but_no_longer_edits_it(
    author: User, reader: User, reader_client: Client
) -> None:
    work = make_work(author)
    old = say(work, reader, "Written before the block")
    blocking.block(author, reader)
    text = page(reader_client, work.get_absolute_url())
    assert reverse("comments:edit", args=[old.pk]) not in text
    assert reverse("comments:moderate", args=[old.pk, "delete"]) in text
    assert reader_client.get(reverse("comments:edit", args=[old.pk])).status_code == 403
    response = reader_client.post(reverse("comments:edit", args=[old.pk]), {"text": "Changed"})
    assert response.status_code == 403
    old.refresh_from_db()
    assert "Written before the block" in old.text
    reader_client.post(reverse("comments:moderate", args=[old.pk, "delete"]))
    assert not Comment.objects.filter(pk=old.pk).exists()


def test_the_blocker_still_comments_and_nothing_tells_the_blocked_person(
    author: User, reader: User, author_client: Client
) -> None:
    work = make_work(reader, title="Reader's own")
    mail.outbox.clear()
    author_client.post(reverse("accounts:block", args=[reader.username]))
    assert Block.objects.filter(blocker=author, blocked=reader).exists()
    assert mail.outbox == []
    say(work, author, "Blocking is one-way")  # the blocker is not kept from the blocked person's works
    reader_view = page(signed_in_client(reader), reverse("accounts:dashboard", args=[author.username]))
    assert "Unblock" not in reader_view


def test_a_guest_is_never_blocked_and_sees_no_block_buttons(author: User, guest: Client) -> None:
    work = make_work(author, comment_permission="anyone")
    text = page(guest, reverse("accounts:dashboard", args=[author.username]))
    assert reverse("accounts:block", args=[author.username]) not in text
    assert reverse("community:kudos", args=[work.pk]) in page(guest, work.get_absolute_url())
    assert guest.post(reverse("accounts:block", args=[author.username]))["Location"].startswith(
        reverse("account_login")
    )


def test_blocking_removes_pending_co_creator_invitations_between_the_two(author: User, reader: User) -> None:
    reader.allow_cocreators = True
    reader.save(update_fields=["allow_cocreators"])
    work = make_work(author)
    sharing.invite(work, author, [reader.username])
    unrelated = make_work(make_user("Bystander", allow_cocreators=True), title="Elsewhere")
    sharing.invite(unrelated, unrelated.creator_pseuds[0].user, [reader.username])
    blocking.block(reader, author)
    assert list(CreatorInvitation.objects.values_list("work_id", flat=True)) == [unrelated.pk]
    with pytest.raises(ValidationError):
        sharing.accept(work, reader)
