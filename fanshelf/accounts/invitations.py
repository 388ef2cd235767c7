"""Sign-ups by invitation: people ask to join, the queue invites the oldest requests in batches, and an invitation's
code lets one account be made (docs/signups.md).

Whether sign-ups are open, by invitation or closed is a site switch (fanshelf.core.switches: `signups`,
`invitations_per_batch`, `invitation_hours`), changed by moderators at runtime. The allauth adapter
(accounts/adapter.py) asks `signup_allowed` and spends the code with `use_invitation` in the transaction that
makes the account.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from fanshelf.accounts.models import Invitation, InvitationRequest, InvitationSchedule, User, is_moderator
from fanshelf.core.audit import moderator_acted
from fanshelf.core.site_url import absolute_url
from fanshelf.core.switches import current

OPEN, INVITATION, CLOSED = "open", "invitation", "closed"
EMAIL_MAX = 254
CODE_MAX = 64  # Invitation.code's max_length


def signup_mode() -> str:
    """ "open", "invitation" or "closed", as the moderators last set it."""
    return current().signups


def clean_email(email: str) -> str:
    """The address lower-cased and trimmed, or a ValidationError keyed "email"."""
    cleaned = email.strip().lower()
    if len(cleaned) > EMAIL_MAX:
        raise ValidationError({"email": [f"An email address can be at most {EMAIL_MAX} characters."]})
    try:
        validate_email(cleaned)
    except ValidationError:
        raise ValidationError({"email": ["Enter a valid email address."]}) from None
    return cleaned


def _now(now: datetime | None) -> datetime:
    return now if now is not None else timezone.now()


def usable_invitation(code: str) -> Invitation | None:
    """The unused invitation with this code, or None (a wrong, empty or used code)."""
    code = code.strip()
    if not code or len(code) > CODE_MAX:
        return None
    return Invitation.objects.filter(code=code, used_at__isnull=True).first()


def signup_allowed(code: str) -> bool:
    """Whether an account may be made now: always when sign-ups are open, with a usable code when they are by
    invitation, never when they are closed."""
    mode = signup_mode()
    return mode == OPEN or (mode == INVITATION and usable_invitation(code) is not None)


def use_invitation(code: str, user: User, now: datetime | None = None) -> None:
    """Spend the code on the account just made; call it inside the transaction that makes the account, so that of
    two sign-ups racing with one code, one account is made. Raises ValidationError when the code is not usable."""
    spent = Invitation.objects.filter(code=code.strip(), used_at__isnull=True).update(used_at=_now(now), used_by=user)
    if spent != 1:
        raise ValidationError("This invitation has already been used, or its code is wrong.")


@dataclass(frozen=True)
class QueuePlace:
    request: InvitationRequest
    position: int  # 1 for the next person to be invited


def queue_position(request: InvitationRequest) -> int:
    """How many open requests are ahead of this one, plus one."""
    ahead = InvitationRequest.objects.filter(invitation__isnull=True, created_at__lt=request.created_at).count()
    same_time = InvitationRequest.objects.filter(
        invitation__isnull=True, created_at=request.created_at, pk__lt=request.pk
    ).count()
    return ahead + same_time + 1


def request_invitation(email: str, now: datetime | None = None) -> QueuePlace:
    """Put an address in the queue for an invitation: one open request per address, and none for an address that
    has an account or was already invited. Refused (ValidationError keyed "email") when sign-ups are not by
    invitation."""
    if signup_mode() != INVITATION:
        raise ValidationError({"email": ["Invitations are not being given out at the moment."]})
    address = clean_email(email)
    if User.objects.filter(email__iexact=address).exists():
        raise ValidationError({"email": ["An account already uses this address: log in, or reset your password."]})
    if Invitation.objects.filter(email=address, used_at__isnull=True).exists():
        raise ValidationError({"email": ["An invitation was already sent to this address: look for it in your mail."]})
    try:
        with transaction.atomic(durable=True):
            request = InvitationRequest.objects.create(email=address, created_at=_now(now))
    except IntegrityError:  # the one-open-request constraint, also on a race between two tabs
        request = InvitationRequest.objects.get(email=address, invitation__isnull=True)
        raise ValidationError(
            {"email": [f"This address is already in the queue, at number {queue_position(request)}."]}
        ) from None
    return QueuePlace(request, queue_position(request))


def queue_summary() -> tuple[int, InvitationRequest | None]:
    """How many requests wait, and the oldest of them."""
    waiting = InvitationRequest.objects.filter(invitation__isnull=True)
    return waiting.count(), waiting.order_by("created_at", "pk").first()


def _new_invitation(email: str, invited_by: User | None, now: datetime) -> Invitation:
    return Invitation.objects.create(code=secrets.token_urlsafe(24), email=email, invited_by=invited_by, created_at=now)


def _send_invitation_email(invitation: Invitation) -> None:
    link = absolute_url(f"{reverse('account_signup')}?invitation={invitation.code}")
    body = (
        f"You asked to join {settings.SITE_NAME}, and it is your turn. Make your account here:\n\n{link}\n\n"
        "The link works once. If you did not ask, ignore this email."
    )
    send_mail(f"[{settings.SITE_NAME}] Your invitation", body, None, [invitation.email])


def _invite(requests: list[InvitationRequest], invited_by: User | None, now: datetime) -> list[Invitation]:
    invitations = []
    for request in requests:
        invitation = _new_invitation(request.email, invited_by, now)
        request.invitation = invitation
        request.save(update_fields=["invitation"])
        invitations.append(invitation)
    for invitation in invitations:
        transaction.on_commit(lambda invitation=invitation: _send_invitation_email(invitation))  # type: ignore[misc]
    return invitations


def batch_due_at(now: datetime | None = None) -> datetime | None:
    """When the next batch may go out (None: at once)."""
    schedule = InvitationSchedule.objects.filter(pk=1).first()
    if schedule is None or schedule.last_batch_at is None:
        return None
    return schedule.last_batch_at + timedelta(hours=current().invitation_hours)


def send_due_invitations(now: datetime | None = None) -> int:
    """Invite the oldest `invitations_per_batch` open requests if sign-ups are by invitation and at least
    `invitation_hours` have passed since the last batch; returns how many were invited (0 when none was due).

    Safe to run every few minutes and on several servers at once: the schedule row is locked (on SQLite the
    IMMEDIATE transaction serialises writers), so the second runner sees the batch just sent and sends nothing.
    A run that finds the queue empty leaves the schedule alone, so the next request is invited at the next run."""
    moment = _now(now)
    switches = current()
    if switches.signups != INVITATION or switches.invitations_per_batch < 1:
        return 0
    with transaction.atomic(durable=True):
        InvitationSchedule.objects.get_or_create(pk=1)
        schedule = InvitationSchedule.objects.select_for_update().get(pk=1)
        due = schedule.last_batch_at is None or moment >= schedule.last_batch_at + timedelta(
            hours=switches.invitation_hours
        )
        if not due:
            return 0
        oldest = InvitationRequest.objects.select_for_update().filter(invitation__isnull=True)
        batch = list(oldest.order_by("created_at", "pk")[: switches.invitations_per_batch])
        if not batch:
            return 0
        _invite(batch, None, moment)
        schedule.last_batch_at = moment
        schedule.save(update_fields=["last_batch_at"])
    return len(batch)


def invite_now(email: str, *, by: User, now: datetime | None = None) -> Invitation:
    """A moderator invites someone at once, whatever the queue and the mode: the address's open request, if any,
    leaves the queue. Audited."""
    if not is_moderator(by):
        raise PermissionDenied("Only moderators send invitations.")
    address = clean_email(email)
    if User.objects.filter(email__iexact=address).exists():
        raise ValidationError({"email": ["An account already uses this address."]})
    moment = _now(now)
    with transaction.atomic(durable=True):
        waiting = list(InvitationRequest.objects.select_for_update().filter(email=address, invitation__isnull=True))
        if waiting:
            [invitation] = _invite(waiting, by, moment)
        else:
            invitation = _new_invitation(address, by, moment)
            transaction.on_commit(lambda: _send_invitation_email(invitation))
        moderator_acted(by, "sent invitation", address, queued=bool(waiting))
    return invitation
