"""Queue a fresh EPUB build whenever a work changes, when a real task queue is configured.

Every change to a work writes a row to the works outbox (WorkChange) in the same transaction; its commit is the
moment the new version exists. With the immediate backend (the default) nothing is queued, since the build would
run inside the request that posted the chapter: the download view builds on first request instead.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks.backends.immediate import ImmediateBackend

from fanshelf.works.models import WorkChange

PREBUILT_FORMATS = ("epub",)


def prebuilds_enabled() -> bool:
    return not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], ImmediateBackend)


@receiver(post_save, sender=WorkChange, dispatch_uid="downloads-prebuild")
def queue_prebuild(sender: type[WorkChange], instance: WorkChange, created: bool, **kwargs: Any) -> None:
    if not created or instance.kind == "deleted" or not prebuilds_enabled():
        return
    from fanshelf.downloads.tasks import build_download

    def enqueue() -> None:
        for format_name in PREBUILT_FORMATS:
            build_download.enqueue(instance.work_id, format_name)

    transaction.on_commit(enqueue)
