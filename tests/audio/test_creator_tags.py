from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import mutagen
import mutagen.apev2
import mutagen.id3
import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks

from fanshelf.accounts.models import User
from fanshelf.audio.actions import strip_creator_tags
from fanshelf.audio.models import AudioFile
from fanshelf.works.models import Work
from tests.audio.conftest import MakeAudio
from tests.audio.samples import CREATOR_NAME, TITLE, fixture_bytes, flac_bytes, mp3_bytes, opus_bytes, with_creator_tags
from tests.factories import make_work

SAMPLES = {
    "mp3": lambda: mp3_bytes(2.0),
    "aac": lambda: fixture_bytes("sine.aac"),
    "m4a": lambda: fixture_bytes("sine.m4a"),
    "ogg": lambda: fixture_bytes("sine.ogg"),
    "opus": lambda: opus_bytes(2.0),
    "flac": lambda: flac_bytes(2.0),
}


def served(client: Client, audio: AudioFile) -> bytes:
    response: Any = client.get(reverse("audio:stream", args=[audio.pk]))
    assert response.status_code == 200
    content: bytes = b"".join(response.streaming_content)  # reading to the end closes the response
    return content


def tag_values(data: bytes, tmp_path: Path) -> list[str]:
    """Every tag value mutagen finds in the file: ID3v2 (with ID3v1 merged in), APEv2, MP4 and Vorbis comments."""
    path = tmp_path / "served"
    path.write_bytes(data)
    values: list[str] = []
    readers: list[Any] = [mutagen.id3.ID3, mutagen.apev2.APEv2, mutagen.File]
    for reader in readers:
        try:
            tags = reader(path)
        except mutagen.MutagenError:
            continue  # this kind of tag is not in the file (or an ADTS file that mutagen.File mistakes for MP3)
        tags = getattr(tags, "tags", tags)
        for key in tags.keys() if tags is not None else ():
            value = tags[key]
            values += [str(v) for v in (value if isinstance(value, list) else getattr(value, "text", [value]))]
    return values


@pytest.fixture
def anonymous_work(author: User) -> Work:
    return make_work(author, title="Untitled gift", anonymous=True)


@pytest.mark.parametrize("audio_format", list(SAMPLES))
def test_an_anonymous_works_served_audio_names_nobody_but_keeps_its_title(
    audio_format: str, anonymous_work: Work, make_audio: MakeAudio, reader_client: Client, tmp_path: Path
) -> None:
    tagged = with_creator_tags(SAMPLES[audio_format](), audio_format, tmp_path)
    assert any(CREATOR_NAME in value for value in tag_values(tagged, tmp_path))  # the sample does name them
    data = served(reader_client, make_audio(anonymous_work, data=tagged, name=f"x.{audio_format}"))
    values = tag_values(data, tmp_path)
    assert TITLE in values
    assert not any(CREATOR_NAME in value for value in values)
    assert CREATOR_NAME.encode() not in data  # nor anywhere else in the bytes (an ID3v1 artist field, say)


def test_no_id3v1_artist_survives_in_a_served_mp3(
    anonymous_work: Work, make_audio: MakeAudio, reader_client: Client, tmp_path: Path
) -> None:
    data = served(reader_client, make_audio(anonymous_work, data=with_creator_tags(mp3_bytes(), "mp3", tmp_path)))
    last_128 = data[-128:]
    # Either no ID3v1 tag is left (mutagen drops it when it rewrites the APE tag) or its artist field is blank.
    assert not last_128.startswith(b"TAG") or last_128[33:63].strip(b"\x00 ") == b""


def test_creator_tags_are_stripped_from_every_upload_so_a_work_made_anonymous_later_needs_no_rewrite(
    podfic: Work, make_audio: MakeAudio, tmp_path: Path
) -> None:
    audio = make_audio(podfic, data=with_creator_tags(mp3_bytes(), "mp3", tmp_path))
    with audio.file.open("rb") as handle:
        assert CREATOR_NAME.encode() not in handle.read()


def test_strip_creator_tags_cleans_a_file_stored_before_uploads_were_cleaned(
    podfic: Work,
    make_audio: MakeAudio,
    media_root: Path,
    tmp_path: Path,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    audio = make_audio(podfic)
    tagged = with_creator_tags(mp3_bytes(), "mp3", tmp_path)
    audio.file.save("", ContentFile(tagged), save=True)  # as if stored by an older version
    tagged_file = media_root / (audio.file.name or "")
    with django_capture_on_commit_callbacks(execute=True):
        removed = strip_creator_tags(audio)
    assert "TPE1" in removed
    audio.refresh_from_db()
    with audio.file.open("rb") as handle:
        cleaned = handle.read()
    assert CREATOR_NAME.encode() not in cleaned
    assert audio.size_bytes == len(cleaned)
    assert (media_root / (audio.file.name or "")).exists()
    assert not tagged_file.exists()
    assert strip_creator_tags(audio) == []  # nothing left to do the second time


def test_mutagen_reads_the_served_file_as_the_same_audio(
    anonymous_work: Work, make_audio: MakeAudio, reader_client: Client
) -> None:
    data = served(reader_client, make_audio(anonymous_work, data=flac_bytes(3.0)))
    assert mutagen.File(io.BytesIO(data)).info.length == pytest.approx(3.0)
