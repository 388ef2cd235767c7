"""Receivers for signals sent by the apps below works. Imported by WorksConfig.ready()."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import F
from django.dispatch import Signal, receiver

from fanshelf.accounts.models import User
from fanshelf.accounts.signals import account_deleting, pseud_renamed
from fanshelf.tags.signals import tags_rewired
from fanshelf.works.actions import delete_work, remove_creator
from fanshelf.works.models import Creatorship, Series, Work, WorkChange

OUTBOX_BATCH = 1000

# Sent by works.related for each creator told that a work cites theirs (link, recipient, and the child's title and
# creators as that recipient may see them); the inbox files it.
parent_cited = Signal()


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
def settle_deleted_accounts_works(sender: object, user: User, **kwargs: Any) -> None:
    """Before an account goes: delete the works it made alone (drafts too) and take its credit off works made
    with others, each through its action (one outbox row each); delete series only it made; and take its kudos
    out of the counts listings show, as its kudos rows go with it."""
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


def _record(work_ids: list[int], kind: str) -> None:
    for start in range(0, len(work_ids), OUTBOX_BATCH):
        batch = work_ids[start : start + OUTBOX_BATCH]
        WorkChange.objects.bulk_create([WorkChange(work_id=work_id, kind=kind) for work_id in batch])
