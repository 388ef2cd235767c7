"""An account export as a zip, written while it is sent.

The zip is produced piece by piece into a small buffer that is handed to the response whenever it holds more
than PIECE bytes, so memory stays bounded by one work's files, whatever the account's size, and the download
starts at once instead of after the whole archive is built. Python's zipfile writes to a stream it cannot seek
by putting each member's sizes after its data. JSON files are written record by record; EPUBs and audio, already
compressed, are stored as they are.
"""

from __future__ import annotations

import contextvars
import json
import logging
import zipfile
from collections.abc import Iterable, Iterator
from typing import IO

from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from fanshelf.accounts.models import User
from fanshelf.exports.registry import FILES, JsonFile
from fanshelf.exports.work_records import WorkFile, folder, own_works_with_texts, work_files
from fanshelf.works.models import Work

PIECE = 256 * 1024
COPY_PIECE = 1024 * 1024
README = "README.txt"
NOT_BUILT = "NOT-BUILT.txt"
logger = logging.getLogger(__name__)


class _Buffer:
    """Where zipfile writes; the generator takes what was written after each step. It has no tell() or seek(),
    so zipfile writes as to a pipe."""

    def __init__(self) -> None:
        self._pieces: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self._pieces.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._pieces)
        self._pieces, self.size = [], 0
        return data


def file_name(user: User) -> str:
    return f"fanshelf-{user.username}-{timezone.now():%Y-%m-%d}.zip"


def _json(value: object) -> bytes:
    # DjangoJSONEncoder: dates, times, decimals and UUIDs a preference added later may hold, as ISO text.
    return json.dumps(value, ensure_ascii=False, indent=1, cls=DjangoJSONEncoder).encode()


def _member(name: str, *, compressed: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=timezone.localtime().timetuple()[:6])
    info.compress_type = zipfile.ZIP_STORED if compressed else zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _readme(user: User) -> bytes:
    lines = [
        f"Everything linked to the account {user.username}, exported {timezone.now():%Y-%m-%d %H:%M} UTC.",
        "",
        "The .json files are UTF-8. Other people's works are named only as far as you may see them now;",
        'a work you may no longer see appears as {"available": false}.',
        "",
        *(f"{entry.name}: {entry.description}" for entry in FILES),
        "works/: one folder per work, with its EPUB, its HTML file and any podfic audio.",
        "",
    ]
    return "\n".join(lines).encode()


def _write_json(archive: zipfile.ZipFile, buffer: _Buffer, entry: JsonFile, user: User) -> Iterator[bytes]:
    with archive.open(_member(entry.name, compressed=False), "w") as member:
        if entry.single:
            member.write(_json(next(entry.records(user), {})) + b"\n")
            return
        member.write(b"[")
        for number, record in enumerate(entry.records(user)):
            member.write((b",\n" if number else b"\n") + _json(record))
            if buffer.size > PIECE:
                yield buffer.take()
        member.write(b"\n]\n")


def _write_file(archive: zipfile.ZipFile, buffer: _Buffer, work_file: WorkFile) -> Iterator[bytes]:
    with archive.open(_member(work_file.name, compressed=work_file.compressed), "w") as member:
        if not work_file.stored_name:
            member.write(work_file.content)
            return
        with default_storage.open(work_file.stored_name, "rb") as stored:
            while piece := stored.read(COPY_PIECE):
                member.write(piece)
                if buffer.size > PIECE:
                    yield buffer.take()


def _files_or_a_note(work: Work) -> Iterator[WorkFile]:
    """The work's files; if one cannot be built, a note in its place, so one bad work does not cut the zip short
    (the error is logged for the operator)."""
    files = work_files(work)
    while True:
        try:
            work_file = next(files)
        except StopIteration:
            return
        except Exception:  # any builder failure: the rest of the export matters more than this one file
            logger.exception("Could not build the files of work %s for an account export", work.pk)
            note = "This work's files could not be built. Its details are in works.json; try exporting again later.\n"
            yield WorkFile(f"{folder(work)}/{NOT_BUILT}", compressed=False, content=note.encode())
            return
        yield work_file


def export_pieces(user: User) -> Iterator[bytes]:
    """The account's export as a zip, in pieces of about PIECE bytes."""
    buffer = _Buffer()
    sink: IO[bytes] = buffer  # type: ignore[assignment]  # zipfile needs only write() and flush()
    with zipfile.ZipFile(sink, "w") as archive:
        archive.writestr(_member(README, compressed=False), _readme(user))
        for entry in FILES:
            yield from _write_json(archive, buffer, entry, user)
            yield buffer.take()
        for work in own_works_with_texts(user):
            for work_file in _files_or_a_note(work):
                yield from _write_file(archive, buffer, work_file)
                yield buffer.take()
    yield buffer.take()


def in_this_context(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """Runs each step of `pieces` in the context of the request that asked, so links the builders write use the
    address the person came to (core/site_url.py), although the response is read after the view has returned.
    Call it in the view: the context is taken then, not when the response is first read."""
    return _run_in(contextvars.copy_context(), iter(pieces))


def _run_in(context: contextvars.Context, iterator: Iterator[bytes]) -> Iterator[bytes]:
    try:
        while True:
            try:
                piece = context.run(next, iterator)
            except StopIteration:
                return
            if piece:
                yield piece
    finally:  # finished, or the client went away: stop building, in the same context
        close = getattr(iterator, "close", None)
        if close is not None:
            context.run(close)
