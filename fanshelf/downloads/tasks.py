"""Background builds of downloads, so that the first reader to ask for a file finds it ready."""

from __future__ import annotations

from django_tasks import task

from fanshelf.downloads import cache
from fanshelf.downloads.builders import FORMATS
from fanshelf.works.models import Work


@task()
def build_download(work_id: int, format_name: str) -> str | None:
    """Build and store the current version of a work's download. Re-fetches the work; safe to run twice.

    Returns the storage name, or None when the work is not downloadable (deleted, a draft, hidden, unrevealed).
    """
    work = Work.objects.listed_for_users().for_blurbs().filter(pk=work_id).first()
    if work is None or format_name not in FORMATS:
        return None
    return cache.build_download(work, format_name)
