"""Spam scoring hears of new works and comments through signals sent inside the actions posting them, so a held
item is hidden in the same transaction it is posted in. Imported by SpamConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from fanshelf.accounts.models import User
from fanshelf.accounts.signals import account_deleting
from fanshelf.comments.models import Comment
from fanshelf.comments.signals import comment_submitted
from fanshelf.spam import actions
from fanshelf.works.models import Work
from fanshelf.works.signals import work_first_posted


@receiver(work_first_posted, dispatch_uid="spam.check_posted_work")
def check_posted_work(sender: object, work: Work, **kwargs: Any) -> None:
    actions.check_work(work)


@receiver(comment_submitted, dispatch_uid="spam.check_submitted_comment")
def check_submitted_comment(sender: object, comment: Comment, **kwargs: Any) -> None:
    actions.check_comment(comment)


@receiver(account_deleting, dispatch_uid="spam.forget_deleted_account")
def forget_deleted_account(sender: object, user: User, **kwargs: Any) -> None:
    actions.forget_account(user)
