"""Every write to comments. Views (and later the API and the inbox's reply box) call these; none save directly.

Text is checked and cleaned before each transaction opens (works/cleaning.py), so sanitizing never holds the write
lock. A work's `comment_count` is its published top-level comments (its threads, as AO3 counts them); every
change to it is an F() update plus an outbox row in the same transaction, so listings follow.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from fanshelf.accounts.blocking import refuse_if_blocked
from fanshelf.accounts.models import Pseud, User, is_moderator
from fanshelf.comments.models import MAX_COMMENT, Comment, CommentStatus
from fanshelf.comments.signals import comment_approved, comment_posted, comment_submitted
from fanshelf.core import switches
from fanshelf.core.audit import moderator_acted
from fanshelf.core.sanitize import sanitize_notes
from fanshelf.core.wordcount import html_to_text
from fanshelf.works.cleaning import check_length, clean_html, clean_line
from fanshelf.works.models import Chapter, CommentPermission, Work, WorkChange

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

MAX_GUEST_NAME = 100
# An approved comment on a moderated work goes back to moderation when an edit changes more than this share of
# its words: fixing typos keeps it published, rewriting it into something else does not.
HEAVY_EDIT_SHARE = 0.5
GUESTS_OFF = "Guest comments are turned off on this archive for now. Log in to comment."
EDIT_BLOCKED = "edit this comment any more, only delete it"


def _clean_text(text: str) -> str:
    """The limit is on what the commenter typed; cleaning adds paragraphs and escapes they did not type (up to
    "&amp;" for "&"), so the cleaned text is only held to five times it."""
    errors: dict[str, list[str]] = {}
    text = text.replace("\x00", "")
    check_length(errors, "text", text, MAX_COMMENT, "A comment")
    cleaned = "" if errors else clean_html(errors, "text", text, 5 * MAX_COMMENT, "A comment", sanitize_notes)
    if not errors and not html_to_text(cleaned).strip():
        errors["text"] = ["Write something in your comment."]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _may_comment(work: Work, chapter: Chapter | None, user: User | None) -> None:
    if not work.posted or work.hidden_by_moderator or work.unrevealed:
        raise ValidationError("Comments can only be left on posted works.")
    if chapter is not None and (chapter.work_id != work.pk or not chapter.posted):
        raise ValidationError("Comments can only be left on posted chapters.")
    if work.comment_permission == CommentPermission.NOBODY:
        raise ValidationError("This work's creator has turned comments off.")
    if user is None and not switches.current().guest_comments:
        raise ValidationError(GUESTS_OFF)
    if user is None and (work.restricted or work.comment_permission != CommentPermission.ANYONE):
        raise ValidationError("Only registered users can comment on this work. Log in to comment.")


def _refuse_blocked(work: Work, parent: Comment | None, user: User | None, doing: str) -> None:
    """Someone a creator of the work blocked may not comment or reply on it; someone a commenter blocked may not
    reply to that person's comments, on any work (accounts/blocking.py). PermissionDenied: the views answer 403."""
    creators = {pseud.user_id for pseud in work.creator_pseuds}
    refuse_if_blocked(creators, user, f"One of this work's creators has blocked you: you can't {doing}.")
    if parent is not None and parent.user_id is not None:
        refuse_if_blocked(
            {parent.user_id}, user, f"The author of the comment above has blocked you: you can't {doing}."
        )


def check_may_reply(work: Work, parent: Comment, user: User | AnonymousUser) -> None:
    """PermissionDenied when a block keeps `user` from replying to `parent`: the reply page asks before showing its
    form, so a blocked person is never offered one that would be refused."""
    _refuse_blocked(work, parent, user if isinstance(user, User) else None, "reply here")


def check_may_edit(comment: Comment, user: User | AnonymousUser) -> None:
    """PermissionDenied when a block keeps the commenter from editing `comment` (they may still delete it)."""
    if isinstance(user, User):
        _refuse_blocked(comment.work, comment.parent, user, EDIT_BLOCKED)


def _count(work_id: int, delta: int) -> None:
    """Move the work's thread count; the caller is inside the transaction that made the change."""
    if delta:
        Work.objects.filter(pk=work_id).update(comment_count=F("comment_count") + delta)
        WorkChange.objects.create(work_id=work_id, kind="comments")


def _counts(comment: Comment, status: str) -> int:
    return int(comment.parent_id is None and status == CommentStatus.PUBLISHED)


def post_comment(
    work: Work,
    text: str,
    *,
    user: User | None,
    pseud: Pseud | None = None,
    chapter: Chapter | None = None,
    parent: Comment | None = None,
    guest_name: str = "",
    guest_email: str = "",
    guest_wants_replies: bool = False,
) -> Comment:
    """A comment (or a reply to `parent`) by a user under one of their pseuds, or by a guest with a name and email
    (who may ask to be emailed published replies: `guest_wants_replies`).

    Refused on drafts, unposted chapters and frozen threads, where the work's setting does not allow this
    commenter, and for guests on restricted works. On a work whose comments wait for approval it is held,
    unless a creator wrote it."""
    _may_comment(work, chapter, user)
    _refuse_blocked(work, parent, user, "comment here" if parent is None else "reply here")
    errors: dict[str, list[str]] = {}
    if user is None:
        guest_name = clean_line(errors, "guest_name", guest_name, MAX_GUEST_NAME, "Your name")
        if not guest_name and "guest_name" not in errors:
            errors["guest_name"] = ["Guests need to give a name."]
        try:
            validate_email(guest_email)
        except ValidationError:
            errors["guest_email"] = ["Guests need to give a valid email address (it is never shown)."]
    elif pseud is None or pseud.user_id != user.pk:
        errors["pseud"] = ["You can only comment as one of your own pseuds."]
    if parent is not None and (parent.work_id != work.pk or parent.status != CommentStatus.PUBLISHED):
        errors.setdefault("text", []).append("You can only reply to a published comment on this work.")
    try:
        cleaned = _clean_text(text)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    held = work.moderate_comments and not (user is not None and work.is_created_by(user))
    with transaction.atomic(durable=True):
        if parent is not None and Comment.objects.filter(pk=parent.root_id, frozen=True).exists():
            raise ValidationError("This thread is frozen: it takes no new replies.")
        comment = Comment.objects.create(
            work=work,
            chapter=parent.chapter if parent is not None else chapter,
            parent=parent,
            thread_id=None if parent is None else parent.root_id,
            depth=0 if parent is None else parent.depth + 1,
            user=user,
            pseud=pseud if user is not None else None,
            guest_name=guest_name if user is None else "",
            guest_email=guest_email.strip() if user is None else "",
            guest_wants_replies=user is None and guest_wants_replies,
            text=cleaned,
            status=CommentStatus.HELD if held else CommentStatus.PUBLISHED,
        )
        _count(work.pk, _counts(comment, comment.status))
        comment_submitted.send(sender=Comment, comment=comment)
        transaction.on_commit(lambda: comment_posted.send(sender=Comment, comment=comment))
    return comment


def _share_of_words_changed(before: str, after: str) -> float:
    old, new = html_to_text(before).split(), html_to_text(after).split()
    if not old and not new:
        return 0.0
    kept = sum(block.size for block in SequenceMatcher(None, old, new, autojunk=False).get_matching_blocks())
    return 1 - kept / max(len(old), len(new))


def edit_comment(comment: Comment, user: User, text: str) -> Comment:
    """The commenter changes their own comment. On a work whose comments wait for approval, a published comment
    whose words mostly changed (HEAVY_EDIT_SHARE) is held again, so approval cannot be swapped for other text."""
    if not comment.is_by(user) or comment.status in (CommentStatus.DELETED, CommentStatus.SPAM):
        raise ValidationError("You can only edit your own comments.")
    # Blocked, the commenter may still delete what they wrote but no longer change it.
    _refuse_blocked(comment.work, comment.parent, user, EDIT_BLOCKED)
    cleaned = _clean_text(text)
    heavy = _share_of_words_changed(comment.text, cleaned) > HEAVY_EDIT_SHARE
    with transaction.atomic(durable=True):
        work = Work.objects.get(pk=comment.work_id)
        before = comment.status
        if before == CommentStatus.PUBLISHED and heavy and work.moderate_comments and not work.is_created_by(user):
            comment.status = CommentStatus.HELD
        comment.text = cleaned
        comment.edited_at = timezone.now()
        comment.save(update_fields=["text", "edited_at", "status"])
        _count(comment.work_id, _counts(comment, comment.status) - _counts(comment, before))
    return comment


def _may_manage(comment: Comment, user: User) -> bool:
    """Creators of the work manage its comments; moderators manage any."""
    work = Work.objects.for_blurbs().get(pk=comment.work_id)
    return work.is_created_by(user) or is_moderator(user)


def delete_comment(comment: Comment, user: User) -> None:
    """The commenter, a creator of the work or a moderator deletes a comment. One with replies stays as
    "(Previous comment deleted.)" so its thread still reads; one without is removed."""
    if not (comment.is_by(user) or _may_manage(comment, user)):
        raise ValidationError("You can only delete your own comments or comments on your works.")
    with transaction.atomic(durable=True):
        before = comment.status
        if comment.replies.exists():
            comment.status, comment.text = CommentStatus.DELETED, ""
            comment.save(update_fields=["status", "text"])
        else:
            Comment.objects.filter(pk=comment.pk).delete()
        _count(comment.work_id, -_counts(comment, before))


def _set_status(comment: Comment, user: User, status: str, allowed_from: tuple[str, ...]) -> Comment:
    if not _may_manage(comment, user):
        raise ValidationError("Only the work's creators can do that.")
    with transaction.atomic(durable=True):
        fresh = Comment.objects.select_for_update().get(pk=comment.pk)
        if fresh.status not in allowed_from:
            raise ValidationError(f"This comment is {fresh.get_status_display().lower()}; that changes nothing.")
        before, fresh.status = fresh.status, status
        fresh.save(update_fields=["status"])
        _count(fresh.work_id, _counts(fresh, status) - _counts(fresh, before))
        if before == CommentStatus.HELD and status == CommentStatus.PUBLISHED:
            transaction.on_commit(lambda: comment_approved.send(sender=Comment, comment=fresh))
    return fresh


def approve_comment(comment: Comment, user: User) -> Comment:
    """A creator publishes a held comment."""
    return _set_status(comment, user, CommentStatus.PUBLISHED, (CommentStatus.HELD,))


def hide_comment(comment: Comment, user: User) -> Comment:
    """A creator hides a comment: it and its replies are shown only to the creators (and moderators)."""
    return _set_status(comment, user, CommentStatus.HIDDEN, (CommentStatus.PUBLISHED, CommentStatus.HELD))


def unhide_comment(comment: Comment, user: User) -> Comment:
    return _set_status(comment, user, CommentStatus.PUBLISHED, (CommentStatus.HIDDEN,))


def mark_spam(comment: Comment, user: User) -> Comment:
    """Spam is shown to nobody and counted nowhere."""
    statuses = (CommentStatus.PUBLISHED, CommentStatus.HELD, CommentStatus.HIDDEN)
    return _set_status(comment, user, CommentStatus.SPAM, statuses)


def set_spam(comment: Comment, spam: bool, *, acting: User | None = None, reason: str = "") -> Comment:
    """Spam scoring holds a comment as spam (shown to nobody, counted nowhere) and moderators decide on it: spam
    False releases a comment held as spam, published again (or waiting for the creators' approval on a work whose
    comments wait for it), and its creators hear of it as of a new comment. Deleted comments stay as they are.
    Not durable, so scoring runs it inside post_comment's transaction; `acting` names a moderator, for the audit
    log. `comment` itself takes the new status, so the caller sees it."""
    with transaction.atomic():
        fresh = Comment.objects.select_for_update().get(pk=comment.pk)
        before, wanted = fresh.status, fresh.status
        if spam and before != CommentStatus.DELETED:
            wanted = CommentStatus.SPAM
        elif not spam and before == CommentStatus.SPAM:
            work = Work.objects.get(pk=fresh.work_id)
            by_creator = fresh.user is not None and work.is_created_by(fresh.user)
            wanted = CommentStatus.HELD if work.moderate_comments and not by_creator else CommentStatus.PUBLISHED
        if wanted != before:
            if acting is not None:
                action = "marked comment spam" if spam else "marked comment not spam"
                moderator_acted(acting, action, f"comment {fresh.pk} on work {fresh.work_id}", reason)
            fresh.status = wanted
            fresh.save(update_fields=["status"])
            _count(fresh.work_id, _counts(fresh, wanted) - _counts(fresh, before))
            if not spam:
                transaction.on_commit(lambda: comment_posted.send(sender=Comment, comment=fresh))
        comment.status = wanted
    return comment


def set_thread_frozen(comment: Comment, user: User, frozen: bool) -> Comment:
    """A creator freezes (or unfreezes) the thread `comment` is in: it takes no new replies."""
    if not _may_manage(comment, user):
        raise ValidationError("Only the work's creators can freeze threads.")
    with transaction.atomic(durable=True):
        Comment.objects.filter(pk=comment.root_id).update(frozen=frozen)
    return Comment.objects.get(pk=comment.root_id)


_STOP_REPLIES_SALT = "fanshelf.comments.stop-replies"


def stop_replies_token(comment: Comment) -> str:
    """The signed part of the link in a guest's reply email that stops those emails; it names one comment."""
    return signing.dumps(comment.pk, salt=_STOP_REPLIES_SALT)


def comment_for_stop_token(comment_id: int, token: str) -> Comment | None:
    """The guest comment a stop link names, or None for a forged, damaged or mismatched one."""
    try:
        signed_id = signing.loads(token, salt=_STOP_REPLIES_SALT)
    except signing.BadSignature:
        return None
    if signed_id != comment_id:
        return None
    return Comment.objects.filter(pk=comment_id, user__isnull=True).first()


@transaction.atomic
def stop_guest_replies(comment: Comment) -> Comment:
    """A guest no longer wants emails about replies to this comment."""
    comment.guest_wants_replies = False
    comment.save(update_fields=["guest_wants_replies"])
    return comment
