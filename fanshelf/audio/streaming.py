"""Serve stored audio with HTTP Range (RFC 9110 section 14), so that seeking in a browser's player works.

One range per request: `bytes=a-b`, `bytes=a-`, `bytes=-n`. Several ranges, or a malformed header, are ignored
and the whole file is sent (which the RFC allows); a range starting past the end gets 416. Bytes are read from
storage in chunks as they are sent, never whole into memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils.http import content_disposition_header, http_date

from fanshelf.audio.formats import EXTENSIONS
from fanshelf.audio.models import AudioFile

CHUNK_BYTES = 64 * 1024
# ASCII digits only (\d would take any script's), and at most 18 of them: a longer number is no offset in any
# file, and int() of thousands of digits is slow or refused, so such a header is ignored like any malformed one.
_RANGE = re.compile(r"^\s*bytes\s*=\s*([0-9]{0,18})\s*-\s*([0-9]{0,18})\s*$", re.IGNORECASE)
_UNSAFE_IN_FILE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


class RangeNotSatisfiable(Exception):
    """The Range header is well-formed but asks for no byte of the file."""


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive, as in Content-Range

    @property
    def length(self) -> int:
        return self.end - self.start + 1


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The single range asked for, clipped to the file; None means "send everything"."""
    match = _RANGE.match(header or "")
    if match is None:
        return None
    first, last = match.groups()
    if not first:
        if not last:
            return None
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable
        return ByteRange(max(0, size - suffix), size - 1)
    start = int(first)
    if last and int(last) < start:
        return None  # invalid, so ignored
    if start >= size:
        raise RangeNotSatisfiable
    return ByteRange(start, min(int(last), size - 1) if last else size - 1)


class FileSpan:
    """Iterates over bytes [start, start + length) of an open file and closes it when the response closes."""

    def __init__(self, handle: IO[bytes], start: int, length: int) -> None:
        self.handle, self.start, self.remaining = handle, start, length

    def __iter__(self) -> Iterator[bytes]:
        self.handle.seek(self.start)
        while self.remaining > 0:
            block = self.handle.read(min(CHUNK_BYTES, self.remaining))
            if not block:
                return
            self.remaining -= len(block)
            yield block

    def close(self) -> None:
        self.handle.close()


def _etag(audio: AudioFile) -> str:
    # Stored files never change: a cleaned or replaced file gets a new name, so the name is a strong validator.
    return f'"{(audio.file.name or "").rsplit("/", 1)[-1]}"'


def _download_name(audio: AudioFile) -> str:
    """The work's title and chapter: never the uploader's file name, and never a creator's name."""
    work_title = audio.chapter.work.title
    name = _UNSAFE_IN_FILE_NAME.sub(" ", f"{work_title} - {audio.chapter.heading}").strip(" .")
    return f"{name[:150] or 'audio'}{EXTENSIONS[audio.format]}"


def _range_requested(request: HttpRequest, audio: AudioFile, last_modified: str) -> str | None:
    if_range = request.headers.get("If-Range")
    if if_range is not None and if_range not in (_etag(audio), last_modified):
        return None  # the client's copy is of another version: send it all
    return request.headers.get("Range")


def audio_response(request: HttpRequest, audio: AudioFile) -> HttpResponseBase:
    """A 200, 206 or 416 response for the stored file; HEAD gets the headers alone. With
    FANSHELF_AUDIO_ACCEL_REDIRECT set, nginx sends the bytes (and handles Range) instead."""
    offload_prefix = getattr(settings, "FANSHELF_AUDIO_ACCEL_REDIRECT", "")
    if offload_prefix and request.method == "GET":
        return _offloaded(audio, offload_prefix)
    size = audio.size_bytes
    last_modified = http_date(audio.uploaded_at.timestamp())
    try:
        wanted = parse_range(_range_requested(request, audio, last_modified), size)
    except RangeNotSatisfiable:
        response: HttpResponseBase = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response
    span = wanted or ByteRange(0, size - 1)
    if request.method == "HEAD":
        response = HttpResponse(status=206 if wanted else 200, content_type=audio.mime_type)
    else:
        body = FileSpan(audio.file.storage.open(audio.file.name or "", "rb"), span.start, span.length)
        response = StreamingHttpResponse(body, status=206 if wanted else 200, content_type=audio.mime_type)
    if wanted:
        response["Content-Range"] = f"bytes {span.start}-{span.end}/{size}"
    response["Content-Length"] = str(span.length)
    response["ETag"] = _etag(audio)
    response["Last-Modified"] = last_modified
    return _with_common_headers(response, audio)


def _with_common_headers(response: HttpResponseBase, audio: AudioFile) -> HttpResponseBase:
    response["Accept-Ranges"] = "bytes"
    response["X-Content-Type-Options"] = "nosniff"
    # Private: a shared cache must not hand a restricted work's audio to someone else.
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = content_disposition_header(False, _download_name(audio)) or "inline"
    return response


def _offloaded(audio: AudioFile, prefix: str) -> HttpResponseBase:
    """Hand the bytes (and the Range handling) to nginx once permission is checked: an `internal` location at
    prefix serves MEDIA_ROOT. A long listen then holds no app worker (docs/audio.md, "Serving at scale")."""
    response = HttpResponse(content_type=audio.mime_type)
    response["X-Accel-Redirect"] = f"{prefix.rstrip('/')}/{audio.file.name}"
    return _with_common_headers(response, audio)
