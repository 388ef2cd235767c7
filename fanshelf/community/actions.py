"""Readers' writes: kudos (and later comments, bookmarks, subscriptions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from fanshelf.accounts.blocking import blocker_ids_of, refuse_if_blocked
from fanshelf.accounts.models import User, is_moderator
from fanshelf.community.models import Kudos
from fanshelf.works.models import Work, WorkChange

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


KUDOS_BLOCKED = "One of this work's creators has blocked you: you can't leave kudos on it."


def kudos_blockers(work: Work) -> set[int]:
    """The accounts whose block keeps a person from leaving kudos on `work`: its creators."""
    return {pseud.user_id for pseud in work.creator_pseuds}


def may_leave_kudos(work: Work, user: User | AnonymousUser) -> bool:
    """Whether the work page offers this reader the Kudos button: not to its creators, moderators, or people a
    creator blocked (leave_kudos refuses them all)."""
    if not user.is_authenticated:
        return True
    return not (is_moderator(user) or work.is_created_by(user) or blocker_ids_of(user) & kudos_blockers(work))


@transaction.atomic
def leave_kudos(work: Work, user: User | None, guest_key: str) -> Kudos:
    """Leave kudos once per user, or once per guest key (the web uses one per client address); never on one's own
    work or an unposted one, and never from a moderator, whose kudos would not count (as on AO3). Someone a creator
    of the work blocked is refused with PermissionDenied, which the view answers with 403."""
    if not work.posted:
        raise ValidationError("Kudos can only be left on posted works.")
    if user is not None and is_moderator(user):
        raise ValidationError("Moderators can't leave kudos: kudos from the archive's staff would not count.")
    if user is not None and work.is_created_by(user):
        raise ValidationError("You can't leave kudos on your own work.")
    refuse_if_blocked(kudos_blockers(work), user, KUDOS_BLOCKED)
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
