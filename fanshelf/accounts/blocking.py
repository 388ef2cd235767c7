"""Blocks and mutes: the actions that make and undo them, and the questions other apps ask about them.

A block stops the blocked person reaching the blocker (comments and replies on the blocker's works and comments,
kudos, gifts, co-creator invitations); a mute takes the muted person's works, series, bookmarks and comments out of
what the muter sees. Neither is ever shown to the other person. docs/blocking.md describes both for users.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from fanshelf.accounts import models as account_models
from fanshelf.accounts.models import Block, Mute, Pseud, User, is_moderator
from fanshelf.core.prepared import Prepared

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def _drop_invitations_between(blocker: User, blocked: User) -> int:
    """Delete pending co-creator invitations between the two: to the blocked person on a work the blocker is
    credited on or sent by the blocker, and to the blocker from the blocked person or on their works. Accounts sits
    below works and never imports it: the CreatorInvitation model is reached through the reverse side of its
    relation to Pseud at run time, as tags/usage.py reaches Work (docs/architecture.md)."""
    invitations = Pseud._meta.get_field("creator_invitations").related_model._default_manager
    between = Q(pseud__user=blocked) & (Q(invited_by=blocker) | Q(work__creatorships__pseud__user=blocker))
    between |= Q(pseud__user=blocker) & (Q(invited_by=blocked) | Q(work__creatorships__pseud__user=blocked))
    ids = list(invitations.filter(between).values_list("pk", flat=True).distinct())
    deleted, _ = invitations.filter(pk__in=ids).delete()
    return int(deleted)


_MUTED_MEMO, _BLOCKERS_MEMO = "_fanshelf_muted_ids", "_fanshelf_blocker_ids"


def _muted_by(shape: str, user_id: int) -> QuerySet[Any]:
    return Mute.objects.filter(muter_id=user_id).order_by().values_list("muted_id")


def _blockers_of(shape: str, user_id: int) -> QuerySet[Any]:
    return Block.objects.filter(blocked_id=user_id).order_by().values_list("blocker_id")


# Asked on every signed-in page that shows works or controls: compiled once (core/prepared.py).
_muted, _blockers = Prepared(_muted_by), Prepared(_blockers_of)


def _remembered(user: User | AnonymousUser | None, name: str, load: Callable[[int], frozenset[int]]) -> frozenset[int]:
    """`load(user.pk)`, kept on the user object for the rest of its life: one request's user asks only once, however
    many parts of the page ask. The actions below forget it on the objects they change."""
    if user is None or not user.is_authenticated:
        return frozenset()
    known: frozenset[int] | None = user.__dict__.get(name)
    if known is None:
        known = load(user.pk)
        user.__dict__[name] = known
    return known


def _forget(*users: User) -> None:
    """Drop every memo kept on these user objects: by convention each is named `_fanshelf_*` (these, and the
    discovery engine's reader versions)."""
    for user in users:
        for name in [name for name in user.__dict__ if name.startswith("_fanshelf_")]:
            del user.__dict__[name]


def muted_user_ids(user: User | AnonymousUser | None) -> frozenset[int]:
    """The ids of the accounts `user` has muted: empty for guests. Listings, comment threads, bookmark and series
    pages leave out what these accounts made, for this reader only.

    One indexed query (at most MUTE_LIMIT ids), made once per user object, so once per request however many parts
    of a page ask. The set changes exactly when a mute is made or undone, so it can serve as (part of) a memo key,
    or be hashed into one."""
    return _remembered(user, _MUTED_MEMO, lambda pk: frozenset(row[0] for row in _muted.rows("muted", pk)))


def blocker_ids_of(user: User | AnonymousUser | None) -> frozenset[int]:
    """The ids of the accounts that blocked `user` (empty for guests), once per request as `muted_user_ids`: pages
    decide from it which controls to leave out for this person. The actions ask the database afresh."""
    return _remembered(user, _BLOCKERS_MEMO, lambda pk: frozenset(row[0] for row in _blockers.rows("blockers", pk)))


def relation_to(user: User | AnonymousUser, other: User) -> tuple[bool, bool]:
    """Whether `user` has blocked, and whether they have muted, `other`, in one query (the profile's buttons)."""
    if not user.is_authenticated:
        return False, False
    row = (
        User.objects.filter(pk=other.pk)
        .annotate(
            blocking=Exists(Block.objects.filter(blocker_id=user.pk, blocked_id=OuterRef("pk"))),
            muting=Exists(Mute.objects.filter(muter_id=user.pk, muted_id=OuterRef("pk"))),
        )
        .values_list("blocking", "muting")
        .first()
    )
    return (bool(row[0]), bool(row[1])) if row else (False, False)


def muted_ids_query(user: User | AnonymousUser) -> QuerySet[Mute, Any]:
    """The ids `muted_user_ids` gives, as a subquery to put inside a bigger query (no query of its own)."""
    return Mute.objects.filter(muter_id=user.pk if user.is_authenticated else None).values("muted_id")


def blocked_by_any(blocker_ids: set[int] | frozenset[int], user: User | AnonymousUser | None) -> bool:
    """Whether any of the accounts `blocker_ids` (say, every creator of a work) blocked `user`. A person is never
    blocked from their own things, so `user`'s own id in the set does not count."""
    if user is None or not user.is_authenticated:
        return False
    others = set(blocker_ids) - {user.pk}
    return bool(others) and Block.objects.filter(blocker_id__in=others, blocked_id=user.pk).exists()


def block_refusal(user: User, target: User) -> str:
    """Why `user` may never block `target`, or "" when they may (the limit aside): the block page shows it
    instead of its button."""
    if target.pk == user.pk:
        return "You can't block yourself."
    if target.is_official:
        return OFFICIAL_REFUSAL
    if is_moderator(target):
        return "Moderators can't be blocked, so they can always reach you about the archive. You can mute them."
    return ""


OFFICIAL_REFUSAL = (
    "This is an official account of the archive: its news reaches everyone, so it can't be blocked or muted."
)


def mute_refusal(user: User, target: User) -> str:
    """Why `user` may never mute `target`, or "" when they may: anyone but oneself and official accounts."""
    if target.pk == user.pk:
        return "You can't mute yourself."
    return OFFICIAL_REFUSAL if target.is_official else ""


def block_limit() -> int:
    """How many people one person may block (accounts.models.BLOCK_LIMIT, read when asked)."""
    return account_models.BLOCK_LIMIT


def mute_limit() -> int:
    """How many people one person may mute (accounts.models.MUTE_LIMIT, read when asked)."""
    return account_models.MUTE_LIMIT


def _limit_error(what: str, limit: int) -> ValidationError:
    undo = "Unblock" if what == "blocked" else "Unmute"
    return ValidationError(
        {"user": f"You have {what} {limit:,} people, the most anyone can. {undo} someone first to make room."}
    )


@transaction.atomic(durable=True)
def block(blocker: User, target: User) -> Block:
    """`blocker` blocks `target`. Blocking someone already blocked changes nothing. Refused for oneself, for a
    moderator (they must be able to reach everyone while acting as moderators), and past BLOCK_LIMIT."""
    _forget(blocker, target)
    if refusal := block_refusal(blocker, target):
        raise ValidationError({"user": refusal})
    existing = Block.objects.filter(blocker=blocker, blocked=target).first()
    if existing is not None:
        return existing
    # Counted under a lock on the blocker's row, so two blocks at once cannot pass the limit together.
    User.objects.select_for_update().filter(pk=blocker.pk).first()
    limit = block_limit()
    if Block.objects.filter(blocker=blocker).count() >= limit:
        raise _limit_error("blocked", limit)
    try:
        with transaction.atomic():
            made = Block.objects.create(blocker=blocker, blocked=target)
    except IntegrityError:  # the same block made by a request a moment ago
        return Block.objects.get(blocker=blocker, blocked=target)
    _drop_invitations_between(blocker, target)
    return made


@transaction.atomic(durable=True)
def unblock(blocker: User, target: User) -> bool:
    """`blocker` unblocks `target`; whether there was a block to undo."""
    _forget(blocker, target)
    deleted, _ = Block.objects.filter(blocker=blocker, blocked=target).delete()
    return bool(deleted)


@transaction.atomic(durable=True)
def mute(muter: User, target: User) -> Mute:
    """`muter` mutes `target`. Anyone may be muted (moderators too) except oneself; muting twice changes nothing;
    refused past MUTE_LIMIT."""
    _forget(muter)
    if refusal := mute_refusal(muter, target):
        raise ValidationError({"user": refusal})
    existing = Mute.objects.filter(muter=muter, muted=target).first()
    if existing is not None:
        return existing
    User.objects.select_for_update().filter(pk=muter.pk).first()
    limit = mute_limit()
    if Mute.objects.filter(muter=muter).count() >= limit:
        raise _limit_error("muted", limit)
    try:
        with transaction.atomic():
            return Mute.objects.create(muter=muter, muted=target)
    except IntegrityError:
        return Mute.objects.get(muter=muter, muted=target)


@transaction.atomic(durable=True)
def unmute(muter: User, target: User) -> bool:
    """`muter` unmutes `target`; whether there was a mute to undo."""
    _forget(muter)
    deleted, _ = Mute.objects.filter(muter=muter, muted=target).delete()
    return bool(deleted)


def refuse_if_blocked(blocker_ids: set[int] | frozenset[int], user: User | AnonymousUser | None, message: str) -> None:
    """Raise PermissionDenied(message) when any of `blocker_ids` blocked `user`: the views answer 403 with it.
    A blocked person trying the address directly is told plainly; nothing tells them at the moment of the block."""
    if blocked_by_any(blocker_ids, user):
        raise PermissionDenied(message)
