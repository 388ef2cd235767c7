"""Built downloads, kept on the default storage per version: downloads/<work id>/<version>.<extension> for a work,
downloads/series/<series id>/<readers>-<version>.epub for a series.

A work's version is a hash of everything a download shows that an edit can change: the work's edited time, each
posted chapter's id, position and edited time, its tags and creators, the series it names, plus the format and
BUILD_VERSION. Any edit, a new or deleted chapter, a reorder, a retag or a series change gives a new name, so a
stale file is never served, and old versions of the same format are deleted when a new one is stored. Kudos and
hit counts move without an edit; they are shown as of the last build. AZW3 and MOBI are converted from the
stored EPUB.

A series' file holds the works its reader may see, so a guest's and a logged-in reader's files differ. `<readers>`
names the set of works included; the version hashes the series (edited time, creators) and the version of each
included work in order. Storing a new version deletes the older ones for the same readers; files for other sets
of readers are deleted once they have not been rebuilt for a day (a set that no longer occurs, after a work left
the series or changed its visibility), and are rebuilt on demand if they were still wanted.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from fanshelf.downloads.builders import FORMATS
from fanshelf.downloads.builders.epub import build_series_epub
from fanshelf.downloads.document import series_document, series_mentions, work_document
from fanshelf.works.models import Chapter, Series, Work

# Raise when the builders change what they produce, so files built by older code are rebuilt.
BUILD_VERSION = "3"
SERIES_READERS_RETENTION = datetime.timedelta(days=1)
ChapterVersion = tuple[int, int, datetime.datetime]  # id, position, edited time


def _digest(parts: Iterable[str], length: int = 24) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:length]


def _work_parts(work: Work, chapters: Iterable[ChapterVersion]) -> list[str]:
    return [
        str(work.pk),
        work.edited_at.isoformat(),
        *(f"{pk}:{position}:{edited_at.isoformat()}" for pk, position, edited_at in chapters),
        *sorted(f"{tag.pk}:{tag.name}" for tag in work.tags.all()),
        *(f"{pseud.pk}:{pseud}" for pseud in work.creator_pseuds),
        str(work.anonymous),
    ]


def version_hash(work: Work, format_name: str) -> str:
    chapters = work.chapters.posted().order_by("position").values_list("pk", "position", "edited_at")
    # The EPUB metadata names the work's series and its place there, which other works' changes can move.
    series = [f"series:{mention.part}:{mention.title}" for mention in series_mentions(work)]
    return _digest([BUILD_VERSION, format_name, *_work_parts(work, chapters), *series])


def storage_name(work: Work, format_name: str) -> str:
    return f"downloads/{work.pk}/{version_hash(work, format_name)}.{FORMATS[format_name].extension}"


def _store(name: str, content: bytes) -> None:
    stored = default_storage.save(name, ContentFile(content))
    if stored != name:  # another build stored the same version meanwhile
        default_storage.delete(stored)


def build_download(work: Work, format_name: str) -> str:
    """The storage name of `work`'s current download in this format, building and storing it when missing.

    Safe to run twice or concurrently: both builds produce the same file, and the one stored second is dropped.
    AZW3 and MOBI are converted from the stored EPUB (built first when missing); a failed or overlong
    conversion raises kindle.ConversionFailed and stores nothing.
    """
    name = storage_name(work, format_name)
    if default_storage.exists(name):
        return name
    download_format = FORMATS[format_name]
    if download_format.from_epub:
        with default_storage.open(build_download(work, "epub"), "rb") as epub:
            content = download_format.convert(epub.read())
    else:
        content = download_format.build(work_document(work, offline=download_format.offline))
    _store(name, content)
    _delete_older_versions(work, name)
    return name


def _delete_folder(folder: str) -> None:
    try:
        _, files = default_storage.listdir(folder)
    except FileNotFoundError:  # nothing was ever built
        return
    for file_name in files:
        default_storage.delete(f"{folder}/{file_name}")


def delete_work_files(work_id: int) -> None:
    """Delete every stored file of a work (all formats and versions): the work is gone, or its byline changed
    (orphaned, a creator left or was renamed), so no file naming its old creators is kept. The next download
    builds afresh."""
    _delete_folder(f"downloads/{work_id}")


def delete_series_files(series_id: int) -> None:
    """Delete every stored EPUB of a series (a deleted series)."""
    _delete_folder(f"downloads/series/{series_id}")


def _delete_older_versions(work: Work, current: str) -> None:
    folder = f"downloads/{work.pk}"
    extension = current.rsplit(".", 1)[1]
    _, files = default_storage.listdir(folder)
    for file_name in files:
        path = f"{folder}/{file_name}"
        if path != current and file_name.endswith(f".{extension}"):
            default_storage.delete(path)


# Series ------------------------------------------------------------------------------------------------------


def series_version_hash(series: Series, works: list[Work]) -> str:
    """The version of the series' EPUB holding `works`: the series' own fields and each work's version, in order."""
    chapters: defaultdict[int, list[ChapterVersion]] = defaultdict(list)
    rows = Chapter.objects.posted().filter(work__in=[work.pk for work in works]).order_by("work_id", "position")
    for work_id, pk, position, edited_at in rows.values_list("work_id", "pk", "position", "edited_at"):
        chapters[work_id].append((pk, position, edited_at))
    parts = [BUILD_VERSION, "series", str(series.pk), series.edited_at.isoformat()]
    parts += [f"{pseud.pk}:{pseud}" for pseud in series.creators.all()]
    for work in works:
        parts += ["work", *_work_parts(work, chapters[work.pk])]
    return _digest(parts)


def series_readers(works: list[Work]) -> str:
    """Names the set of works a reader sees in a series; readers who see the same works share a file."""
    return _digest((str(work.pk) for work in works), length=12)


def series_storage_name(series: Series, works: list[Work]) -> str:
    return f"downloads/series/{series.pk}/{series_readers(works)}-{series_version_hash(series, works)}.epub"


def build_series_download(series: Series, works: list[Work]) -> str:
    """The storage name of the series' EPUB holding `works` (those its reader may see), building it when missing.

    Safe to run twice or concurrently, like build_download.
    """
    name = series_storage_name(series, works)
    if default_storage.exists(name):
        return name
    _store(name, build_series_epub(series_document(series, works, offline=True)))
    _delete_stale_series_files(series, name)
    return name


def _delete_stale_series_files(series: Series, current: str) -> None:
    folder = f"downloads/series/{series.pk}"
    readers = current.rsplit("/", 1)[1].split("-", 1)[0]
    cutoff = timezone.now() - SERIES_READERS_RETENTION
    _, files = default_storage.listdir(folder)
    for file_name in files:
        path = f"{folder}/{file_name}"
        if path == current:
            continue
        if file_name.startswith(f"{readers}-") or _stored_before(path, cutoff):
            default_storage.delete(path)


def _stored_before(path: str, cutoff: datetime.datetime) -> bool:
    try:
        return default_storage.get_modified_time(path) < cutoff
    except (NotImplementedError, FileNotFoundError):  # a storage without times, or deleted meanwhile
        return False
