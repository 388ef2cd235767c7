"""Every write to the inbox and to subscriptions. Inbox entries are not works, so no outbox row is written."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from fanshelf.accounts.models import User
from fanshelf.inbox.models import InboxEntry, Subscription
from fanshelf.works.access import is_listed_for
from fanshelf.works.models import Series, Work

SUBJECT_MAX = InboxEntry._meta.get_field("subject").max_length or 300
EXCERPT_MAX = 500


@dataclass(frozen=True)
class Delivery:
    """One entry to deliver: what it says, where it leads and what it is about."""

    kind: str
    subject: str
    url: str = ""
    work_id: int | None = None
    comment_id: int | None = None
    excerpt: str = ""
    names_creators: bool = False


def _entry(user: User, delivery: Delivery, email_pending: bool) -> InboxEntry:
    return InboxEntry(
        user=user,
        kind=delivery.kind,
        subject=delivery.subject[:SUBJECT_MAX],
        excerpt=delivery.excerpt[:EXCERPT_MAX],
        url=delivery.url[:500],
        work_id=delivery.work_id,
        comment_id=delivery.comment_id,
        names_creators=delivery.names_creators,
        email_pending=email_pending,
    )


@transaction.atomic
def deliver(user: User, delivery: Delivery, *, email_pending: bool = False) -> InboxEntry:
    """Put one entry in a person's inbox. Callers decide who may be told what (notify.py does)."""
    entry = _entry(user, delivery, email_pending)
    entry.save()
    return entry


@transaction.atomic
def deliver_to_many(users: Iterable[tuple[User, bool]], delivery: Delivery) -> list[InboxEntry]:
    """The same entry for many people at once (subscribers), each with its own digest flag."""
    return InboxEntry.objects.bulk_create([_entry(user, delivery, pending) for user, pending in users])


@transaction.atomic
def mark_read(user: User, entry_ids: Sequence[int], read: bool = True) -> int:
    return InboxEntry.objects.of(user).filter(pk__in=list(entry_ids)).update(read=read)


@transaction.atomic
def delete_entries(user: User, entry_ids: Sequence[int]) -> int:
    deleted, _ = InboxEntry.objects.of(user).filter(pk__in=list(entry_ids)).delete()
    return deleted


@transaction.atomic
def mark_replied(entry: InboxEntry) -> None:
    entry.read = entry.replied = True
    entry.save(update_fields=["read", "replied"])


def subscribe(
    user: User, *, work: Work | None = None, series: Series | None = None, creator: User | None = None
) -> Subscription:
    """Subscribe to one thing the user may see; subscribing twice keeps the first subscription."""
    if sum(target is not None for target in (work, series, creator)) != 1:
        raise ValidationError("Subscribe to one work, series or creator.")
    if work is not None and not is_listed_for(user, work.pk):
        raise ValidationError("You can only subscribe to posted works you can see.")
    if work is not None and work.is_created_by(user):
        raise ValidationError("You can't subscribe to your own work.")
    if series is not None and series.is_created_by(user):
        raise ValidationError("You can't subscribe to your own series.")
    if creator is not None and (creator.pk == user.pk or not creator.is_active):
        raise ValidationError("You can't subscribe to that account.")
    target = {"work": work, "series": series, "creator": creator}
    existing = Subscription.objects.filter(user=user, **{k: v for k, v in target.items() if v is not None}).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Subscription.objects.create(user=user, **target)
    except IntegrityError:  # the same click twice at once: the other request made it
        return Subscription.objects.get(user=user, **{k: v for k, v in target.items() if v is not None})


@transaction.atomic
def unsubscribe(subscription: Subscription) -> None:
    subscription.delete()
