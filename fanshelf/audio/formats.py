"""The audio formats the archive accepts, and how each is recognised from its first bytes (never its name)."""

from __future__ import annotations

from typing import BinaryIO

from django.db import models


class AudioFormat(models.TextChoices):
    MP3 = "mp3", "MP3"
    M4A = "m4a", "M4A (AAC)"
    AAC = "aac", "AAC"
    VORBIS = "ogg", "Ogg Vorbis"
    OPUS = "opus", "Ogg Opus"
    FLAC = "flac", "FLAC"


MIME_TYPES: dict[str, str] = {
    AudioFormat.MP3: "audio/mpeg",
    AudioFormat.M4A: "audio/mp4",
    AudioFormat.AAC: "audio/aac",
    AudioFormat.VORBIS: "audio/ogg",
    AudioFormat.OPUS: "audio/ogg",
    AudioFormat.FLAC: "audio/flac",
}

EXTENSIONS: dict[str, str] = {
    AudioFormat.MP3: ".mp3",
    AudioFormat.M4A: ".m4a",
    AudioFormat.AAC: ".aac",
    AudioFormat.VORBIS: ".ogg",
    AudioFormat.OPUS: ".opus",
    AudioFormat.FLAC: ".flac",
}

# For the file picker only; the server decides from the bytes.
ACCEPT_ATTRIBUTE = ",".join(sorted({*MIME_TYPES.values(), *EXTENSIONS.values()}))

_SNIFF_BYTES = 4096


def _id3v2_length(head: bytes) -> int:
    """Bytes taken by an ID3v2 tag at the start of the file (0 when there is none)."""
    if len(head) < 10 or head[:3] != b"ID3" or any(b & 0x80 for b in head[6:10]):
        return 0
    size = (head[6] << 21) | (head[7] << 14) | (head[8] << 7) | head[9]  # "syncsafe": 7 bits per byte
    footer = 10 if head[5] & 0x10 else 0
    return 10 + size + footer


def _is_mp3_frame(head: bytes) -> bool:
    """An MPEG audio Layer III frame header: 11 sync bits, a real version, a real bit rate and sample rate."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 0x3, (head[1] >> 1) & 0x3
    bitrate, sample_rate = head[2] >> 4, (head[2] >> 2) & 0x3
    return version != 1 and layer == 1 and bitrate not in (0, 15) and sample_rate != 3


def _is_adts_frame(head: bytes) -> bool:
    """An AAC ADTS frame header: 12 sync bits and layer 0 (MPEG audio uses layers 1 to 3)."""
    return len(head) >= 7 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0 and (head[2] >> 2) & 0xF < 13


def _ogg_codec(head: bytes) -> str | None:
    """The codec of an Ogg stream, from the first packet of its first page."""
    if len(head) < 28 or head[:4] != b"OggS":
        return None
    first_packet = head[27 + head[26] :]
    if first_packet.startswith(b"OpusHead"):
        return AudioFormat.OPUS
    if first_packet.startswith(b"\x01vorbis"):
        return AudioFormat.VORBIS
    return None


def sniff_format(handle: BinaryIO) -> str | None:
    """The format the file's magic bytes announce, or None. Reads a few kilobytes; leaves the position at 0."""
    handle.seek(0)
    head = handle.read(_SNIFF_BYTES)
    tag_length = _id3v2_length(head)
    if tag_length:
        # Podcast tools often put an ID3 tag (with cover art) before MP3, ADTS or even FLAC data.
        handle.seek(tag_length)
        after_tag = handle.read(_SNIFF_BYTES).lstrip(b"\x00")
        handle.seek(0)
        if after_tag.startswith(b"fLaC"):
            return AudioFormat.FLAC
        if _is_mp3_frame(after_tag):
            return AudioFormat.MP3
        return AudioFormat.AAC if _is_adts_frame(after_tag) else None
    handle.seek(0)
    if head[4:8] == b"ftyp":
        return AudioFormat.M4A
    if head.startswith(b"fLaC"):
        return AudioFormat.FLAC
    if head.startswith(b"OggS"):
        return _ogg_codec(head)
    if _is_mp3_frame(head):
        return AudioFormat.MP3
    return AudioFormat.AAC if _is_adts_frame(head) else None
