"""Built downloads, kept on the default storage per work version: downloads/<work id>/<version>.<extension>.

The version is a hash of everything a download shows that an edit can change: the work's edited time, each
posted chapter's id, position and edited time, its tags and creators, plus the format and BUILD_VERSION. Any
edit, a new or deleted chapter, a reorder or a retag gives a new name, so a stale file is never served, and old
versions of the same format are deleted when a new one is stored. Kudos and hit counts move without an edit;
they are shown as of the last build.
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from fanshelf.downloads.builders import FORMATS
from fanshelf.downloads.document import work_document
from fanshelf.works.models import Work

# Raise when the builders change what they produce, so files built by older code are rebuilt.
BUILD_VERSION = "1"


def version_hash(work: Work, format_name: str) -> str:
    chapters = work.chapters.posted().order_by("position").values_list("pk", "position", "edited_at")
    parts = [
        BUILD_VERSION,
        format_name,
        str(work.pk),
        work.edited_at.isoformat(),
        *(f"{pk}:{position}:{edited_at.isoformat()}" for pk, position, edited_at in chapters),
        *sorted(f"{tag.pk}:{tag.name}" for tag in work.tags.all()),
        *(f"{pseud.pk}:{pseud}" for pseud in work.creator_pseuds),
        str(work.anonymous),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:24]


def storage_name(work: Work, format_name: str) -> str:
    return f"downloads/{work.pk}/{version_hash(work, format_name)}.{FORMATS[format_name].extension}"


def build_download(work: Work, format_name: str) -> str:
    """The storage name of `work`'s current download in this format, building and storing it when missing.

    Safe to run twice or concurrently: both builds produce the same file, and the one stored second is dropped.
    """
    name = storage_name(work, format_name)
    if default_storage.exists(name):
        return name
    download_format = FORMATS[format_name]
    content = download_format.build(work_document(work, offline=download_format.offline))
    stored = default_storage.save(name, ContentFile(content))
    if stored != name:  # another build stored the same version meanwhile
        default_storage.delete(stored)
    _delete_older_versions(work, name)
    return name


def _delete_older_versions(work: Work, current: str) -> None:
    folder = f"downloads/{work.pk}"
    extension = current.rsplit(".", 1)[1]
    _, files = default_storage.listdir(folder)
    for file_name in files:
        path = f"{folder}/{file_name}"
        if path != current and file_name.endswith(f".{extension}"):
            default_storage.delete(path)
