"""Small, real audio files for the tests, built in pure Python so a fresh CI machine needs no encoder.

MP3, FLAC and Ogg Opus are simple enough to write by hand as silence that decoders accept. AAC (in MP4 and
ADTS) and Ogg Vorbis need a real encoder, so those three are tiny sine tones made once with ffmpeg and kept in
fixtures/ (see fixtures/README.md).
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import mutagen.apev2
import mutagen.flac
import mutagen.id3
import mutagen.mp4
import mutagen.oggopus
import mutagen.oggvorbis

FIXTURES = Path(__file__).parent / "fixtures"

# MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, mono, no CRC: 417-byte frames of 1,152 samples.
_MP3_HEADER = bytes([0xFF, 0xFB, 0x90, 0xC4])
_MP3_FRAME_BYTES = 144 * 128_000 // 44_100


def mp3_bytes(seconds: float = 1.0) -> bytes:
    """Silent MP3: frame headers followed by zeroed side information and main data, which decodes as silence."""
    frames = max(1, round(seconds * 44_100 / 1152))
    return (_MP3_HEADER + bytes(_MP3_FRAME_BYTES - len(_MP3_HEADER))) * frames


def _crc8(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def _crc16(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x8005) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def flac_bytes(seconds: float = 1.0) -> bytes:
    """Silent mono 16-bit FLAC: STREAMINFO, then frames of 4,096 samples, each one CONSTANT subframe of zero."""
    block, sample_rate = 4096, 44_100
    total = max(1, round(seconds * sample_rate))
    frames = []
    for number, start in enumerate(range(0, total, block)):
        size = min(block, total - start)
        # Sync, fixed block size; block size written after the frame number; 44.1 kHz; mono; 16 bits.
        header = bytes([0xFF, 0xF8, 0x79, 0x08]) + _utf8_number(number) + struct.pack(">H", size - 1)
        header += bytes([_crc8(header)])
        body = header + bytes([0x00]) + struct.pack(">h", 0)  # CONSTANT subframe, value 0; already byte-aligned
        frames.append(body + struct.pack(">H", _crc16(body)))
    streaminfo = struct.pack(">HH", block, block) + (0).to_bytes(3, "big") + (0).to_bytes(3, "big")
    # 20 bits sample rate, 3 bits channels-1, 5 bits bits-per-sample-1, 36 bits total samples.
    packed = (sample_rate << 44) | (0 << 41) | (15 << 36) | total
    streaminfo += packed.to_bytes(8, "big") + bytes(16)  # MD5 of zero means "not computed"
    return b"fLaC" + bytes([0x80]) + len(streaminfo).to_bytes(3, "big") + streaminfo + b"".join(frames)


def _utf8_number(value: int) -> bytes:
    if value < 0x80:
        return bytes([value])
    if value < 0x800:
        return bytes([0xC0 | (value >> 6), 0x80 | (value & 0x3F)])
    return bytes([0xE0 | (value >> 12), 0x80 | ((value >> 6) & 0x3F), 0x80 | (value & 0x3F)])


def _ogg_crc(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) & 0xFFFFFFFF if crc & 0x80000000 else (crc << 1) & 0xFFFFFFFF
    return crc


def _ogg_page(packets: list[bytes], granule: int, sequence: int, flags: int) -> bytes:
    lacing = bytearray()
    for packet in packets:
        lacing += b"\xff" * (len(packet) // 255) + bytes([len(packet) % 255])
    header = b"OggS" + struct.pack("<BBqIII", 0, flags, granule, 0x46534846, sequence, 0) + bytes([len(lacing)])
    page = header + bytes(lacing) + b"".join(packets)
    return page[:22] + struct.pack("<I", _ogg_crc(page)) + page[26:]


def opus_bytes(seconds: float = 1.0) -> bytes:
    """Silent Ogg Opus: OpusHead, OpusTags, then 20 ms CELT packets holding one empty frame each."""
    pre_skip = 312
    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, pre_skip, 48_000, 0, 0)
    vendor = b"fanshelf-tests"
    tags = b"OpusTags" + struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", 0)
    packet_count = max(1, round(seconds * 50))
    silence = bytes([0xF8])  # TOC: CELT-only fullband 20 ms, mono, one frame; an empty frame is silence.
    pages = [_ogg_page([head], 0, 0, 0x02), _ogg_page([tags], 0, 1, 0)]
    per_page = 50
    for sequence, first in enumerate(range(0, packet_count, per_page), start=2):
        count = min(per_page, packet_count - first)
        last = first + count == packet_count
        granule = pre_skip + (first + count) * 960
        pages.append(_ogg_page([silence] * count, granule, sequence, 0x04 if last else 0))
    return b"".join(pages)


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


# People's names written into the samples by `with_creator_tags`; none may survive an upload.
CREATOR_NAME = "Real Name Of The Reader"
TITLE = "Salt and Lanterns, read aloud"


def with_creator_tags(data: bytes, audio_format: str, folder: Path) -> bytes:
    """The sample with a title and person-naming tags written by mutagen, as a podficcer's tools would."""
    path = folder / f"tagged.{audio_format}"
    path.write_bytes(data)
    if audio_format in ("mp3", "aac"):
        _tag_id3(path, also_v1_and_ape=audio_format == "mp3")
    elif audio_format == "m4a":
        mp4: Any = mutagen.mp4
        tags = mp4.MP4(path)
        tags["©nam"], tags["©ART"], tags["aART"], tags["©wrt"] = TITLE, CREATOR_NAME, CREATOR_NAME, CREATOR_NAME
        tags["----:com.apple.iTunes:ARTISTS"] = CREATOR_NAME.encode()
        tags.save()
    else:
        opener: Any = {"ogg": mutagen.oggvorbis.OggVorbis, "opus": mutagen.oggopus.OggOpus, "flac": mutagen.flac.FLAC}
        audio = opener[audio_format](path)
        if audio.tags is None:
            audio.add_tags()
        audio.tags["TITLE"] = TITLE
        for key in ("ARTIST", "ALBUMARTIST", "Album Artist", "COMPOSER", "PERFORMER"):
            audio.tags[key] = CREATOR_NAME
        audio.save()
    return path.read_bytes()


def _tag_id3(path: Path, also_v1_and_ape: bool) -> None:
    id3: Any = mutagen.id3
    if also_v1_and_ape:  # APEv2 first: taggers keep an ID3v1 tag as the file's last 128 bytes, after APE
        apev2: Any = mutagen.apev2
        ape = apev2.APEv2()
        ape["Title"], ape["Artist"] = TITLE, CREATOR_NAME
        ape.save(path)
    tags = id3.ID3()
    tags.add(id3.TIT2(encoding=3, text=TITLE))
    for frame in (id3.TPE1, id3.TPE2, id3.TCOM, id3.TEXT):
        tags.add(frame(encoding=3, text=CREATOR_NAME))
    tags.add(id3.TXXX(encoding=3, desc="ARTISTS", text=CREATOR_NAME))
    tags.save(path, v1=id3.ID3v1SaveOptions.CREATE if also_v1_and_ape else id3.ID3v1SaveOptions.REMOVE)
