from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save, pre_save
from django.dispatch import Signal, receiver

from fanshelf.accounts.models import Pseud, User


@receiver(post_save, sender=User)
def give_new_user_a_default_pseud(sender: type[User], instance: User, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        Pseud.objects.create(user=instance, name=instance.username, is_default=True)


pseud_renamed = Signal()
"""Sent after a save that changes a pseud's name or its user's username (in `update_pseud` or the admin alike),
inside the saving transaction, with sender=Pseud and ``pseud_id``. Accounts sits below the apps that credit
pseuds; fanshelf.works writes an outbox row for each work credited to it, since listings show creator names (and
link them by username) and sort by them."""

account_deleting = Signal()
"""Sent by `delete_account` inside its transaction, just before the account is deleted, with sender=User,
``user``, ``works`` ("delete" or "orphan": what becomes of its works), ``keep_names`` (orphaned works keep showing
its pseuds' names) and ``delete_comments`` (its comments go too, rather than staying as "(deleted account)").
Accounts cannot say what becomes of works made under its pseuds: fanshelf.works deletes or orphans the works the
account made alone and takes its credit off works made with others, writing the outbox as it goes; the apps that
hold its other traces (comments, bookmarks, hits) settle theirs."""

pseud_deleting = Signal()
"""Sent by `delete_pseud` inside its transaction, just before the pseud is deleted, with sender=Pseud, ``pseud``,
``works`` ("move", "orphan" or "delete"), ``target`` (the user's pseud that takes what moves) and ``keep_names``
(orphaned works keep showing the pseud's name). fanshelf.works moves, orphans or deletes the works credited to the
pseud and moves its series, chapter, gift and invitation credits to `target`; whatever else still points at the
pseud afterwards (bookmarks, comments) is moved to `target` by `delete_pseud` itself."""


def _name_before(model: type[Pseud] | type[User], pk: int | None, field: str, saving: Any) -> str | None:
    """The stored name before this save; None for a new row, a fixture load, or a save of other fields only
    (logging in saves `last_login` alone, and must not cost a query)."""
    update_fields = saving.get("update_fields")
    if pk is None or saving.get("raw") or (update_fields is not None and field not in update_fields):
        return None
    before: str | None = model.objects.filter(pk=pk).values_list(field, flat=True).first()
    return before


@receiver(pre_save, sender=Pseud, dispatch_uid="accounts.note_pseud_rename")
def note_pseud_rename(sender: type[Pseud], instance: Pseud, **kwargs: Any) -> None:
    before = _name_before(Pseud, instance.pk, "name", kwargs)
    instance._renamed = before is not None and before != instance.name  # type: ignore[attr-defined]


@receiver(pre_save, sender=User, dispatch_uid="accounts.note_username_change")
def note_username_change(sender: type[User], instance: User, **kwargs: Any) -> None:
    before = _name_before(User, instance.pk, "username", kwargs)
    instance._renamed = before is not None and before != instance.username  # type: ignore[attr-defined]


@receiver(post_save, sender=Pseud, dispatch_uid="accounts.announce_pseud_rename")
def announce_pseud_rename(sender: type[Pseud], instance: Pseud, **kwargs: Any) -> None:
    if getattr(instance, "_renamed", False):
        pseud_renamed.send(sender=Pseud, pseud_id=instance.pk)


@receiver(post_save, sender=User, dispatch_uid="accounts.announce_username_change")
def announce_username_change(sender: type[User], instance: User, **kwargs: Any) -> None:
    if getattr(instance, "_renamed", False):
        for pseud_id in instance.pseuds.values_list("pk", flat=True):
            pseud_renamed.send(sender=Pseud, pseud_id=pseud_id)
