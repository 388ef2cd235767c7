"""Moderators review held and high-scoring items at /moderation/spam/: Spam, Not spam, Suspend for spam. Their
verdicts are audited and weigh on the next items' scores."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fanshelf.accounts.models import User
from fanshelf.comments.actions import post_comment
from fanshelf.comments.models import Comment, CommentStatus
from fanshelf.moderation.models import AuditEntry
from fanshelf.spam.actions import decide
from fanshelf.spam.models import SpamCheck, Verdict
from fanshelf.works.models import Work
from tests.factories import make_user, make_work, signed_in_client
from tests.spam.conftest import REAL_CHAPTER, check_of, make_established, own_story, spam_text

REVIEW = "/moderation/spam/"


def comment(work: Work, by: User, text: str) -> Comment:
    return post_comment(work, text, user=by, pseud=by.default_pseud())


def test_the_review_page_lists_held_items_with_their_reasons(newcomer: User, moderator_client: Client) -> None:
    work = make_work(newcomer, title="Deals Deals Deals", chapters=[spam_text()])
    page = moderator_client.get(REVIEW).content.decode()
    assert "Deals Deals Deals" in page
    assert "Held for review" in page
    assert "8 links" in page
    assert "the account is new" in page
    assert f'action="/moderation/spam/{check_of(work).pk}/"' in page


def test_not_spam_shows_a_held_work_again_and_is_audited(
    newcomer: User, moderator: User, moderator_client: Client, guest: Client
) -> None:
    work = make_work(newcomer, title="Deals Deals Deals", chapters=[spam_text()])
    check = check_of(work)
    response = moderator_client.post(f"{REVIEW}{check.pk}/", {"verdict": "not_spam", "reason": "a real shop"})
    assert response.status_code == 302
    assert guest.get(work.get_absolute_url()).status_code == 200
    check.refresh_from_db()
    assert check.verdict == Verdict.NOT_SPAM
    actions = set(AuditEntry.objects.filter(actor=moderator).values_list("action", flat=True))
    assert {"marked not spam", "unhid work"} <= actions
    assert "Deals Deals Deals" not in moderator_client.get(REVIEW).content.decode()  # decided: off the list


def test_spam_keeps_a_held_comment_hidden_and_not_spam_publishes_and_counts_it(
    author: User, newcomer: User, moderator: User
) -> None:
    work = make_work(author)
    first, second = comment(work, newcomer, spam_text(links=6)), comment(work, newcomer, spam_text("b.example", 6))
    decide(check_of(first), True, acting=moderator, reason="pills")
    decide(check_of(second), False, acting=moderator)
    assert Comment.objects.get(pk=first.pk).status == CommentStatus.SPAM
    assert Comment.objects.get(pk=second.pk).status == CommentStatus.PUBLISHED
    assert Work.objects.get(pk=work.pk).comment_count == 1
    entry = AuditEntry.objects.get(action="marked spam")
    assert entry.reason == "pills"
    assert entry.target == f"comment {first.pk} on work {work.pk}"


def test_a_spam_verdict_on_a_domain_raises_the_next_items_score_and_not_spam_lowers_it(
    reader: User, moderator: User
) -> None:
    def post_linking(domain: str, seed: int) -> SpamCheck:
        """Each by an established account of its own, so only the domain's record links the scores."""
        poster = make_established(make_user(f"Teller{seed}"), reader, title=f"Earlier {seed}")
        return check_of(make_work(poster, title=f"Story {seed}", chapters=[own_story(seed, f"https://{domain}/")]))

    first = post_linking("first.example", 1)
    decide(first, True, acting=moderator)
    raised = post_linking("first.example", 2)
    assert raised.score > first.score
    assert [r["signal"] for r in raised.reasons] == ["flagged_domains"]

    second = post_linking("second.example", 3)
    decide(second, False, acting=moderator)
    lowered = post_linking("second.example", 4)
    assert lowered.score < second.score
    assert [r["signal"] for r in lowered.reasons] == ["cleared_domains"]


def test_a_spam_verdict_on_a_text_and_on_an_account_raise_later_scores(newcomer: User, moderator: User) -> None:
    text = spam_text(links=1) + "<p>" + "Limited offer for our valued readers. " * 4 + "</p>"
    first = make_work(newcomer, title="Offer", chapters=[text])
    decide(check_of(first), True, acting=moderator)
    again = check_of(make_work(newcomer, title="Offer again", chapters=[text]))
    signals = {reason["signal"] for reason in again.reasons}
    assert {"flagged_text", "account_spam_before", "flagged_domains"} <= signals
    assert again.held


def test_suspending_for_spam_hides_every_work_and_comment_of_the_account_at_once(
    author: User, moderator: User, moderator_client: Client, guest: Client
) -> None:
    spammer = make_user("Wavemaker")
    works = [make_work(spammer, title=f"Harmless {n}", chapters=[REAL_CHAPTER]) for n in range(2)]
    target = make_work(author, title="Open Sea")
    comments = [comment(target, spammer, f"Nice one, number {n}!") for n in range(3)]
    assert Work.objects.get(pk=target.pk).comment_count == 3
    listed = guest.get("/works/").content.decode()
    assert "Harmless 0" in listed
    assert "Harmless 1" in listed

    response = moderator_client.post(f"{REVIEW}{check_of(works[0]).pk}/", {"verdict": "suspend", "reason": "wave"})
    assert response.status_code == 302

    spammer.refresh_from_db()
    assert not spammer.is_active
    assert all(guest.get(work.get_absolute_url()).status_code == 404 for work in works)
    listed = guest.get("/works/").content.decode()
    assert "Harmless" not in listed
    assert "Open Sea" in listed
    assert Work.objects.get(pk=target.pk).comment_count == 0
    assert set(Comment.objects.filter(pk__in=[c.pk for c in comments]).values_list("status", flat=True)) == {"spam"}
    assert "Nice one" not in guest.get(target.get_absolute_url()).content.decode()
    actions = list(AuditEntry.objects.filter(actor=moderator).values_list("action", flat=True))
    assert actions.count("hid work") == 2
    assert actions.count("marked comment spam") == 3
    assert "suspended account" in actions
    assert not SpamCheck.objects.filter(account_id=spammer.pk, verdict=Verdict.NONE).exists()


def test_a_moderator_cannot_suspend_another_moderator_for_spam(moderator: User, moderator_client: Client) -> None:
    other = make_user("Nightwatch", is_staff=True)
    work = make_work(other, chapters=[spam_text()])
    response = moderator_client.post(f"{REVIEW}{check_of(work).pk}/", {"verdict": "suspend"}, follow=True)
    assert "You cannot suspend this account." in response.content.decode()
    other.refresh_from_db()
    assert other.is_active


def test_an_unknown_verdict_is_refused_with_a_message(newcomer: User, moderator_client: Client) -> None:
    work = make_work(newcomer, chapters=[spam_text()])
    response = moderator_client.post(f"{REVIEW}{check_of(work).pk}/", {"verdict": "maybe"}, follow=True)
    assert "Choose Spam, Not spam or Suspend for spam" in response.content.decode()
    assert check_of(work).verdict == Verdict.NONE


@pytest.mark.parametrize("viewer", ["reader", "author"])
def test_people_without_moderator_rights_get_403_on_the_review_pages(
    viewer: str, request: pytest.FixtureRequest, newcomer: User
) -> None:
    work = make_work(newcomer, chapters=[spam_text()])
    client = signed_in_client(request.getfixturevalue(viewer))
    assert client.get(REVIEW).status_code == 403
    assert client.post(f"{REVIEW}{check_of(work).pk}/", {"verdict": "not_spam"}).status_code == 403
    assert Work.objects.get(pk=work.pk).hidden_by_moderator


def test_guests_are_sent_to_log_in_from_the_review_page(guest: Client) -> None:
    response = guest.get(REVIEW)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_deleting_an_account_keeps_its_verdicts_but_forgets_the_account(newcomer: User, moderator: User) -> None:
    from fanshelf.accounts.actions import delete_account

    work = make_work(newcomer, chapters=[spam_text()])
    decide(check_of(work), True, acting=moderator)
    delete_account(newcomer)
    check = SpamCheck.objects.get()
    assert check.verdict == Verdict.SPAM
    assert check.account_id is None
    assert check.features.exists()


def test_the_review_page_takes_as_many_queries_for_a_full_page_as_for_one_item(
    author: User, moderator_client: Client, django_assert_max_num_queries: Any
) -> None:
    work = make_work(author)
    comment(work, make_user("Spammer0"), spam_text(links=6))
    make_work(make_user("Spammer1"), chapters=[spam_text()])
    moderator_client.get(REVIEW)
    with CaptureQueriesContext(connection) as two:
        moderator_client.get(REVIEW)
    for n in range(2, 25):
        spammer = make_user(f"Spammer{n}")
        if n % 2:
            make_work(spammer, chapters=[spam_text(f"d{n}.example")])
        else:
            comment(work, spammer, spam_text(f"d{n}.example", 6))
    with django_assert_max_num_queries(len(two)):
        page = moderator_client.get(REVIEW).content.decode()
    assert page.count('class="spam-check"') == 25
