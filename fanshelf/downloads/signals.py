"""Queue a fresh EPUB build whenever a work changes, when a real task queue is configured; delete a work's stored
files when it is deleted or its creators change, and a series' files when it is deleted.

Every change to a work writes a row to the works outbox (WorkChange) in the same transaction; its commit is the
moment the new version exists. With the immediate backend (the default) nothing is queued, since the build would
run inside the request that posted the chapter: the download view builds on first request instead.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks.backends.immediate import ImmediateBackend

from fanshelf.downloads import cache
from fanshelf.downloads.templatetags.download_menu import download_formats
from fanshelf.works.models import Creatorship, Series, Work, WorkChange
from fanshelf.works.reader_body import download_formats_asked

PREBUILT_FORMATS = ("epub",)
# Outbox kinds after which a work's stored files must go: they name creators the work no longer shows (an
# orphaned work's old byline, a deleted account's pseud), or the work is gone. Storage never keeps them.
FORGETTING_KINDS = ("deleted", "creators")


def prebuilds_enabled() -> bool:
    return not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], ImmediateBackend)


def _forget_files_after_commit(work_id: int) -> None:
    """After the change commits (a rolled-back one keeps its files, still current), delete the work's stored files.
    Connected before `queue_prebuild`, so the files go before a prebuild of the same change is queued."""
    transaction.on_commit(partial(cache.delete_work_files, work_id))


@receiver(post_save, sender=WorkChange, dispatch_uid="downloads-forget-files")
def forget_files_on_outbox(sender: type[WorkChange], instance: WorkChange, created: bool, **kwargs: Any) -> None:
    if created and instance.kind in FORGETTING_KINDS:
        _forget_files_after_commit(int(instance.work_id))


# Credits are moved row by row (orphaning, a co-creator leaving, a pseud deleted), while their outbox rows are
# written in bulk (no post_save): the credit rows themselves say when a byline changed.
@receiver(post_save, sender=Creatorship, dispatch_uid="downloads-forget-files-credit-moved")
@receiver(post_delete, sender=Creatorship, dispatch_uid="downloads-forget-files-credit-gone")
def forget_files_on_credit_change(sender: type[Creatorship], instance: Creatorship, **kwargs: Any) -> None:
    if not kwargs.get("created") and not kwargs.get("raw"):
        _forget_files_after_commit(int(instance.work_id))


@receiver(post_delete, sender=Work, dispatch_uid="downloads-forget-files-work-gone")
def forget_files_on_work_deleted(sender: type[Work], instance: Work, **kwargs: Any) -> None:
    _forget_files_after_commit(int(instance.pk))


@receiver(post_save, sender=WorkChange, dispatch_uid="downloads-prebuild")
def queue_prebuild(sender: type[WorkChange], instance: WorkChange, created: bool, **kwargs: Any) -> None:
    if not created or instance.kind == "deleted" or not prebuilds_enabled():
        return
    from fanshelf.downloads.tasks import build_download

    def enqueue() -> None:
        for format_name in PREBUILT_FORMATS:
            build_download.enqueue(instance.work_id, format_name)

    transaction.on_commit(enqueue)


@receiver(post_delete, sender=Series, dispatch_uid="downloads-forget-series-files")
def forget_series_files(sender: type[Series], instance: Series, **kwargs: Any) -> None:
    transaction.on_commit(partial(cache.delete_series_files, int(instance.pk)))


@receiver(download_formats_asked, dispatch_uid="downloads.answer_download_formats")
def answer_download_formats(sender: object, **kwargs: Any) -> list[tuple[str, str]]:
    """A work page built in Python (works/reader_body.py) asks which formats its download links offer."""
    return download_formats()
