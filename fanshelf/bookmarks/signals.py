"""Receivers for signals sent by the apps below bookmarks. Imported by BookmarksConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from fanshelf.accounts.models import User
from fanshelf.accounts.signals import account_deleting
from fanshelf.bookmarks.actions import remove_bookmarks_of


@receiver(account_deleting, dispatch_uid="bookmarks.remove_bookmarks_of_deleted_account")
def remove_deleted_accounts_bookmarks(sender: object, user: User, **kwargs: Any) -> None:
    """The account's rows would go with it by cascade, but the counts on its bookmarked works must drop too."""
    remove_bookmarks_of(user)
