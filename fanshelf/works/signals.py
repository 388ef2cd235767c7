"""Receivers for signals sent by the apps below works. Imported by WorksConfig.ready()."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.dispatch import receiver

from fanshelf.accounts.signals import pseud_renamed
from fanshelf.tags.signals import tags_rewired
from fanshelf.works.models import Creatorship, Work, WorkChange

OUTBOX_BATCH = 1000


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


def _record(work_ids: list[int], kind: str) -> None:
    for start in range(0, len(work_ids), OUTBOX_BATCH):
        batch = work_ids[start : start + OUTBOX_BATCH]
        WorkChange.objects.bulk_create([WorkChange(work_id=work_id, kind=kind) for work_id in batch])
