"""Who may comment where, what a comment may hold, and how the work's comment count follows (issue 10)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from fanshelf.accounts.models import User
from fanshelf.comments import actions
from fanshelf.comments.models import MAX_COMMENT, Comment, CommentStatus
from fanshelf.comments.signals import comment_approved, comment_posted
from fanshelf.works.actions import ChapterFields, WorkFields, add_chapter, update_work
from fanshelf.works.models import Work, WorkChange
from tests.factories import STORY, make_work

pytestmark = pytest.mark.django_db


def comment(work: Work, by: User, text: str = "Lovely chapter!", **extra: object) -> Comment:
    return actions.post_comment(work, text, user=by, pseud=by.default_pseud(), **extra)  # type: ignore[arg-type]


def count(work: Work) -> int:
    work.refresh_from_db()
    return work.comment_count


def test_a_new_work_lets_registered_users_comment_by_default(author: User, reader: User) -> None:
    work = make_work(author)
    assert work.comment_permission == "registered"
    comment(work, reader)
    with pytest.raises(ValidationError, match="Only registered users"):
        actions.post_comment(work, "Hi", user=None, guest_name="Wren", guest_email="wren@example.org")


def test_the_site_default_comment_permission_comes_from_the_setting(author: User, settings: object) -> None:
    settings.FANSHELF_DEFAULT_COMMENT_PERMISSION = "nobody"  # type: ignore[attr-defined]
    assert make_work(author).comment_permission == "nobody"


def test_a_guest_comments_with_a_name_and_email_where_anyone_may(open_work: Work) -> None:
    posted = actions.post_comment(open_work, "So good", user=None, guest_name="Wren", guest_email="wren@example.org")
    assert posted.author_name == "Wren"
    with pytest.raises(ValidationError) as refusal:
        actions.post_comment(open_work, "So good", user=None, guest_name="", guest_email="not an address")
    assert set(refusal.value.message_dict) == {"guest_name", "guest_email"}


def test_guests_never_comment_on_restricted_works_whatever_the_setting(author: User) -> None:
    work = make_work(author, comment_permission="anyone", restricted=True)
    with pytest.raises(ValidationError, match="registered users"):
        actions.post_comment(work, "Hi", user=None, guest_name="Wren", guest_email="wren@example.org")


def test_nobody_comments_when_comments_are_off(author: User, reader: User) -> None:
    work = make_work(author, comment_permission="nobody")
    with pytest.raises(ValidationError, match="turned comments off"):
        comment(work, reader)


def test_nobody_comments_on_drafts_or_unposted_chapters(author: User, reader: User) -> None:
    with pytest.raises(ValidationError, match="posted works"):
        comment(make_work(author, post=False), reader)
    work = make_work(author)
    draft = add_chapter(work, ChapterFields(content=STORY), post=False)
    with pytest.raises(ValidationError, match="posted chapters"):
        comment(work, reader, chapter=draft)


def test_a_user_comments_only_as_one_of_their_own_pseuds(author: User, reader: User) -> None:
    work = make_work(author)
    with pytest.raises(ValidationError) as refusal:
        actions.post_comment(work, "Hi", user=reader, pseud=author.default_pseud())
    assert "pseud" in refusal.value.message_dict


def test_a_comment_holds_up_to_ten_thousand_characters(author: User, reader: User) -> None:
    work = make_work(author)
    assert len(comment(work, reader, "a" * MAX_COMMENT).text) <= MAX_COMMENT + len("<p></p>")
    with pytest.raises(ValidationError, match="10,000"):
        comment(work, reader, "a" * (MAX_COMMENT + 1))
    with pytest.raises(ValidationError, match="10,000"):
        comment(work, reader, "a" * 50_000)  # refused before cleaning


def test_a_comment_keeps_every_typographic_character_and_loses_nul_and_scripts(author: User, reader: User) -> None:
    work = make_work(author)
    text = "“Quoted” — ellipsis… 日本語 עברית 🙂\x00<script>alert(1)</script>"
    kept = comment(work, reader, text).text
    for piece in ("“Quoted”", "—", "…", "日本語", "עברית", "🙂"):
        assert piece in kept
    assert "\x00" not in kept
    assert "script" not in kept
    assert "alert" not in kept
    with pytest.raises(ValidationError, match="Write something"):
        comment(work, reader, "<script>only this</script>")


def test_the_work_counts_published_top_level_threads_and_tells_the_outbox(author: User, reader: User) -> None:
    work = make_work(author)
    first = comment(work, reader)
    comment(work, author, "Thank you!", parent=first)
    comment(work, reader, "Another thought")
    assert count(work) == 2
    assert WorkChange.objects.filter(work_id=work.pk, kind="comments").count() == 2
    actions.mark_spam(first, author)
    assert count(work) == 1


def test_replies_thread_under_their_parent_and_a_frozen_thread_takes_none(author: User, reader: User) -> None:
    work = make_work(author)
    top = comment(work, reader)
    answer = comment(work, author, "Thanks", parent=top)
    deeper = comment(work, reader, "You're welcome", parent=answer)
    assert (deeper.thread_id, deeper.depth, deeper.parent_id) == (top.pk, 2, answer.pk)
    actions.set_thread_frozen(answer, author, True)
    with pytest.raises(ValidationError, match="frozen"):
        comment(work, reader, "One more", parent=deeper)
    actions.set_thread_frozen(top, author, False)
    comment(work, reader, "One more", parent=deeper)


def test_only_the_works_creators_freeze_hide_and_mark_spam(author: User, reader: User) -> None:
    work = make_work(author)
    top = comment(work, reader)
    for act in (actions.hide_comment, actions.mark_spam, lambda c, u: actions.set_thread_frozen(c, u, True)):
        with pytest.raises(ValidationError):
            act(top, reader)


def test_deleting_a_comment_with_replies_leaves_a_placeholder(author: User, reader: User) -> None:
    work = make_work(author)
    top = comment(work, reader)
    comment(work, author, "Thanks", parent=top)
    lonely = comment(work, reader, "Second")
    actions.delete_comment(top, reader)
    top.refresh_from_db()
    assert (top.status, top.text) == (CommentStatus.DELETED, "")
    actions.delete_comment(lonely, author)
    assert not Comment.objects.filter(pk=lonely.pk).exists()
    assert count(work) == 0


def test_a_commenter_edits_and_deletes_only_their_own_comments(author: User, reader: User) -> None:
    work = make_work(author)
    mine = comment(work, author, "Creator's note")
    with pytest.raises(ValidationError):
        actions.edit_comment(mine, reader, "Hijacked")
    with pytest.raises(ValidationError):
        actions.delete_comment(mine, reader)
    edited = actions.edit_comment(comment(work, reader), reader, "Lovely chapter!!")
    assert edited.edited_at is not None


def test_held_comments_wait_for_approval_and_count_once_approved(author: User, reader: User) -> None:
    work = make_work(author, moderate_comments=True)
    held = comment(work, reader)
    assert held.status == CommentStatus.HELD
    assert count(work) == 0
    assert comment(work, author, "Mine needs no approval").status == CommentStatus.PUBLISHED
    with pytest.raises(ValidationError):
        actions.approve_comment(held, reader)
    actions.approve_comment(held, author)
    assert count(work) == 2


def test_an_approved_comment_edited_heavily_goes_back_to_moderation(author: User, reader: User) -> None:
    work = make_work(author, moderate_comments=True)
    held = comment(work, reader, "What a lovely ending to the story, thank you for writing it")
    approved = actions.approve_comment(held, author)
    typo = actions.edit_comment(approved, reader, "What a lovely ending to the story, thank you for writing it!")
    assert typo.status == CommentStatus.PUBLISHED
    swapped = actions.edit_comment(typo, reader, "Buy cheap watches at my shop today, great prices on everything")
    assert swapped.status == CommentStatus.HELD
    assert count(work) == 0


def test_posting_and_approving_send_their_signals_after_commit(
    author: User, reader: User, django_capture_on_commit_callbacks: object
) -> None:
    work = make_work(author, moderate_comments=True)
    heard: list[tuple[str, int]] = []

    def posted(comment: Comment, **_: object) -> None:
        heard.append(("posted", comment.pk))

    def approved(comment: Comment, **_: object) -> None:
        heard.append(("approved", comment.pk))

    comment_posted.connect(posted)
    comment_approved.connect(approved)
    try:
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
            held = comment(work, reader)
        assert heard == [("posted", held.pk)]
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
            actions.approve_comment(held, author)
        assert heard == [("posted", held.pk), ("approved", held.pk)]
    finally:
        comment_posted.disconnect(posted)
        comment_approved.disconnect(approved)


def test_a_reader_sorts_listings_by_comment_count(author: User, reader: User, guest: Client) -> None:
    quiet = make_work(author, title="Quiet Harbour")
    busy = make_work(author, title="Busy Harbour")
    comment(busy, reader)
    comment(busy, reader, "Again")
    comment(quiet, reader)
    page = guest.get("/works/", {"sort": "comments"}).content.decode()
    assert page.index("Busy Harbour") < page.index("Quiet Harbour")
    ranged = guest.get("/works/", {"comments_from": "2"}).content.decode()
    assert "Busy Harbour" in ranged
    assert "Quiet Harbour" not in ranged


def test_editing_a_work_keeps_its_comment_settings_unless_the_creator_changes_them(author: User) -> None:
    work = make_work(author, comment_permission="anyone", moderate_comments=True)
    same = WorkFields(
        title="Renamed", pseuds=[author.default_pseud()], rating="General Audiences",
        warnings=["No Archive Warnings Apply"], fandoms=["Tidewater Chronicles"],
    )  # fmt: skip
    update_work(work, author, same)
    work.refresh_from_db()
    assert (work.comment_permission, work.moderate_comments) == ("anyone", True)
    same.comment_permission, same.moderate_comments = "nobody", False
    update_work(work, author, same)
    work.refresh_from_db()
    assert (work.comment_permission, work.moderate_comments) == ("nobody", False)
    same.comment_permission = "everyone"
    with pytest.raises(ValidationError) as refusal:
        update_work(work, author, same)
    assert "comment_permission" in refusal.value.message_dict


def test_blurbs_show_the_thread_count_and_reindex_rebuilds_it(author: User, reader: User, guest: Client) -> None:
    work = make_work(author, title="Counted Harbour")
    top = comment(work, reader)
    comment(work, author, "Reply", parent=top)
    comment(work, reader, "Second thread")
    Work.objects.filter(pk=work.pk).update(comment_count=7)
    call_command("reindex", stdout=io.StringIO())
    assert count(work) == 2
    page = guest.get("/works/").content.decode()
    assert "<dt>Comments:</dt><dd>2</dd>" in page
