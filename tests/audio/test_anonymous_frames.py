"""Free text inside podfic files (comments, lyrics, user text, URLs, private frames, pictures' descriptions...)
never reaches a reader, in any container: only an allowlist of tags survives an upload."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import mutagen.apev2
import mutagen.flac
import mutagen.id3
import mutagen.mp4
import mutagen.oggopus
import mutagen.oggvorbis
import pytest
from django.test import Client

from fanshelf.accounts.models import User
from fanshelf.works.actions import set_work_flags
from fanshelf.works.models import Work
from tests.audio.conftest import MakeAudio
from tests.audio.samples import TITLE, fixture_bytes, flac_bytes, mp3_bytes, opus_bytes
from tests.audio.test_creator_tags import served, tag_values
from tests.factories import make_work

PSEUD = "Quillfeather Reads"
IN_URL = "quillfeather-reads"  # how a pseud shows up in an address
# mutagen's classes are untyped; held as Any once here.
_MP4: Any = mutagen.mp4.MP4
_ID3: Any = mutagen.id3.ID3
_FLAC: Any = mutagen.flac.FLAC
_BLOCK: Any = mutagen.flac.MetadataBlock
SAMPLES = {
    "mp3": lambda: mp3_bytes(2.0),
    "aac": lambda: fixture_bytes("sine.aac"),
    "m4a": lambda: fixture_bytes("sine.m4a"),
    "ogg": lambda: fixture_bytes("sine.ogg"),
    "opus": lambda: opus_bytes(2.0),
    "flac": lambda: flac_bytes(2.0),
}


def _id3(path: Path, with_v1_and_ape: bool) -> None:
    id3: Any = mutagen.id3
    if with_v1_and_ape:
        apev2: Any = mutagen.apev2
        ape = apev2.APEv2()
        ape["Title"], ape["Comment"] = TITLE, f"Comment by {PSEUD}"
        ape["Cover Art (Front)"] = apev2.APEValue(f"{PSEUD}.jpg".encode() + b"\x00\xff\xd8", apev2.BINARY)
        ape.save(path)
    tags = id3.ID3()
    tags.add(id3.TIT2(encoding=3, text=TITLE))
    tags.add(id3.COMM(encoding=3, lang="eng", desc="", text=f"Comment by {PSEUD}"))
    tags.add(id3.USLT(encoding=3, lang="eng", desc="", text=f"Read aloud by {PSEUD}"))
    tags.add(id3.SYLT(encoding=3, lang="eng", format=2, type=1, desc="", text=[(PSEUD, 0)]))
    tags.add(id3.TXXX(encoding=3, desc="Notes", text=f"Thanks for listening, {PSEUD}"))
    tags.add(id3.TIT3(encoding=3, text=f"read by {PSEUD}"))
    tags.add(id3.WXXX(encoding=3, desc="", url=f"https://example.org/{IN_URL}"))
    tags.add(id3.WOAF(url=f"https://example.org/{IN_URL}/podfic"))
    tags.add(id3.PRIV(owner=PSEUD, data=PSEUD.encode()))
    tags.add(id3.GEOB(encoding=3, mime="text/plain", filename="notes.txt", desc=PSEUD, data=PSEUD.encode()))
    tags.add(id3.APIC(encoding=3, mime="image/jpeg", type=3, desc=f"Cover by {PSEUD}", data=b"\xff\xd8"))
    chapter_frames = [id3.TIT2(encoding=3, text="Part one"), id3.TXXX(encoding=3, desc="reader", text=PSEUD)]
    tags.add(id3.CHAP(element_id="ch1", start_time=0, end_time=1000, sub_frames=chapter_frames))
    tags.save(path, v1=id3.ID3v1SaveOptions.CREATE if with_v1_and_ape else id3.ID3v1SaveOptions.REMOVE)


def _picture(description: str) -> Any:
    flac: Any = mutagen.flac
    picture = flac.Picture()
    picture.type, picture.mime, picture.desc, picture.data = 3, "image/jpeg", description, b"\xff\xd8"
    return picture


def with_free_text(data: bytes, audio_format: str, folder: Path) -> bytes:
    """The sample with the pseud in every kind of free-text field its container has, as taggers write them."""
    path = folder / f"free-text.{audio_format}"
    path.write_bytes(data)
    if audio_format in ("mp3", "aac"):
        _id3(path, with_v1_and_ape=audio_format == "mp3")
        return path.read_bytes()
    if audio_format == "m4a":
        mp4: Any = _MP4(path)
        mp4["©nam"], mp4["©cmt"], mp4["©lyr"] = TITLE, f"Comment by {PSEUD}", f"Read by {PSEUD}"
        mp4["desc"], mp4["©too"], mp4["purl"] = PSEUD, PSEUD, f"https://example.org/{IN_URL}"
        mp4["----:com.apple.iTunes:NOTES"] = PSEUD.encode()
        mp4.save()
        return path.read_bytes()
    opener: Any = {"ogg": mutagen.oggvorbis.OggVorbis, "opus": mutagen.oggopus.OggOpus, "flac": mutagen.flac.FLAC}
    audio = opener[audio_format](path)
    if audio.tags is None:
        audio.add_tags()
    audio.tags["TITLE"] = TITLE
    for key in ("COMMENT", "DESCRIPTION", "LYRICS", "NOTES", "CONTACT"):
        audio.tags[key] = f"{key.title()}: {PSEUD}"
    audio.tags["WEBSITE"] = f"https://example.org/{IN_URL}"
    if audio_format == "flac":
        audio.add_picture(_picture(f"Cover by {PSEUD}"))
        application: Any = _BLOCK(b"fshl" + PSEUD.encode())
        application.code = 2  # APPLICATION: any bytes a tool likes, after a four-byte id
        audio.metadata_blocks.append(application)
    else:
        encoded = base64.b64encode(_picture(f"Cover by {PSEUD}").write()).decode("ascii")
        audio.tags["METADATA_BLOCK_PICTURE"] = [encoded]
    audio.save()
    return path.read_bytes()


def names_the_pseud(data: bytes) -> bool:
    lowered = data.lower()
    return PSEUD.lower().encode() in lowered or IN_URL.encode() in lowered


@pytest.fixture
def anonymous_podfic(author: User) -> Work:
    return make_work(author, title="A gift, read aloud", anonymous=True)


@pytest.mark.parametrize("audio_format", list(SAMPLES))
def test_no_comment_lyrics_user_text_url_or_private_frame_of_an_anonymous_podfic_names_its_reader(
    audio_format: str, anonymous_podfic: Work, make_audio: MakeAudio, reader_client: Client, tmp_path: Path
) -> None:
    tagged = with_free_text(SAMPLES[audio_format](), audio_format, tmp_path)
    assert names_the_pseud(tagged)  # the sample does name them
    data = served(reader_client, make_audio(anonymous_podfic, data=tagged, name=f"gift.{audio_format}"))
    assert not names_the_pseud(data)
    assert TITLE in tag_values(data, tmp_path)  # what players show is kept


@pytest.mark.parametrize("audio_format", ["mp3", "flac"])
def test_cover_art_stays_without_its_description(
    audio_format: str, anonymous_podfic: Work, make_audio: MakeAudio, reader_client: Client, tmp_path: Path
) -> None:
    tagged = with_free_text(SAMPLES[audio_format](), audio_format, tmp_path)
    data = served(reader_client, make_audio(anonymous_podfic, data=tagged, name=f"gift.{audio_format}"))
    path = tmp_path / f"served.{audio_format}"
    path.write_bytes(data)
    pictures = _ID3(path).getall("APIC") if audio_format == "mp3" else _FLAC(path).pictures
    assert [(picture.desc, picture.data) for picture in pictures] == [("", b"\xff\xd8")]


def test_a_podfic_uploaded_before_its_work_became_anonymous_names_nobody_after(
    author: User, make_audio: MakeAudio, reader_client: Client, tmp_path: Path
) -> None:
    work = make_work(author, title="Read in the open")
    audio = make_audio(work, data=with_free_text(mp3_bytes(2.0), "mp3", tmp_path))
    set_work_flags(work, anonymous=True)
    assert not names_the_pseud(served(reader_client, audio))
