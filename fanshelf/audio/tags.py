"""Remove the tags inside audio files that name people (artist, album artist, composer, narrator, encoded-by...).

Fanshelf strips them from every upload before it is stored, anonymous work or not, so no stored file can name
its creator: a work that becomes anonymous later (by the creator, or by joining an anonymous collection) needs
no rewrite, and nothing depends on remembering to re-strip. The archive shows creators itself. Titles, album,
track numbers, cover art and the like are kept.
"""

from __future__ import annotations

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

# Field names (Vorbis comments, APEv2 items, ID3 TXXX and MP4 freeform descriptions), compared upper-case with
# spaces, hyphens and underscores removed, so "Album Artist", "ALBUM_ARTIST" and "albumartist" all match.
_PERSON_FIELDS = frozenset(
    {
        "ARTIST", "ARTISTS", "ARTISTSORT", "ALBUMARTIST", "ALBUMARTISTSORT", "ALBUMARTISTS", "COMPOSER",
        "COMPOSERSORT", "LYRICIST", "WRITER", "AUTHOR", "PERFORMER", "CONDUCTOR", "ARRANGER", "REMIXER",
        "ENSEMBLE", "NARRATOR", "READER", "ENCODEDBY", "COPYRIGHT", "CONTACT", "MUSICBRAINZARTISTID",
        "MUSICBRAINZALBUMARTISTID",
    }
)  # fmt: skip

# ID3v2 frames: performers (TPE1-4), composer, lyricist, original artist/lyricist, encoded by, copyright, owner,
# involved people (v2.3 IPLS, v2.4 TIPL/TMCL), sort orders and artist/copyright URLs.
_ID3_PERSON_FRAMES = (
    "TPE1", "TPE2", "TPE3", "TPE4", "TCOM", "TEXT", "TOLY", "TOPE", "TENC", "TCOP", "TOWN", "IPLS", "TIPL",
    "TMCL", "TSOP", "TSO2", "TSOC", "WOAR", "WCOP",
)  # fmt: skip

# MP4 (iTunes) atoms: artist, album artist, composer, narrator, encoded by, copyright and their sort orders.
_MP4_PERSON_ATOMS = frozenset({"©ART", "aART", "©wrt", "©nrt", "©enc", "cprt", "soar", "soaa", "soco"})


# mutagen's classes are untyped; they are held as Any here, once, rather than cast at every call.
_ID3: Any = mutagen.id3.ID3
_APEV2: Any = mutagen.apev2.APEv2
_CONTAINERS: dict[str, Any] = {
    AudioFormat.M4A: mutagen.mp4.MP4,
    AudioFormat.FLAC: mutagen.flac.FLAC,
    AudioFormat.OPUS: mutagen.oggopus.OggOpus,
    AudioFormat.VORBIS: mutagen.oggvorbis.OggVorbis,
}


def _names_a_person(field: str) -> bool:
    return "".join(ch for ch in field.upper() if ch not in " -_") in _PERSON_FIELDS


def strip_creator_tags_in_place(path: Path, audio_format: str) -> list[str]:
    """Remove person-naming tags from the file at path, rewriting it; returns the tag names removed."""
    if audio_format in (AudioFormat.MP3, AudioFormat.AAC):
        return _strip_ape(path) + _strip_id3(path)  # APE first: saving it drops a trailing ID3v1
    audio = _CONTAINERS[audio_format](path)
    if audio_format == AudioFormat.M4A:
        removed = _drop(audio.tags, lambda key: key in _MP4_PERSON_ATOMS or _is_person_freeform(key))
    else:
        removed = _drop(audio.tags, _names_a_person)
    if audio_format == AudioFormat.FLAC and _has_id3(path):
        audio.save(deleteid3=True)  # ID3 in FLAC is non-standard; drop it whole rather than edit it
        return [*removed, "ID3"]
    if removed:
        audio.save()
    return removed


def _drop(tags: Any, should_drop: Callable[[str], bool]) -> list[str]:
    if tags is None:
        return []
    doomed = sorted(key for key in set(tags.keys()) if should_drop(key))  # Vorbis comments iterate as pairs
    for key in doomed:
        del tags[key]
    return doomed


def _is_person_freeform(key: str) -> bool:
    # "----:com.apple.iTunes:ARTISTS": mean, then name.
    return key.startswith("----:") and _names_a_person(key.split(":", 2)[-1])


def _has_id3(path: Path) -> bool:
    try:
        _ID3(path)
    except mutagen.id3.ID3NoHeaderError:
        return False
    return True


def _strip_id3(path: Path) -> list[str]:
    try:
        tags = _ID3(path)
    except mutagen.id3.ID3NoHeaderError:
        return []
    removed: list[str] = [key for key in tags if key[:4] in _ID3_PERSON_FRAMES]
    removed += [key for key in tags if key.startswith("TXXX:") and _names_a_person(key[5:])]
    for key in removed:
        del tags[key]
    if removed:
        # UPDATE rewrites an existing ID3v1 tag from the remaining frames, which blanks its artist field.
        tags.save(path, v1=mutagen.id3.ID3v1SaveOptions.UPDATE)
    return sorted(removed)


def _strip_ape(path: Path) -> list[str]:
    try:
        tags = _APEV2(path)
    except mutagen.apev2.APENoHeaderError:
        return []
    removed = _drop(tags, _names_a_person)
    if removed:
        tags.save(path)
    return removed
