"""Readers' writes: kudos (and later comments, bookmarks, subscriptions)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from fanshelf.accounts.models import User, is_moderator
from fanshelf.community.models import Kudos
from fanshelf.works.models import Work, WorkChange


@transaction.atomic
def leave_kudos(work: Work, user: User | None, guest_key: str) -> Kudos:
    """Leave kudos once per user, or once per guest key (the web uses one per client address); never on one's own
    work or an unposted one, and never from a moderator, whose kudos would not count (as on AO3)."""
    if not work.posted:
        raise ValidationError("Kudos can only be left on posted works.")
    if user is not None and is_moderator(user):
        raise ValidationError("Moderators can't leave kudos: kudos from the archive's staff would not count.")
    if user is not None and work.is_created_by(user):
        raise ValidationError("You can't leave kudos on your own work.")
    lookup = {"user": user} if user is not None else {"user": None, "guest_key": guest_key}
    if Kudos.objects.filter(work=work, **lookup).exists():
        raise ValidationError("You have already left kudos here. :)")
    try:
        with transaction.atomic():
            kudos = Kudos.objects.create(work=work, user=user, guest_key="" if user else guest_key)
    except IntegrityError:
        raise ValidationError("You have already left kudos here. :)") from None
    Work.objects.filter(pk=work.pk).update(kudos_count=F("kudos_count") + 1)
    WorkChange.objects.create(work_id=work.pk, kind="kudos")
    return kudos
