"""New works and comments are scored as they are posted; those reaching the threshold are hidden pending review,
shown to their creators with a notice, and to nobody else, in no listing and no count."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from django.test import Client

from fanshelf.accounts.models import User
from fanshelf.comments.models import Comment, CommentStatus
from fanshelf.inbox.models import InboxEntry
from fanshelf.spam.models import SpamCheck
from fanshelf.works.actions import ChapterFields, WorkFields, create_work
from fanshelf.works.models import CommentPermission, RelatedWork, Work
from fanshelf.works.related import ParentReference, cite_parent
from tests.factories import make_user, make_work, signed_in_client
from tests.spam.conftest import REAL_CHAPTER, THRESHOLD, check_of, spam_text

HELD_NOTICE = "waiting for a moderator's review"


def works_count(client: Client) -> int:
    page = client.get("/works/").content.decode()
    found = re.search(r'id="results-heading">([\d,]+) Works?<', page)
    assert found is not None
    return int(found.group(1).replace(",", ""))


def post_comment(by: User | None, work: Work, text: str, **extra: str) -> Comment:
    """Through the comment form, as `by` (or as a guest giving `extra`'s name and email)."""
    client = Client() if by is None else signed_in_client(by)
    fields = {"text": text, **extra, **({"pseud": str(by.default_pseud().pk)} if by is not None else {})}
    response = client.post(f"/works/{work.pk}/comments/new/", fields, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302, response.content.decode()[:500]
    return Comment.objects.filter(work=work).latest("pk")


def test_a_link_stuffed_work_from_a_brand_new_account_is_held_and_seen_by_nobody_else(
    newcomer: User, guest: Client, reader_client: Client
) -> None:
    before = works_count(guest)
    work = make_work(newcomer, title="Deals Deals Deals", chapters=[spam_text()])
    check = check_of(work)
    assert check.held
    assert check.score >= THRESHOLD
    assert {"many_links", "link_heavy", "new_account", "first_posting"} <= {r["signal"] for r in check.reasons}
    assert work.hidden_by_moderator
    assert guest.get(work.get_absolute_url()).status_code == 404
    assert reader_client.get(work.get_absolute_url()).status_code == 404
    assert "Deals Deals Deals" not in guest.get("/works/").content.decode()
    assert works_count(guest) == before
    assert works_count(reader_client) == works_count(guest)
    own_page = signed_in_client(newcomer).get(work.get_absolute_url()).content.decode()
    assert HELD_NOTICE in own_page
    assert "held as possible spam" in own_page


def test_an_ordinary_long_chapter_with_one_link_from_an_established_account_is_not_held(
    established: User, guest: Client
) -> None:
    work = make_work(established, title="The Ferry Letters", chapters=[REAL_CHAPTER])
    check = check_of(work)
    assert not check.held
    assert check.score == 0
    assert guest.get(work.get_absolute_url()).status_code == 200
    assert "The Ferry Letters" in guest.get("/works/").content.decode()


def test_a_brand_new_account_posting_a_real_chapter_is_not_held_either(newcomer: User) -> None:
    work = make_work(newcomer, chapters=[REAL_CHAPTER])
    assert check_of(work).score < THRESHOLD
    assert not Work.objects.get(pk=work.pk).hidden_by_moderator


def test_a_draft_is_not_scored_until_it_is_posted(newcomer: User) -> None:
    from fanshelf.works.actions import post_work

    draft = make_work(newcomer, chapters=[spam_text()], post=False)
    assert not SpamCheck.objects.exists()
    post_work(draft)
    assert check_of(draft).held
    assert Work.objects.get(pk=draft.pk).hidden_by_moderator


def test_the_same_text_posted_a_second_time_scores_higher(established: User, reader: User) -> None:
    story = Work.objects.get(title="Earlier Tides")
    text = (
        "I read every chapter twice over and the lighthouse scene at the end of the third one made me cry on "
        "the morning bus, thank you for writing it."
    )
    first = post_comment(reader, story, text)
    second = post_comment(make_user("Echoer"), story, text)
    assert check_of(second).score > check_of(first).score
    assert "repeated_text" in {r["signal"] for r in check_of(second).reasons}


def test_a_held_comment_is_shown_only_to_its_commenter_with_a_notice_and_counted_nowhere(
    author: User, newcomer: User, reader_client: Client
) -> None:
    work = make_work(author)
    comment = post_comment(newcomer, work, spam_text(links=6))
    assert comment.status == CommentStatus.SPAM
    assert check_of(comment).held
    work.refresh_from_db()
    assert work.comment_count == 0
    assert "Best prices" not in reader_client.get(work.get_absolute_url()).content.decode()
    creators_view = signed_in_client(author).get(work.get_absolute_url()).content.decode()
    assert "Best prices" not in creators_view
    assert HELD_NOTICE not in creators_view
    own_view = signed_in_client(newcomer).get(work.get_absolute_url()).content.decode()
    assert "Your comment here is waiting for a moderator's review" in own_view


def test_a_guest_link_comment_is_held_and_a_guest_thank_you_is_not(author: User) -> None:
    work = make_work(author, comment_permission=CommentPermission.ANYONE)
    guest_fields = {"guest_name": "Passerby", "guest_email": "passerby@example.org"}
    thanks = post_comment(None, work, "Thank you, this was lovely!", **guest_fields)
    assert thanks.status == CommentStatus.PUBLISHED
    spam = post_comment(None, work, spam_text(links=5), **guest_fields)
    assert spam.status == CommentStatus.SPAM


def test_a_comment_in_japanese_and_arabic_with_curly_quotes_is_scored_without_error(author: User, reader: User) -> None:
    work = make_work(author)
    text = "「灯台の場面が好きです」 — “شكراً على هذا الفصل الجميل” https://例え.example/道"
    comment = post_comment(reader, work, text)
    check = check_of(comment)
    assert comment.status == CommentStatus.PUBLISHED
    assert not check.held
    assert comment.text.count("“شكراً") == 1
    assert list(check.features.filter(kind="domain").values_list("value", flat=True)) == ["例え.example"]


def test_moderators_own_posts_are_scored_but_never_held(moderator: User) -> None:
    work = make_work(moderator, chapters=[spam_text()])
    assert check_of(work).score >= THRESHOLD
    assert not check_of(work).held
    assert not Work.objects.get(pk=work.pk).hidden_by_moderator


def test_threshold_zero_turns_scoring_off(settings: object, newcomer: User) -> None:
    settings.FANSHELF_SPAM_THRESHOLD = 0  # type: ignore[attr-defined]
    work = make_work(newcomer, chapters=[spam_text()])
    assert not SpamCheck.objects.exists()
    assert not Work.objects.get(pk=work.pk).hidden_by_moderator


def test_a_held_work_citing_a_parent_tells_the_parents_creator_nothing(
    author: User, newcomer: User, django_capture_on_commit_callbacks: Any
) -> None:
    parent = make_work(author, title="Open Sea")
    mail.outbox.clear()
    citation = ParentReference(url=f"http://testserver{parent.get_absolute_url()}")
    fields = WorkFields(
        title="Deals", pseuds=[newcomer.default_pseud()], rating="General Audiences",
        warnings=["No Archive Warnings Apply"], fandoms=["Tidewater Chronicles"],
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        child = create_work(
            newcomer, fields, ChapterFields(content=spam_text()), post=True,
            then=lambda work: cite_parent(work, newcomer, citation),
        )  # fmt: skip
    assert check_of(child).held
    assert RelatedWork.objects.filter(child=child, parent=parent).exists()
    assert mail.outbox == []
    assert not InboxEntry.objects.filter(user=author).exists()


def test_a_guest_whose_comment_is_held_is_told_it_awaits_review_not_that_it_was_posted(author: User) -> None:
    work = make_work(author, comment_permission=CommentPermission.ANYONE)
    guest = Client()
    form = {"text": spam_text(links=6), "guest_name": "Passerby", "guest_email": "passerby@example.org"}
    answer = guest.post(f"/works/{work.pk}/comments/new/", form, follow=True)
    page = answer.content.decode()
    assert Comment.objects.get(work=work).status == CommentStatus.SPAM
    assert "Your comment is waiting for a moderator&#x27;s review." in page
    assert "Comment posted." not in page
