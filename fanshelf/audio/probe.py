"""Decide whether an uploaded file is audio we can serve: magic bytes, then mutagen, then a completeness check.

Every failure is an AudioRejected whose message is shown to the uploader as is.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import mutagen.aac
import mutagen.flac
import mutagen.mp3
import mutagen.mp4
import mutagen.oggopus
import mutagen.oggvorbis

from fanshelf.audio.formats import MIME_TYPES, AudioFormat, sniff_format

_READERS: dict[str, Any] = {
    AudioFormat.MP3: mutagen.mp3.MP3,
    AudioFormat.M4A: mutagen.mp4.MP4,
    AudioFormat.AAC: mutagen.aac.AAC,
    AudioFormat.VORBIS: mutagen.oggvorbis.OggVorbis,
    AudioFormat.OPUS: mutagen.oggopus.OggOpus,
    AudioFormat.FLAC: mutagen.flac.FLAC,
}

NOT_AUDIO = "This file is not MP3, M4A/AAC, Ogg Vorbis, Opus or FLAC audio. Check that you chose the right file."


class AudioRejected(Exception):
    """The file is not audio the archive accepts; str(error) says why, for the uploader."""


@dataclass(frozen=True)
class AudioProbe:
    format: str
    mime_type: str
    duration_seconds: float


def probe_audio(path: Path) -> AudioProbe:
    """What the file at path holds, or AudioRejected. Never trusts the file name."""
    with path.open("rb") as handle:
        audio_format = sniff_format(handle)
        if audio_format is None:
            raise AudioRejected(NOT_AUDIO)
        label = AudioFormat(audio_format).label
        try:
            info = _READERS[audio_format](path).info
        # Hostile or damaged files can make any parser fail in any way; all of them mean "not readable audio".
        except Exception as error:
            raise AudioRejected(f"This looks like {label} but its audio could not be read. Is it damaged?") from error
        length = float(info.length or 0)
        if not math.isfinite(length) or length <= 0:
            raise AudioRejected(f"This {label} file has no playable length. Is it damaged or empty?")
        if audio_format == AudioFormat.M4A and not str(getattr(info, "codec", "")).startswith("mp4a"):
            raise AudioRejected("This M4A file does not hold AAC audio (the only kind accepted in M4A).")
        if not _is_complete(audio_format, handle):
            raise AudioRejected(f"This {label} file is cut short (truncated). Upload the whole file again.")
    return AudioProbe(format=audio_format, mime_type=MIME_TYPES[audio_format], duration_seconds=length)


def _is_complete(audio_format: str, handle: BinaryIO) -> bool:
    """Whether the container says the file ends where it does. MP3 and ADTS are bare frame streams with no
    recorded length; a cut one plays up to the cut, so mutagen finding frames is all we ask of them."""
    if audio_format == AudioFormat.M4A:
        return _mp4_atoms_fit(handle)
    if audio_format in (AudioFormat.VORBIS, AudioFormat.OPUS):
        return _ogg_ends_with_last_page(handle)
    if audio_format == AudioFormat.FLAC:
        return _flac_last_frame_intact(handle)
    return True


def _file_size(handle: BinaryIO) -> int:
    return handle.seek(0, 2)


def _mp4_atoms_fit(handle: BinaryIO) -> bool:
    """Every top-level box (ftyp, moov, mdat, ...) lies wholly inside the file, and there is sample data."""
    size, position, names = _file_size(handle), 0, set()
    while position < size:
        handle.seek(position)
        header = handle.read(16)
        if len(header) < 8:
            return False
        length, name = struct.unpack(">I4s", header[:8])
        if length == 1 and len(header) == 16:
            length = struct.unpack(">Q", header[8:16])[0]
        elif length == 0:  # "extends to the end of the file"
            length = size - position
        if length < 8 or position + length > size:
            return False
        names.add(name)
        position += length
    return {b"moov", b"mdat"} <= names


def _ogg_ends_with_last_page(handle: BinaryIO) -> bool:
    """The file ends exactly at the end of a page flagged end-of-stream (the last page of a finished stream)."""
    size = _file_size(handle)
    window = min(size, 65_307 * 2)  # the largest possible page is 65,307 bytes
    handle.seek(size - window)
    tail = handle.read(window)
    start = tail.rfind(b"OggS")
    while start >= 0:
        if len(tail) - start >= 27:
            segments = tail[start + 26]
            lacing = tail[start + 27 : start + 27 + segments]
            end = start + 27 + segments + sum(lacing)
            if len(lacing) == segments and end == len(tail):
                return bool(tail[start + 5] & 0x04)
        start = tail.rfind(b"OggS", 0, start)
    return False


def _crc16(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc = ((crc << 8) & 0xFFFF) ^ _CRC16_TABLE[(crc >> 8) ^ byte]
    return crc


def _crc16_table() -> list[int]:
    table = []
    for index in range(256):
        crc = index << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x8005) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
        table.append(crc)
    return table


_CRC16_TABLE = _crc16_table()
_FLAC_TAIL_BYTES = 1024 * 1024  # more than any real frame (the format allows ~1 MB only for 8 channels at 32 bits)
_FLAC_MAX_CANDIDATES = 64


def _flac_last_frame_intact(handle: BinaryIO) -> bool:
    """The file ends with a whole FLAC frame: some frame sync near the end starts a frame whose CRC-16 covers
    exactly the bytes up to the end. A file cut inside a frame fails this; its STREAMINFO cannot tell."""
    size = _file_size(handle)
    window = min(size, _FLAC_TAIL_BYTES)
    handle.seek(size - window)
    tail = handle.read(window)
    if tail[-128:-125] == b"TAG":  # an ID3v1 tag some taggers append; removed with the other tags later
        tail = tail[:-128]
    if len(tail) < 4:
        return False
    expected = struct.unpack(">H", tail[-2:])[0]
    start, candidates = len(tail) - 2, 0
    while candidates < _FLAC_MAX_CANDIDATES:
        start = tail.rfind(b"\xff", 0, start)
        if start < 0:
            return False
        if tail[start + 1] & 0xFE == 0xF8:
            candidates += 1
            if _crc16(tail[start:-2]) == expected:
                return True
    return False
