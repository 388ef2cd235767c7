"""The inbox listens; nobody imports it. Imported by InboxConfig.ready()."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver

from fanshelf.accounts.models import User
from fanshelf.accounts.signals import account_deleting
from fanshelf.comments.models import Comment, CommentStatus
from fanshelf.comments.signals import comment_approved, comment_posted
from fanshelf.inbox import comment_notices
from fanshelf.inbox.display import nameless_subject
from fanshelf.inbox.models import EntryKind, InboxEntry
from fanshelf.inbox.notify import announce_citation, announce_posting, announce_series_entry
from fanshelf.inbox.sharing_notices import announce_gifts, announce_invitation
from fanshelf.works.models import CreatorInvitation, Creatorship, RelatedWork, Series, Work, WorkChange
from fanshelf.works.series import work_joined_series
from fanshelf.works.sharing import creator_invited, gifts_given
from fanshelf.works.signals import parent_cited

# Outbox kinds that mean "readers can now read something new"; announce_posting checks the work is listed.
# A revealed work (set_work_flags unrevealed=False) is news as a newly posted one is.
ANNOUNCED_KINDS = frozenset({"created", "posted", "chapter_posted", "revealed"})
DELETED_ACCOUNT = "(deleted account)"


@receiver(post_save, sender=WorkChange, dispatch_uid="inbox.announce_posting")
def on_work_change(sender: type[WorkChange], instance: WorkChange, created: bool, **kwargs: Any) -> None:
    if not created or instance.kind not in ANNOUNCED_KINDS:
        return
    # A draft's "created" row is not news: its "posted" row will be (checked now, as it may be posted by commit).
    if instance.kind == "created" and not Work.objects.filter(pk=instance.work_id, posted=True).exists():
        return
    # After commit: a rolled-back post tells nobody, and the fan-out holds no write lock others wait on.
    transaction.on_commit(partial(announce_posting, int(instance.work_id), instance.kind))


@receiver(work_joined_series, dispatch_uid="inbox.announce_series_entry")
def on_work_joined_series(sender: object, work: Work, series: Series, **kwargs: Any) -> None:
    # A draft joining a series is announced when posted (announce_posting tells the series' subscribers then).
    if work.posted:
        transaction.on_commit(partial(announce_series_entry, work.pk, series.pk))


@receiver(parent_cited, dispatch_uid="inbox.announce_citation")
def on_parent_cited(
    sender: object, link: RelatedWork, recipient: User, title: str, creators: str, **kwargs: Any
) -> None:
    if link.parent_id is not None:
        announce_citation(link.child_id, link.parent_id, recipient, title, creators)


# Outbox kinds after which a work's gift recipients may be told (announce_gifts checks the work is listed and
# tells each recipient once). "edited": the edit form posts a draft under that kind.
GIFT_KINDS = frozenset({"created", "posted", "edited", "revealed", "unhidden"})


@receiver(post_save, sender=WorkChange, dispatch_uid="inbox.announce_gifts_on_posting")
def on_work_listed(sender: type[WorkChange], instance: WorkChange, created: bool, **kwargs: Any) -> None:
    if created and instance.kind in GIFT_KINDS:
        transaction.on_commit(partial(announce_gifts, int(instance.work_id)))


@receiver(gifts_given, dispatch_uid="inbox.announce_gifts")
def on_gifts_given(sender: object, work_id: int, **kwargs: Any) -> None:
    transaction.on_commit(partial(announce_gifts, work_id))


@receiver(creator_invited, dispatch_uid="inbox.announce_invitation")
def on_creator_invited(sender: object, invitation: CreatorInvitation, **kwargs: Any) -> None:
    announce_invitation(invitation)


@receiver(comment_posted, dispatch_uid="inbox.comment_posted")
def on_comment_posted(sender: object, comment: Comment, **kwargs: Any) -> None:
    comment_notices.comment_posted(comment)


@receiver(comment_approved, dispatch_uid="inbox.comment_approved")
def on_comment_approved(sender: object, comment: Comment, **kwargs: Any) -> None:
    comment_notices.comment_approved(comment)


# What a comment notice's subject says after the commenter's name (comment_notices.py).
_COMMENT_VERBS = (" left a comment on ", " commented on ", " replied to your comment on ")


def _without_name(subject: str, names: Sequence[str]) -> str | None:
    """The subject of a comment notice with the commenter named "(deleted account)", or None when it names none
    of `names` (an anonymous creator's notice says "Anonymous (creator of the work)" and stays so)."""
    for name in sorted(names, key=len, reverse=True):
        for verb in _COMMENT_VERBS:
            if subject.startswith(name + verb):
                return DELETED_ACCOUNT + subject[len(name) :]
    return None


@receiver(account_deleting, dispatch_uid="inbox.forget_deleted_commenter")
def on_account_deleting(sender: object, user: User, delete_comments: bool = False, **kwargs: Any) -> None:
    """Other people's notices of a deleted account's comments and replies stop naming it: the subject says
    "(deleted account)" (as the comment itself now does), and the excerpt goes with a comment that goes (one kept
    as "(Previous comment deleted.)" included). Notices naming it as a creator of a work that stays lose the names
    (`_forget_in_bylines`). Entries waiting for a digest email are rewritten with the rest, so the digest names
    nobody either.

    The comments app answers this signal first (INSTALLED_APPS order), so comments deleted with the account are gone
    by now: their notices are the ones whose comment no longer exists and whose subject starts with one of the
    account's pseud names."""
    names = list(user.pseuds.values_list("name", flat=True))
    kept = dict(Comment.objects.filter(user=user).values_list("pk", "status"))
    notices = InboxEntry.objects.filter(kind__in=(EntryKind.COMMENT, EntryKind.REPLY)).exclude(user=user)
    gone: list[InboxEntry] = []
    if delete_comments:
        dangling = notices.exclude(comment_id__in=Comment.objects.values("pk")).filter(comment_id__isnull=False)
        gone = [entry for entry in dangling.filter(_starts_with_any(names)) if _without_name(entry.subject, names)]
    for entry in [*notices.filter(comment_id__in=list(kept)), *gone]:
        subject = _without_name(entry.subject, names) or entry.subject
        still_shown = kept.get(entry.comment_id or 0) not in (None, CommentStatus.DELETED)
        InboxEntry.objects.filter(pk=entry.pk).update(subject=subject, excerpt=entry.excerpt if still_shown else "")
    _forget_in_bylines(user, names)


def _forget_in_bylines(user: User, names: Sequence[str]) -> None:
    """Notices that named the account's pseuds among a work's creators (new works, citations and gifts; the
    inviter of an invitation) and whose work stays without crediting that name (orphaned without keeping it, or
    made with others) lose all names, as when a work turns anonymous. The works app has already moved the credits.
    """
    named = InboxEntry.objects.exclude(user=user).filter(
        Q(names_creators=True) | Q(kind=EntryKind.INVITATION), _contains_any(names), work__isnull=False
    )
    entries = list(named.select_related("work"))
    credited: dict[int, set[str]] = {}
    for work_id, name in Creatorship.objects.filter(work_id__in={e.work_id for e in entries}).values_list(
        "work_id", "pseud__name"
    ):
        credited.setdefault(work_id, set()).add(name)
    for entry in entries:
        work_names = credited.get(entry.work_id or 0, set())
        if entry.work is not None and any(n in entry.subject and n not in work_names for n in names):
            InboxEntry.objects.filter(pk=entry.pk).update(subject=nameless_subject(entry.kind, entry.work.title))


def _contains_any(names: Sequence[str]) -> Q:
    condition = Q(pk__in=[])
    for name in names:
        condition |= Q(subject__contains=name)
    return condition


def _starts_with_any(names: Sequence[str]) -> Q:
    condition = Q(pk__in=[])
    for name in names:
        condition |= Q(subject__startswith=name)
    return condition
