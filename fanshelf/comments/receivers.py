"""Receivers for signals sent by the apps below comments. Imported by CommentsConfig.ready()."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import F
from django.dispatch import receiver

from fanshelf.accounts.models import User
from fanshelf.accounts.signals import account_deleting
from fanshelf.comments.guest_section import quiet_section
from fanshelf.comments.models import Comment, CommentStatus
from fanshelf.works.guest_page import quiet_comments
from fanshelf.works.models import Work, WorkChange


@receiver(account_deleting, dispatch_uid="comments.settle_deleted_accounts_comments")
def settle_deleted_accounts_comments(sender: object, user: User, delete_comments: bool = False, **kwargs: Any) -> None:
    """A deleted account's comments stay, shown as "(deleted account)" (their user and pseud are cleared as the
    account goes), unless the person asked for them to go too. Then each goes as `delete_comment` would take it:
    one with replies by others stays as "(Previous comment deleted.)", the others are removed, deepest first so a
    thread of the person's own replies goes whole; the works' thread counts and the outbox follow."""
    if not delete_comments:
        return
    threads_gone: Counter[int] = Counter()
    for comment in Comment.objects.filter(user=user).order_by("-depth", "-pk"):
        if comment.parent_id is None and comment.status == CommentStatus.PUBLISHED:
            threads_gone[comment.work_id] += 1
        if Comment.objects.filter(parent_id=comment.pk).exists():
            Comment.objects.filter(pk=comment.pk).update(status=CommentStatus.DELETED, text="", edited_at=None)
        else:
            Comment.objects.filter(pk=comment.pk).delete()
    for work_id, gone in sorted(threads_gone.items()):
        Work.objects.filter(pk=work_id, comment_count__gte=gone).update(comment_count=F("comment_count") - gone)
        WorkChange.objects.create(work_id=work_id, kind="comments")


@receiver(quiet_comments, dispatch_uid="comments.quiet_section")
def answer_quiet_comments(sender: object, context: dict[str, Any], **kwargs: Any) -> str | None:
    """A guest's work page asks for its comment section (comments/guest_section.py)."""
    return quiet_section(context)
