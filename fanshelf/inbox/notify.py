"""Who is told what when something is posted or cited, in the inbox and by email.

Everything here runs after the posting transaction has committed (receivers.py defers it with on_commit), so
telling a thousand subscribers never holds the write lock other writers wait on, and a rolled-back post tells no one.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db.models import Q
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.core.site_url import absolute_url
from fanshelf.inbox.actions import Delivery, deliver, deliver_to_many
from fanshelf.inbox.models import EntryKind, InboxEntry, Subscription
from fanshelf.works.models import Series, SeriesEntry, Work

UNSUBSCRIBE_SALT = "fanshelf.inbox.unsubscribe"


def unsubscribe_token(subscription: Subscription) -> str:
    return signing.dumps({"s": subscription.pk, "u": subscription.user_id}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(subscription: Subscription) -> str:
    return absolute_url(reverse("inbox:unsubscribe", args=[unsubscribe_token(subscription)]))


def subscription_from_token(token: str) -> Subscription | None:
    """The subscription a signed link names, or None when the link is forged, mangled or already used."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("s"), int) or not isinstance(data.get("u"), int):
        return None
    return Subscription.objects.filter(pk=data["s"], user_id=data["u"]).first()


def send_email(user: User, subject: str, body: str, unsubscribe: str = "") -> None:
    """One email; with an unsubscribe link, also the List-Unsubscribe header mail programs show as a button."""
    headers = {}
    if unsubscribe:  # RFC 8058: the mail program POSTs to the link, no login and no page needed
        headers = {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    if unsubscribe:
        body += f"\n\nUnsubscribe (no login needed): {unsubscribe}\n"
    message = EmailMessage(f"[{settings.SITE_NAME}] {subject}", body, None, [user.email], headers=headers)
    message.send(fail_silently=True)


def _creator_names(work: Work) -> str:
    return ", ".join(pseud.name for pseud in work.creator_pseuds)


def announce_posting(work_id: int, kind: str) -> None:
    """Tell subscribers that a work or a chapter was posted (an outbox row of kind created/posted/chapter_posted).

    Only a work every signed-in reader may list is announced (never a draft, a hidden or an unrevealed work);
    subscribers are all signed in, so a restricted work reaches them. An anonymous work is announced to the work's
    own subscribers only: telling a creator's or a series' subscribers would say whose it is. A revealed work
    (kind "revealed") is announced as a newly posted one.
    """
    work = Work.objects.listed_for_users().filter(pk=work_id).first()
    if work is None:
        return
    creator_ids = set(work.creatorships.values_list("pseud__user_id", flat=True))
    if kind == "chapter_posted":
        subscriptions = Subscription.objects.filter(work=work)
        delivery = Delivery(
            EntryKind.SUBSCRIPTION,
            f"New chapter of “{work.title}” ({work.chapter_display})",
            url=work.get_absolute_url(),
            work_id=work.pk,
        )
    elif work.anonymous:
        return
    else:
        series_ids = SeriesEntry.objects.filter(work=work).values_list("series_id", flat=True)
        subscriptions = Subscription.objects.filter(Q(creator_id__in=creator_ids) | Q(series_id__in=series_ids))
        delivery = Delivery(
            EntryKind.SUBSCRIPTION,
            f"New work by {_creator_names(work)}: “{work.title}”",
            url=work.get_absolute_url(),
            work_id=work.pk,
            names_creators=True,
        )
    _fan_out(work, subscriptions.exclude(user_id__in=creator_ids), delivery)


def announce_series_entry(work_id: int, series_id: int) -> None:
    """Tell a series' subscribers that a posted work joined it, under the same rules as a new work's notice."""
    work = Work.objects.listed_for_users().filter(pk=work_id, anonymous=False).first()
    series = Series.objects.filter(pk=series_id, entries__work_id=work_id).first()
    if work is None or series is None:  # unlisted, anonymous, or taken out of the series again before commit
        return
    creator_ids = set(work.creatorships.values_list("pseud__user_id", flat=True))
    delivery = Delivery(
        EntryKind.SUBSCRIPTION,
        f"New work in the series “{series.title}” by {_creator_names(work)}: “{work.title}”",
        url=work.get_absolute_url(),
        work_id=work.pk,
        names_creators=True,
    )
    _fan_out(work, Subscription.objects.filter(series=series).exclude(user_id__in=creator_ids), delivery)


def _fan_out(work: Work, subscriptions: Iterable[Subscription], delivery: Delivery) -> None:
    """One entry per active subscriber (several subscriptions to one work tell a person once)."""
    chosen: dict[int, Subscription] = {}
    for subscription in subscriptions:
        chosen.setdefault(subscription.user_id, subscription)
    if delivery.names_creators:
        # A new work is news once: not again when it joins a series, joins a second one, or is revealed again.
        told = InboxEntry.objects.filter(
            user_id__in=list(chosen), work_id=work.pk, kind=EntryKind.SUBSCRIPTION, names_creators=True
        ).values_list("user_id", flat=True)
        for user_id in told:
            chosen.pop(user_id, None)
    # announce_posting only gets here for works every signed-in reader may open, so no per-person check is needed.
    readers = {user.pk: user for user in User.objects.filter(pk__in=list(chosen), is_active=True)}
    deliver_to_many([(user, user.subscription_emails == "hourly") for user in readers.values()], delivery)
    for user in readers.values():
        if user.subscription_emails == "immediately" and user.email:
            body = f"{delivery.subject}\n\nRead it: {absolute_url(delivery.url)}"
            send_email(user, delivery.subject, body, unsubscribe_url(chosen[user.pk]))


def announce_citation(child_id: int, parent_id: int, recipient: User, title: str, creators: str) -> None:
    """A related work cites one of the recipient's works; works.related decided what the recipient may be told."""
    parent = Work.objects.filter(pk=parent_id).first()
    if parent is None:
        return
    deliver(
        recipient,
        Delivery(
            EntryKind.CITATION,
            f"“{title}” by {creators} cites your work “{parent.title}”",
            url=reverse("works:related_links"),
            work_id=child_id,
            names_creators=True,
        ),
    )
