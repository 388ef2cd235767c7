"""Comments on a person's works and replies to their comments, in the inbox and by email (their preference).

The comments app sends its signals after its transaction commits, so mail goes out without holding a lock.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.mail import EmailMessage
from django.urls import NoReverseMatch, reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator

from fanshelf.accounts.models import User
from fanshelf.comments.actions import stop_replies_token
from fanshelf.comments.models import Comment, CommentStatus
from fanshelf.core.site_url import absolute_url
from fanshelf.inbox.actions import Delivery, deliver
from fanshelf.inbox.models import EntryKind
from fanshelf.inbox.notify import send_email
from fanshelf.works.models import Work


def comment_url(comment: Comment) -> str:
    try:
        return comment.get_absolute_url()
    except NoReverseMatch:  # the comment pages' routes are not mounted: the work page still leads there
        return comment.work.get_absolute_url()


def excerpt(comment: Comment) -> str:
    return Truncator(strip_tags(comment.text)).chars(300)


def _commenter_name(comment: Comment, recipient: User | AnonymousUser) -> str:
    """A creator commenting on their own anonymous work stays anonymous to those who may not know them."""
    work = comment.work
    author = comment.user
    if author is not None and work.anonymous and work.is_created_by(author) and not work.shows_creators_to(recipient):
        return "Anonymous (creator of the work)"
    return comment.author_name


def _place(comment: Comment) -> str:
    chapter = comment.chapter
    if chapter is not None and comment.work.posted_chapter_count > 1:
        return f"chapter {chapter.position} of “{comment.work.title}”"
    return f"“{comment.work.title}”"


def comment_posted(comment: Comment) -> None:
    """Creators hear of every comment (held ones ask for approval); the parent's author hears of a published reply."""
    if comment.status not in (CommentStatus.PUBLISHED, CommentStatus.HELD):
        return
    work = comment.work
    parent_user_id = _parent_user_id(comment) if comment.status == CommentStatus.PUBLISHED else None
    creators = User.objects.filter(pseuds__creatorships__work=work, is_active=True).distinct()
    for creator in creators:
        if creator.pk == comment.user_id or creator.pk == parent_user_id:
            continue
        name = _commenter_name(comment, creator)
        if comment.status == CommentStatus.HELD:
            subject = f"{name} left a comment on {_place(comment)} awaiting your approval"
        else:
            subject = f"{name} commented on {_place(comment)}"
        digest = creator.comment_emails == "digest"
        delivery = Delivery(
            EntryKind.COMMENT, subject, comment_url(comment), work.pk, comment.pk, excerpt(comment), False
        )
        deliver(creator, delivery, email_pending=digest)
        if creator.comment_emails == "each":
            _email(creator, delivery)
    if parent_user_id is not None:
        _tell_parent_author(comment, parent_user_id)
    if comment.status == CommentStatus.PUBLISHED:
        _email_guest_parent(comment)


def comment_approved(comment: Comment) -> None:
    """The creators were told when it was posted; the parent's author hears of the reply only now it is public."""
    parent_user_id = _parent_user_id(comment)
    if comment.status == CommentStatus.PUBLISHED and parent_user_id is not None:
        _tell_parent_author(comment, parent_user_id)
    if comment.status == CommentStatus.PUBLISHED:
        _email_guest_parent(comment)


def _parent_user_id(comment: Comment) -> int | None:
    parent = comment.parent
    if parent is None or parent.user_id is None or parent.user_id == comment.user_id:
        return None
    return parent.user_id


def _tell_parent_author(comment: Comment, user_id: int) -> None:
    recipient = User.objects.filter(pk=user_id, is_active=True).first()
    # Someone who may no longer open the work (hidden since, say) is not told what is said on it.
    if recipient is None or not Work.objects.posted_visible_to(recipient).filter(pk=comment.work_id).exists():
        return
    delivery = Delivery(
        EntryKind.REPLY,
        f"{_commenter_name(comment, recipient)} replied to your comment on {_place(comment)}",
        comment_url(comment),
        comment.work_id,
        comment.pk,
        excerpt(comment),
    )
    deliver(recipient, delivery)
    if recipient.reply_emails:
        _email(recipient, delivery)


def _email_guest_parent(comment: Comment) -> None:
    """A guest who ticked "Email me replies" hears of a published reply to their comment, by email only (they have
    no inbox). Their address goes into the To header and nowhere else; nothing is sent if the reply is their own
    (same address) or if the work is no longer one a guest may read."""
    parent = comment.parent
    if parent is None or parent.user_id is not None or not parent.guest_wants_replies or not parent.guest_email:
        return
    if parent.status != CommentStatus.PUBLISHED or comment.guest_email.lower() == parent.guest_email.lower():
        return
    if not Work.objects.posted_visible_to(AnonymousUser()).filter(pk=comment.work_id).exists():
        return
    subject = f"{_commenter_name(comment, AnonymousUser())} replied to your comment on {_place(comment)}"
    stop = reverse("comments:stop_replies", args=[parent.pk, stop_replies_token(parent)])
    body = (
        f"{subject}:\n\n{excerpt(comment)}\n\nRead and reply: {absolute_url(comment_url(comment))}\n\n"
        f"Stop emails about replies to your comment: {absolute_url(stop)}\n"
    )
    EmailMessage(f"[{settings.SITE_NAME}] {subject}", body, None, [parent.guest_email]).send(fail_silently=True)


def _email(user: User, delivery: Delivery) -> None:
    if user.email:
        body = f"{delivery.subject}:\n\n{delivery.excerpt}\n\nRead and reply: {absolute_url(delivery.url)}"
        send_email(user, delivery.subject, body)
