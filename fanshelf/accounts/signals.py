from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from fanshelf.accounts.models import Pseud, User


@receiver(post_save, sender=User)
def give_new_user_a_default_pseud(sender: type[User], instance: User, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        Pseud.objects.create(user=instance, name=instance.username, is_default=True)


pseud_renamed = Signal()
"""Sent by `update_pseud` inside its transaction when a pseud's name changes, with sender=Pseud and ``pseud_id``.
Accounts sits below the apps that credit pseuds; fanshelf.works writes an outbox row for each work credited to it,
since listings show and sort by creator names."""
