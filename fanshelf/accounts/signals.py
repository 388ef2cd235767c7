from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from fanshelf.accounts.models import Pseud, User


@receiver(post_save, sender=User)
def give_new_user_a_default_pseud(sender: type[User], instance: User, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        Pseud.objects.create(user=instance, name=instance.username, is_default=True)
