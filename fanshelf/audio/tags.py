"""Remove every tag inside an audio file that could name a person, keeping an allowlist of what a player needs.

Fanshelf strips them from every upload before it is stored, anonymous work or not, so no stored file can name
its creator: a work that becomes anonymous later (by the creator, or by joining an anonymous collection) needs
no rewrite, and nothing depends on remembering to re-strip. The archive shows creators itself.

What stays is a short list per container: title, album, track and disc numbers, date, genre, language, length and
cover art (its free-text description blanked). Everything else goes, whatever it is called: people fields, but
also comments, lyrics, user-defined text, URLs, private and embedded-object frames, encoder notes and freeform
atoms, since any free text can hold "read by <pseud>". An allowlist, because a denylist of name fields missed
"Comment by PSEUD" once and would miss the next field a tagging tool invents.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

import mutagen.apev2
import mutagen.flac
import mutagen.id3
import mutagen.mp4
import mutagen.oggopus
import mutagen.oggvorbis

from fanshelf.audio.formats import AudioFormat

# ID3v2 frames kept: title, album, track and disc numbers, dates (v2.4 TDRC; v2.3 TYER/TDAT), genre, language,
# length, cover art (APIC, description blanked) and chapters (CHAP/CTOC, their own frames filtered the same way).
_ID3_KEPT = frozenset({"TIT2", "TALB", "TRCK", "TPOS", "TDRC", "TYER", "TDAT", "TCON", "TLAN", "TLEN", "APIC"})
_ID3_CHAPTERS = frozenset({"CHAP", "CTOC"})

# MP4 (iTunes) atoms kept: title, album, track and disc numbers, date, genre (text and numeric), cover art, and
# the flags players use for audiobooks (media kind, gapless, compilation). Freeform "----:" atoms all go.
_MP4_KEPT = frozenset({"©nam", "©alb", "trkn", "disk", "©day", "©gen", "gnre", "covr", "stik", "pgap", "cpil"})

# Vorbis comment fields (Ogg Vorbis, Opus, FLAC) and APEv2 items kept, compared upper-case with spaces, hyphens
# and underscores removed. Replay gain values are numbers, kept so players keep the loudness the reader set.
_FIELDS_KEPT = frozenset(
    {
        "TITLE", "ALBUM", "TRACK", "TRACKNUMBER", "TRACKTOTAL", "TOTALTRACKS", "DISC", "DISCNUMBER", "DISCTOTAL",
        "TOTALDISCS", "DATE", "YEAR", "GENRE", "LANGUAGE", "REPLAYGAINTRACKGAIN", "REPLAYGAINTRACKPEAK",
        "REPLAYGAINALBUMGAIN", "REPLAYGAINALBUMPEAK", "R128TRACKGAIN", "R128ALBUMGAIN",
    }
)  # fmt: skip
_VORBIS_PICTURE = "METADATA_BLOCK_PICTURE"  # base64 of a FLAC picture block, whose description is free text

# FLAC metadata blocks kept: STREAMINFO, PADDING, SEEKTABLE, VORBIS_COMMENT, CUESHEET, PICTURE. APPLICATION
# blocks (2) hold anything a tool likes, and unknown block types are dropped as unreadable, hence unchecked.
_FLAC_BLOCKS_KEPT = frozenset({0, 1, 3, 4, 5, 6})

# mutagen's classes are untyped; they are held as Any here, once, rather than cast at every call.
_ID3: Any = mutagen.id3.ID3
_APEV2: Any = mutagen.apev2.APEv2
_PICTURE: Any = mutagen.flac.Picture
_CONTAINERS: dict[str, Any] = {
    AudioFormat.M4A: mutagen.mp4.MP4,
    AudioFormat.FLAC: mutagen.flac.FLAC,
    AudioFormat.OPUS: mutagen.oggopus.OggOpus,
    AudioFormat.VORBIS: mutagen.oggvorbis.OggVorbis,
}


def _kept_field(field: str) -> bool:
    return "".join(ch for ch in field.upper() if ch not in " -_") in _FIELDS_KEPT


def strip_creator_tags_in_place(path: Path, audio_format: str) -> list[str]:
    """Remove every tag not on the allowlist from the file at path, rewriting it; returns the tags removed."""
    if audio_format in (AudioFormat.MP3, AudioFormat.AAC):
        return _strip_ape(path) + _strip_id3(path)  # APE first: saving it drops a trailing ID3v1
    audio = _CONTAINERS[audio_format](path)
    if audio_format == AudioFormat.M4A:
        removed = _drop(audio.tags, lambda key: key not in _MP4_KEPT)
    else:
        removed = _drop(audio.tags, lambda key: not _kept_field(key) and key.upper() != _VORBIS_PICTURE)
        removed += _blank_vorbis_picture_descriptions(audio.tags)
    if audio_format == AudioFormat.FLAC:
        removed += _strip_flac_blocks(audio)
        if _has_id3(path):
            removed.append("ID3")  # ID3 in FLAC is non-standard; dropped whole below rather than edited
    if removed and audio_format == AudioFormat.FLAC:
        audio.save(deleteid3=True)
    elif removed:
        audio.save(path)
    return removed


def _drop(tags: Any, should_drop: Callable[[str], bool]) -> list[str]:
    if tags is None:
        return []
    doomed = sorted(key for key in set(tags.keys()) if should_drop(key))  # Vorbis comments iterate as pairs
    for key in doomed:
        del tags[key]
    return doomed


def _blank_vorbis_picture_descriptions(tags: Any) -> list[str]:
    """Cover art in Ogg is a base64 FLAC picture block in a comment: keep the image, blank its description."""
    if tags is None or _VORBIS_PICTURE not in tags:
        return []
    try:
        pictures: list[Any] = [_PICTURE(base64.b64decode(value)) for value in tags[_VORBIS_PICTURE]]
    # Hostile or damaged pictures can make the parser fail in any way; one that cannot be read cannot be checked.
    except Exception:
        del tags[_VORBIS_PICTURE]
        return [_VORBIS_PICTURE]
    if not any(picture.desc for picture in pictures):
        return []
    for picture in pictures:
        picture.desc = ""
    tags[_VORBIS_PICTURE] = [base64.b64encode(picture.write()).decode("ascii") for picture in pictures]
    return [f"{_VORBIS_PICTURE} description"]


def _strip_flac_blocks(audio: Any) -> list[str]:
    """Drop APPLICATION and unknown blocks; blank the description of each PICTURE block."""
    removed = [f"block {block.code}" for block in audio.metadata_blocks if block.code not in _FLAC_BLOCKS_KEPT]
    audio.metadata_blocks = [block for block in audio.metadata_blocks if block.code in _FLAC_BLOCKS_KEPT]
    for picture in audio.pictures:
        if picture.desc:
            picture.desc = ""
            removed.append("PICTURE description")
    return removed


def _has_id3(path: Path) -> bool:
    try:
        _ID3(path)
    except mutagen.id3.ID3NoHeaderError:
        return False
    return True


def _filter_id3_frames(tags: Any) -> list[str]:
    """Drop every frame not on the allowlist (inside chapters too); blank cover art descriptions."""
    removed = [key for key in list(tags.keys()) if key[:4] not in _ID3_KEPT | _ID3_CHAPTERS]
    for key in removed:
        del tags[key]
    for chapter in [frame for key, frame in tags.items() if key[:4] in _ID3_CHAPTERS]:
        removed += [f"{chapter.HashKey}/{key}" for key in _filter_id3_frames(chapter.sub_frames)]
    pictures = tags.getall("APIC")
    if any(picture.desc for picture in pictures):
        # A picture's description is part of its key, so blanking several would make them collide: keep the first.
        tags.delall("APIC")
        pictures[0].desc = ""
        tags.add(pictures[0])
        removed.append("APIC description")
    return removed


def _strip_id3(path: Path) -> list[str]:
    try:
        tags = _ID3(path)
    except mutagen.id3.ID3NoHeaderError:
        return []
    removed = _filter_id3_frames(tags)
    if removed:
        # UPDATE rewrites an existing ID3v1 tag from the remaining frames, which blanks its artist and comment.
        tags.save(path, v1=mutagen.id3.ID3v1SaveOptions.UPDATE)
    return sorted(removed)


def _strip_ape(path: Path) -> list[str]:
    try:
        tags = _APEV2(path)
    except mutagen.apev2.APENoHeaderError:
        return []
    # Binary items (cover art) carry a file name of the tagger's choosing, and external items are URLs: both go.
    removed = _drop(tags, lambda key: not _kept_field(key) or tags[key].kind != mutagen.apev2.TEXT)
    if removed:
        tags.save(path)
    return removed
