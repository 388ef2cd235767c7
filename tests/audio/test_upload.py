from __future__ import annotations

from pathlib import Path

import mutagen
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

from fanshelf.accounts.models import User
from fanshelf.audio.actions import delete_audio, upload_audio
from fanshelf.audio.models import AudioFile
from fanshelf.works.models import Work, WorkChange
from tests.audio.conftest import MakeAudio, as_upload, first_chapter, stored_files
from tests.audio.samples import CREATOR_NAME, fixture_bytes, flac_bytes, mp3_bytes, opus_bytes, with_creator_tags
from tests.factories import make_work

ACCEPTED = [
    ("mp3", "audio/mpeg", lambda: mp3_bytes(2.0), 2.0),
    ("m4a", "audio/mp4", lambda: fixture_bytes("sine.m4a"), 1.5),
    ("aac", "audio/aac", lambda: fixture_bytes("sine.aac"), 1.5),
    ("ogg", "audio/ogg", lambda: fixture_bytes("sine.ogg"), 1.5),
    ("opus", "audio/ogg", lambda: opus_bytes(2.0), 2.0),
    ("flac", "audio/flac", lambda: flac_bytes(2.0), 2.0),
]


def upload_url(work: Work) -> str:
    return reverse("audio:upload", args=[work.pk, first_chapter(work).pk])


@pytest.mark.parametrize(("audio_format", "mime_type", "build", "seconds"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_each_accepted_format_uploads_with_its_type_duration_and_size(
    author_client: Client,
    podfic: Work,
    media_root: Path,
    audio_format: str,
    mime_type: str,
    build: object,
    seconds: float,
) -> None:
    data = build()  # type: ignore[operator]
    response = author_client.post(upload_url(podfic), {"file": as_upload(data, "reading.bin")})
    assert response.status_code == 302
    audio = AudioFile.objects.get()
    assert (audio.format, audio.mime_type) == (audio_format, mime_type)
    assert audio.duration_seconds == pytest.approx(seconds, abs=0.1)
    assert audio.size_bytes == len(data) == (media_root / (audio.file.name or "")).stat().st_size


def test_the_stored_name_is_made_by_the_server_not_taken_from_the_upload(podfic: Work, make_audio: MakeAudio) -> None:
    audio = make_audio(podfic, name="Jane Doe - my secret podfic.mp3")
    assert audio.file.name is not None
    assert "Jane" not in audio.file.name
    assert audio.file.name.startswith("audio/")
    assert audio.file.name.endswith(".mp3")
    assert len(audio.file.name.removeprefix("audio/").removesuffix(".mp3")) == 32  # a uuid4 in hex


def test_an_upload_records_an_audio_change_in_the_outbox(podfic: Work, make_audio: MakeAudio) -> None:
    WorkChange.objects.all().delete()
    make_audio(podfic)
    assert list(WorkChange.objects.values_list("work_id", "kind")) == [(podfic.pk, "audio")]


def test_a_renamed_text_file_is_refused_with_a_clear_error_and_nothing_is_saved(
    author_client: Client, podfic: Work, media_root: Path
) -> None:
    text = b"Chapter one. The lighthouse keeper counted the gulls twice.\n" * 50
    response = author_client.post(upload_url(podfic), {"file": as_upload(text, "chapter1.mp3")})
    assert response.status_code == 200
    assert "is not MP3, M4A/AAC, Ogg Vorbis, Opus or FLAC audio" in response.content.decode()
    assert not AudioFile.objects.exists()
    assert stored_files(media_root) == []


TRUNCATED = [
    ("mp3", lambda: mp3_bytes(2.0)[:200]),
    ("m4a", lambda: fixture_bytes("sine.m4a")[:-1000]),
    ("aac", lambda: fixture_bytes("sine.aac")[:200]),
    ("ogg", lambda: fixture_bytes("sine.ogg")[:-3]),
    ("opus", lambda: opus_bytes(2.0)[:-3]),
    ("flac", lambda: flac_bytes(2.0)[:-3]),
]


@pytest.mark.parametrize(("audio_format", "build"), TRUNCATED, ids=[t[0] for t in TRUNCATED])
def test_a_truncated_file_is_refused_with_a_clear_error_and_nothing_is_saved(
    author_client: Client, podfic: Work, media_root: Path, audio_format: str, build: object
) -> None:
    response = author_client.post(upload_url(podfic), {"file": as_upload(build(), f"part.{audio_format}")})  # type: ignore[operator]
    assert response.status_code == 200
    page = response.content.decode()
    assert "cut short (truncated)" in page or "could not be read. Is it damaged?" in page
    assert not AudioFile.objects.exists()
    assert stored_files(media_root) == []


def test_a_file_whose_tags_cannot_be_rewritten_is_refused_not_stored_with_its_names(
    author_client: Client, podfic: Work, media_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def damaged(path: Path, audio_format: str) -> list[str]:
        raise mutagen.MutagenError("the tag block's sizes do not add up")

    # Fault injection: a real file that probes as audio but whose tags mutagen cannot rewrite is rare to craft.
    monkeypatch.setattr("fanshelf.audio.actions.strip_creator_tags_in_place", damaged)
    response = author_client.post(upload_url(podfic), {"file": as_upload(mp3_bytes(1.0), "part.mp3")})
    assert response.status_code == 200
    assert "names in them could not be removed" in response.content.decode()
    assert not AudioFile.objects.exists()
    assert stored_files(media_root) == []


def test_an_m4a_holding_something_other_than_audio_boxes_is_refused(podfic: Work) -> None:
    not_mp4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 500
    with pytest.raises(ValidationError, match="could not be read"):
        upload_audio(first_chapter(podfic), as_upload(not_mp4, "x.m4a"))


def test_an_oversized_file_is_refused_by_the_form_and_never_stored(
    author_client: Client, podfic: Work, media_root: Path, settings: Settings
) -> None:
    settings.FANSHELF_MAX_AUDIO_BYTES = 10_000
    response = author_client.post(upload_url(podfic), {"file": as_upload(mp3_bytes(2.0))})
    assert response.status_code == 200
    assert "Audio files can be at most 9.8\xa0KB" in response.content.decode()
    assert not AudioFile.objects.exists()
    assert stored_files(media_root) == []


def test_the_upload_action_refuses_an_oversized_file_too(podfic: Work, settings: Settings) -> None:
    settings.FANSHELF_MAX_AUDIO_BYTES = 10_000
    with pytest.raises(ValidationError, match="at most"):
        upload_audio(first_chapter(podfic), as_upload(mp3_bytes(2.0)))
    assert not AudioFile.objects.exists()


def test_the_upload_page_states_the_size_limit_and_accepted_formats(author_client: Client, podfic: Work) -> None:
    page = author_client.get(upload_url(podfic)).content.decode()
    assert "up to 500.0\xa0MB" in page
    assert 'accept="' in page
    assert "audio/mpeg" in page
    assert 'enctype="multipart/form-data"' in page


def test_only_the_works_creators_may_upload(reader_client: Client, moderator_client: Client, podfic: Work) -> None:
    for client in (reader_client, moderator_client):
        assert client.get(upload_url(podfic)).status_code == 404
        assert client.post(upload_url(podfic), {"file": as_upload(mp3_bytes())}).status_code == 404
    assert not AudioFile.objects.exists()


def test_a_guest_is_sent_to_log_in_before_uploading(guest: Client, podfic: Work) -> None:
    response = guest.post(upload_url(podfic), {"file": as_upload(mp3_bytes())})
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_an_upload_without_the_csrf_token_is_refused(author: User, podfic: Work) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(author)
    assert client.post(upload_url(podfic), {"file": as_upload(mp3_bytes())}).status_code == 403
    assert not AudioFile.objects.exists()


def test_a_creator_can_add_audio_to_a_draft_chapter(author: User, make_audio: MakeAudio) -> None:
    draft = make_work(author, post=False)
    assert make_audio(draft).chapter.work_id == draft.pk


def test_deleting_audio_removes_the_row_then_the_stored_file_on_commit(
    podfic: Work,
    make_audio: MakeAudio,
    media_root: Path,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    audio = make_audio(podfic)
    WorkChange.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        delete_audio(audio)
    assert not AudioFile.objects.exists()
    assert stored_files(media_root) == []
    assert list(WorkChange.objects.values_list("kind", flat=True)) == ["audio"]


def test_the_creator_deletes_audio_after_confirming(
    author_client: Client,
    podfic: Work,
    make_audio: MakeAudio,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    audio = make_audio(podfic)
    url = reverse("audio:delete", args=[audio.pk])
    assert "Delete this audio" in author_client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = author_client.post(url)
    assert response["Location"] == reverse("audio:chapter", args=[podfic.pk, audio.chapter_id])
    assert not AudioFile.objects.exists()


def test_nobody_but_the_creators_may_delete_audio(
    reader_client: Client, moderator_client: Client, podfic: Work, make_audio: MakeAudio
) -> None:
    audio = make_audio(podfic)
    for client in (reader_client, moderator_client):
        assert client.post(reverse("audio:delete", args=[audio.pk])).status_code == 404
    assert AudioFile.objects.filter(pk=audio.pk).exists()


def test_deleting_a_work_removes_its_stored_audio(
    podfic: Work,
    make_audio: MakeAudio,
    media_root: Path,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    make_audio(podfic)
    with django_capture_on_commit_callbacks(execute=True):
        podfic.delete()
    assert stored_files(media_root) == []


def test_the_size_limit_drops_an_oversized_upload_before_it_reaches_the_action(
    author_client: Client, podfic: Work, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.FANSHELF_MAX_AUDIO_BYTES = 10_000

    def must_not_run(*args: object) -> None:
        raise AssertionError("the oversized file reached the action")

    monkeypatch.setattr("fanshelf.audio.actions.upload_audio", must_not_run)
    response = author_client.post(upload_url(podfic), {"file": as_upload(mp3_bytes(2.0))})
    assert "Audio files can be at most" in response.content.decode()


def test_an_upload_spooled_to_a_temporary_file_is_checked_and_cleaned_the_same_way(
    author_client: Client, podfic: Work, settings: Settings, tmp_path: Path
) -> None:
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # so that Django writes the upload to a temporary file
    tagged = with_creator_tags(mp3_bytes(2.0), "mp3", tmp_path)
    assert author_client.post(upload_url(podfic), {"file": as_upload(tagged)}).status_code == 302
    audio = AudioFile.objects.get()
    with audio.file.open("rb") as handle:
        assert CREATOR_NAME.encode() not in handle.read()
    text = author_client.post(upload_url(podfic), {"file": as_upload(b"not audio at all " * 200, "x.mp3")})
    assert "is not MP3" in text.content.decode()
    assert AudioFile.objects.count() == 1
