"""The inbox listens; nobody imports it. Imported by InboxConfig.ready()."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from fanshelf.accounts.models import User
from fanshelf.comments.models import Comment
from fanshelf.comments.signals import comment_approved, comment_posted
from fanshelf.inbox import comment_notices
from fanshelf.inbox.notify import announce_citation, announce_posting, announce_series_entry
from fanshelf.inbox.sharing_notices import announce_gifts, announce_invitation
from fanshelf.works.models import CreatorInvitation, RelatedWork, Series, Work, WorkChange
from fanshelf.works.series import work_joined_series
from fanshelf.works.sharing import creator_invited, gifts_given
from fanshelf.works.signals import parent_cited

# Outbox kinds that mean "readers can now read something new"; announce_posting checks the work is listed.
# A revealed work (set_work_flags unrevealed=False) is news as a newly posted one is.
ANNOUNCED_KINDS = frozenset({"created", "posted", "chapter_posted", "revealed"})


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
