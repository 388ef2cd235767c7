"""Inbox entries (and emails) for sharing a work: co-creator invitations and gifts (fanshelf/works/sharing.py).

An invitation is delivered at once, whatever the work's state: the invitee is being asked, so they may know who
asks, even on an anonymous work or a draft. A gift is told only once the work is listed for signed-in readers
(posted, not hidden, not unrevealed), and once per recipient: a draft's recipients hear when it is posted.
"""

from __future__ import annotations

from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.core.site_url import absolute_url
from fanshelf.inbox.actions import Delivery, deliver
from fanshelf.inbox.models import EntryKind, InboxEntry
from fanshelf.inbox.notify import send_email
from fanshelf.works.models import CreatorInvitation, Gift, Work


def _creator_names(work: Work) -> str:
    return ", ".join(pseud.name for pseud in work.creator_pseuds)


def announce_invitation(invitation: CreatorInvitation) -> None:
    """Tell the invitee, in their inbox (with Accept and Decline) and by email."""
    work, invitee = invitation.work, invitation.pseud.user
    place = f" ({invitation.chapter.heading})" if invitation.chapter is not None else ""
    subject = f"{_creator_names(work)} invited {invitation.pseud.name} to be a co-creator of “{work.title}”{place}"
    deliver(invitee, Delivery(EntryKind.INVITATION, subject, url=work.get_absolute_url(), work_id=work.pk))
    if invitee.email:
        body = f"{subject}.\n\nAccept or decline it in your inbox: {absolute_url(reverse('inbox:inbox'))}\n"
        send_email(invitee, "A co-creator invitation", body)


def announce_gifts(work_id: int) -> None:
    """Tell each recipient of the work's gifts who has not been told yet, if the work is listed by now.
    Run after commit (inbox/receivers.py), on a gift given and on the work being posted or revealed."""
    gifts = Gift.objects.filter(work_id=work_id, pseud__isnull=False, refused=False, pseud__user__is_active=True)
    recipients = {gift.pseud.user_id: gift.pseud.user for gift in gifts.select_related("pseud__user") if gift.pseud}
    if not recipients:
        return
    work = Work.objects.listed_for_users().filter(pk=work_id).first()
    if work is None:
        return
    told = InboxEntry.objects.filter(work_id=work_id, kind=EntryKind.GIFT, user_id__in=list(recipients))
    for user_id in told.values_list("user_id", flat=True):
        recipients.pop(user_id, None)
    creators = "Anonymous" if work.anonymous else _creator_names(work)
    subject = f"“{work.title}” by {creators} is a gift for you"
    delivery = Delivery(
        EntryKind.GIFT, subject, url=work.get_absolute_url(), work_id=work.pk, names_creators=not work.anonymous
    )
    for user in recipients.values():
        _tell(user, delivery)


def _tell(user: User, delivery: Delivery) -> None:
    deliver(user, delivery)
    if user.email:
        body = f"{delivery.subject}.\n\nRead it: {absolute_url(delivery.url)}\nYou can refuse a gift on its page.\n"
        send_email(user, "A gift for you", body)
