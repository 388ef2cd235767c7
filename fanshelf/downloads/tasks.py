"""Background builds of downloads, so that the first reader to ask for a file finds it ready."""

from __future__ import annotations

from django_tasks import task

from fanshelf.downloads import cache
from fanshelf.downloads.builders import FORMATS, available_formats
from fanshelf.downloads.builders.kindle import ConversionFailed
from fanshelf.works.models import Work


@task()
def build_download(work_id: int, format_name: str) -> str | None:
    """Build and store the current version of a work's download. Re-fetches the work; safe to run twice.

    Returns the storage name, or None when the work is not downloadable (deleted, a draft, hidden, unrevealed),
    the format cannot be built here, or calibre failed (logged; a reader's request tries again). A fresh EPUB
    queues the formats made from it (AZW3, MOBI), each as its own task, so that they are ready too.
    """
    work = Work.objects.listed_for_users().for_blurbs().filter(pk=work_id).first()
    download_format = FORMATS.get(format_name)
    if work is None or download_format is None or not download_format.available:
        return None
    try:
        name = cache.build_download(work, format_name)
    except ConversionFailed:
        return None
    if format_name == "epub":
        for derived, derived_format in available_formats().items():
            if derived_format.from_epub:
                build_download.enqueue(work_id, derived)
    return name
