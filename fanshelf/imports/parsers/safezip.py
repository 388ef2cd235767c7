"""Reading a ZIP archive someone else made: entry count, names and decompressed sizes are all budgeted.

Nothing is ever extracted to disk; entries are read into memory in chunks, and the budget is counted on the bytes
actually produced, not on the sizes the archive claims for itself.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass

from fanshelf.imports.parsers.base import UnreadableFile

_CHUNK = 64 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class ZipBudget:
    max_entries: int = 2_000
    max_entry_bytes: int = 32 * 1024 * 1024
    max_total_bytes: int = 128 * 1024 * 1024


def is_unsafe_name(name: str) -> bool:
    """Absolute paths, drive letters and any ".." step: names that could point outside the archive."""
    normal = name.replace("\\", "/")
    return normal.startswith("/") or bool(_DRIVE.match(normal)) or ".." in normal.split("/")


def resolve_href(base_dir: str, href: str) -> str:
    """A path inside the archive for a link found in one of its documents; refuses links that leave it."""
    target = href.split("#", 1)[0]
    joined = posixpath.normpath(posixpath.join(base_dir, target)) if base_dir else posixpath.normpath(target)
    if is_unsafe_name(target) or is_unsafe_name(joined):
        raise UnreadableFile(f"The EPUB points outside itself ({href!r}); it was not imported.")
    return joined


class SafeZip:
    def __init__(self, data: bytes, budget: ZipBudget | None = None) -> None:
        self.budget = budget or ZipBudget()
        self.total_read = 0
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
            raise UnreadableFile("The file is not a valid EPUB (it is not a ZIP archive).") from None
        infos = self._zip.infolist()
        if len(infos) > self.budget.max_entries:
            raise UnreadableFile(
                f"The EPUB has too many files inside ({len(infos):,}; the limit is {self.budget.max_entries:,})."
            )
        for info in infos:
            if is_unsafe_name(info.filename):
                raise UnreadableFile(f"The EPUB contains an unsafe file name ({info.filename!r}); it was not imported.")
        self._infos = {info.filename: info for info in infos if not info.is_dir()}

    def names(self) -> list[str]:
        return list(self._infos)

    def has(self, name: str) -> bool:
        return name in self._infos

    def read(self, name: str) -> bytes:
        info = self._infos.get(name)
        if info is None:
            raise UnreadableFile(f"The EPUB lists {name!r} but does not contain it.")
        if info.file_size > self.budget.max_entry_bytes:
            raise self._too_big(name)
        chunks: list[bytes] = []
        size = 0
        try:
            with self._zip.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    size += len(chunk)
                    self.total_read += len(chunk)
                    if size > self.budget.max_entry_bytes or self.total_read > self.budget.max_total_bytes:
                        raise self._too_big(name)
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, OSError):
            raise UnreadableFile(f"The EPUB is damaged: {name!r} cannot be read.") from None
        return b"".join(chunks)

    def _too_big(self, name: str) -> UnreadableFile:
        return UnreadableFile(
            f"The EPUB is too big once unpacked (at {name!r}); the limits are "
            f"{self.budget.max_entry_bytes:,} bytes per file and {self.budget.max_total_bytes:,} in all."
        )
