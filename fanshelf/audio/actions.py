"""Every write to podfic audio. Views, the API and the CLI call these; none save AudioFile rows directly."""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat

from fanshelf.audio.models import AudioFile
from fanshelf.audio.probe import AudioRejected, probe_audio
from fanshelf.audio.tags import strip_creator_tags_in_place
from fanshelf.works.actions import refresh_totals
from fanshelf.works.models import Chapter, WorkChange

DEFAULT_MAX_AUDIO_BYTES = 500 * 1024 * 1024
OUTBOX_KIND = "audio"
_UNCLEANABLE_TAGS = (
    "The file's tags are damaged, so names in them could not be removed. Save the file again without tags "
    "(most audio editors can) and upload it once more."
)
logger = logging.getLogger(__name__)


def max_audio_bytes() -> int:
    return int(getattr(settings, "FANSHELF_MAX_AUDIO_BYTES", DEFAULT_MAX_AUDIO_BYTES))


def too_large_message(limit: int) -> str:
    return f"Audio files can be at most {filesizeformat(limit)}. Try a lower bit rate, or split it into parts."


@contextmanager
def _private_copy(upload: UploadedFile[bytes]) -> Iterator[Path]:
    """A temporary file of our own holding the upload, since tags are stripped by rewriting the file. A large
    upload is already in a temporary file that is ours to change (Django deletes it after the request)."""
    if isinstance(upload, TemporaryUploadedFile):
        yield Path(upload.temporary_file_path())
        return
    with tempfile.TemporaryDirectory(prefix="fanshelf-audio-") as folder:
        path = Path(folder) / "upload"
        with path.open("wb") as copy:
            for chunk in upload.chunks():
                copy.write(chunk)
        yield path


def _store_then_save(audio: AudioFile, path: Path, update_fields: list[str] | None = None) -> None:
    """Put the bytes at path in storage under a new name, then save the row with its outbox entry in one
    transaction; if that fails the new bytes are removed again, so no stored file is left without a row."""
    with path.open("rb") as handle:
        audio.file.save("", File(handle), save=False)
    try:
        with transaction.atomic():
            audio.save(update_fields=update_fields)
            refresh_totals(audio.chapter.work)
            WorkChange.objects.create(work_id=audio.chapter.work_id, kind=OUTBOX_KIND)
    except BaseException:
        audio.file.delete(save=False)
        raise


def upload_audio(chapter: Chapter, upload: UploadedFile[bytes]) -> AudioFile:
    """Check, clean and store one audio file for a chapter; returns the saved AudioFile.

    Raises ValidationError keyed "file" when the file is too large, is not audio of an accepted format, or is
    damaged; nothing is stored then. Tags naming people are removed before storing (see audio/tags.py).
    """
    limit = max_audio_bytes()
    if upload.size is None or upload.size > limit:
        raise ValidationError({"file": [too_large_message(limit)]})
    with _private_copy(upload) as path:
        try:
            probe = probe_audio(path)
        except AudioRejected as error:
            raise ValidationError({"file": [str(error)]}) from error
        try:
            strip_creator_tags_in_place(path, probe.format)
        except Exception as error:  # a tag block mutagen cannot rewrite: refuse rather than keep names in it
            logger.warning("Audio tags could not be cleaned: %s", error, exc_info=True)
            raise ValidationError({"file": [_UNCLEANABLE_TAGS]}) from error
        audio = AudioFile(
            chapter=chapter,
            format=probe.format,
            mime_type=probe.mime_type,
            size_bytes=path.stat().st_size,
            duration_seconds=probe.duration_seconds,
        )
        _store_then_save(audio, path)
    return audio


def delete_audio(audio: AudioFile) -> None:
    """Remove an audio file. Its stored bytes go once the transaction commits (see audio/signals.py), so a
    rolled-back delete loses nothing."""
    with transaction.atomic():
        work = audio.chapter.work
        audio.delete()
        refresh_totals(work)
        WorkChange.objects.create(work_id=work.pk, kind=OUTBOX_KIND)


def strip_creator_tags(audio: AudioFile) -> list[str]:
    """Remove person-naming tags from an already stored file (one stored before uploads were cleaned, or put
    in storage by other means); returns the tags removed. The cleaned copy is stored under a new name, so its
    URL's ETag changes; the old bytes go once the transaction commits."""
    with tempfile.TemporaryDirectory(prefix="fanshelf-audio-") as folder:
        path = Path(folder) / "stored"
        with audio.file.open("rb") as source, path.open("wb") as target:
            shutil.copyfileobj(source, target)
        removed = strip_creator_tags_in_place(path, audio.format)
        if not removed:
            return []
        old_file = audio.file.name or ""
        audio.size_bytes = path.stat().st_size
        _store_then_save(audio, path, update_fields=["file", "size_bytes"])
    storage = audio.file.storage
    transaction.on_commit(lambda: storage.delete(old_file))
    return removed
