"""Receivers for signals sent by the apps below works. Imported by WorksConfig.ready()."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.dispatch import receiver

from fanshelf.tags.signals import tags_rewired
from fanshelf.works.models import Work, WorkChange

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
    for start in range(0, len(work_ids), OUTBOX_BATCH):
        batch = work_ids[start : start + OUTBOX_BATCH]
        WorkChange.objects.bulk_create([WorkChange(work_id=work_id, kind="tags") for work_id in batch])
