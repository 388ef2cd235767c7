"""Receivers for signals sent by the apps below works. Imported by WorksConfig.ready()."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat
from django.dispatch import Signal, receiver

from fanshelf.accounts.models import Pseud, User
from fanshelf.accounts.signals import account_deleting, pseud_deleting, pseud_renamed
from fanshelf.tags.signals import tags_rewired
from fanshelf.works.actions import delete_work, remove_creator
from fanshelf.works.models import Chapter, CreatorInvitation, Creatorship, Gift, Hit, Series, Work, WorkChange
from fanshelf.works.orphaning import orphan_all_works, orphan_pseud_works

OUTBOX_BATCH = 1000

# Sent by works.related for each creator told that a work cites theirs (link, recipient, and the child's title and
# creators as that recipient may see them); the inbox files it.
parent_cited = Signal()
# Sent by works.actions inside the posting action's transaction when a work is posted for the first time (work);
# the spam app scores it there and may hide it in the same transaction, so a held work is never listed for a moment.
work_first_posted = Signal()


@receiver(tags_rewired, dispatch_uid="works.record_tag_rewiring")
def record_tag_rewiring(sender: object, tag_ids: Iterable[int], **kwargs: Any) -> None:
    """Write one outbox row (kind "tags") for every work carrying a rewired tag, drafts included, inside the
    wrangling action's transaction, so the discovery index re-reads those works' tags."""
    work_ids = list(
        Work.tags.through.objects.filter(tag_id__in=list(tag_ids))
        .order_by("work_id")
        .values_list("work_id", flat=True)
        .distinct()
    )
    _record(work_ids, "tags")


@receiver(pseud_renamed, dispatch_uid="works.record_pseud_rename")
def record_pseud_rename(sender: object, pseud_id: int, **kwargs: Any) -> None:
    """One outbox row (kind "creators") per work credited to the renamed pseud: listings show its name in bylines,
    sort by it and find works by it."""
    credited = Creatorship.objects.filter(pseud_id=pseud_id).order_by("work_id").values_list("work_id", flat=True)
    _record(list(credited.distinct()), "creators")


@receiver(account_deleting, dispatch_uid="works.settle_deleted_accounts_works")
def settle_deleted_accounts_works(
    sender: object, user: User, works: str = "delete", keep_names: bool = False, **kwargs: Any
) -> None:
    """Before an account goes: orphan its posted works when asked to (its series credits with them); delete the
    works it made alone that are left (drafts too) and take its credit off works made with others, each through
    its action (one outbox row each); delete series only it made; take its kudos out of the counts listings show,
    as its kudos rows go with it; and cut its hits loose from it (the counts stay)."""
    if works == "orphan":
        orphan_all_works(user, keep_names=keep_names)
    for work in Work.objects.filter(creatorships__pseud__user=user).distinct():
        if work.creatorships.exclude(pseud__user=user).exists():
            remove_creator(work, user)
        else:
            delete_work(work)
    for series in Series.objects.filter(creators__user=user).distinct():
        if series.creators.exclude(user=user).exists():
            continue  # its other creators keep it; the pseuds' credits go with them
        remaining = list(series.entries.order_by("work_id").values_list("work_id", flat=True))
        series.delete()
        _record(remaining, "series")
    # The reverse side of the community app's Kudos relation; works may not import community.
    kudosed = list(Work.objects.filter(kudos__user=user).order_by("pk").values_list("pk", flat=True))
    Work.objects.filter(pk__in=kudosed, kudos_count__gt=0).update(kudos_count=F("kudos_count") - 1)
    _record(kudosed, "kudos")
    # A hit's visitor key names the account; each row gets a key of its own that names nobody.
    Hit.objects.filter(visitor=f"user:{user.pk}").update(visitor=Concat(Value("gone:"), Cast("pk", CharField())))


@receiver(pseud_deleting, dispatch_uid="works.settle_deleted_pseuds_works")
def settle_deleted_pseuds_works(
    sender: object, pseud: Pseud, works: str, target: Pseud, keep_names: bool = False, **kwargs: Any
) -> None:
    """Before a pseud goes: orphan or delete its works, or move them to `target`; drafts it shares with nobody
    move to `target` when orphaning (a draft cannot be orphaned). Its series, chapter, gift and invitation credits
    move to `target` whatever the choice, except series deleted with its works."""
    if works == "orphan":
        orphan_pseud_works(pseud, keep_names=keep_names)
    elif works == "delete":
        for work in Work.objects.filter(creatorships__pseud=pseud).distinct():
            if work.creatorships.exclude(pseud=pseud).exists():
                work.creatorships.filter(pseud=pseud).delete()
                _record([work.pk], "creators")
            else:
                delete_work(work)
        for series in Series.objects.filter(creators=pseud):
            if not series.creators.exclude(pk=pseud.pk).exists():
                remaining = list(series.entries.order_by("work_id").values_list("work_id", flat=True))
                series.delete()
                _record(remaining, "series")
    _move_credits(pseud, target)


def _move_credits(pseud: Pseud, target: Pseud) -> None:
    """Everything of works still credited to `pseud`, credited to `target` instead (merged where both are)."""
    moved = []
    for credit in Creatorship.objects.filter(pseud=pseud).order_by("pk"):
        if Creatorship.objects.filter(work_id=credit.work_id, pseud=target).exists():
            credit.delete()
        else:
            credit.pseud = target
            credit.save(update_fields=["pseud"])
        moved.append(credit.work_id)
    _record(moved, "creators")
    for model in (Chapter.creators.through, Series.creators.through):
        owner = "chapter_id" if model is Chapter.creators.through else "series_id"
        for link in model.objects.filter(pseud=pseud).order_by("pk"):
            if not model.objects.filter(**{owner: getattr(link, owner)}, pseud=target).exists():
                model.objects.create(**{owner: getattr(link, owner)}, pseud=target)
            link.delete()
    for gift in Gift.objects.filter(pseud=pseud):
        if Gift.objects.filter(work_id=gift.work_id, pseud=target).exists():
            gift.delete()
        else:
            Gift.objects.filter(pk=gift.pk).update(pseud=target)
    for invitation in CreatorInvitation.objects.filter(pseud=pseud):
        if CreatorInvitation.objects.filter(work_id=invitation.work_id, pseud=target).exists():
            invitation.delete()
        else:
            CreatorInvitation.objects.filter(pk=invitation.pk).update(pseud=target)


def _record(work_ids: list[int], kind: str) -> None:
    for start in range(0, len(work_ids), OUTBOX_BATCH):
        batch = work_ids[start : start + OUTBOX_BATCH]
        WorkChange.objects.bulk_create([WorkChange(work_id=work_id, kind=kind) for work_id in batch])
