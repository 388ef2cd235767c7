from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from fanshelf.accounts.models import User
from fanshelf.audio.actions import upload_audio
from fanshelf.audio.models import AudioFile
from fanshelf.audio.streaming import ByteRange, RangeNotSatisfiable, parse_range
from fanshelf.works.actions import ChapterFields, add_chapter, set_hidden_by_moderator
from fanshelf.works.models import Work
from tests.audio.conftest import MakeAudio, as_upload
from tests.audio.samples import mp3_bytes
from tests.factories import make_work


def stream_url(audio: AudioFile) -> str:
    return reverse("audio:stream", args=[audio.pk])


def body(response: Any) -> bytes:
    # Reading to the end closes the response (and the stored file), as a WSGI server would.
    content: bytes = b"".join(response.streaming_content)
    return content


@pytest.fixture
def audio(podfic: Work, make_audio: MakeAudio) -> AudioFile:
    return make_audio(podfic, data=mp3_bytes(2.0))


@pytest.fixture
def stored(audio: AudioFile) -> bytes:
    with audio.file.open("rb") as handle:
        content: bytes = handle.read()
    return content


def test_a_request_without_range_gets_the_whole_file_with_the_right_headers(
    guest: Client, audio: AudioFile, stored: bytes
) -> None:
    response = guest.get(stream_url(audio))
    assert response.status_code == 200
    assert body(response) == stored
    assert response["Content-Type"] == "audio/mpeg"
    assert response["Content-Length"] == str(len(stored))
    assert response["Accept-Ranges"] == "bytes"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"].startswith("private")
    assert "Content-Range" not in response


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-99", 0, 99),  # the first bytes, as a player asks to sniff
        ("bytes=1000-1999", 1000, 1999),  # the middle, as seeking asks
        ("bytes=-500", -500, -1),  # the last bytes
        ("bytes=31000-", 31000, -1),  # open-ended, from a seek to the end
        ("bytes=32000-999999", 32000, -1),  # an end past the file is clipped
        ("bytes=0-0", 0, 0),
    ],
)
def test_a_single_range_gets_206_with_exactly_those_bytes(
    guest: Client, audio: AudioFile, stored: bytes, header: str, start: int, end: int
) -> None:
    size = len(stored)
    first, last = start % size, end % size
    response = guest.get(stream_url(audio), HTTP_RANGE=header)
    assert response.status_code == 206
    assert body(response) == stored[first : last + 1]
    assert response["Content-Range"] == f"bytes {first}-{last}/{size}"
    assert response["Content-Length"] == str(last - first + 1)
    assert response["Content-Type"] == "audio/mpeg"


@pytest.mark.parametrize("header", ["bytes={size}-", "bytes={size}-{size}", "bytes=-0"])
def test_a_range_beyond_the_file_gets_416_with_the_size(
    guest: Client, audio: AudioFile, stored: bytes, header: str
) -> None:
    response = guest.get(stream_url(audio), HTTP_RANGE=header.format(size=len(stored)))
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(stored)}"


MALFORMED_RANGES = [
    "bytes=0-9,20-29", "items=0-9", "bytes=9-0", "bytes=-", "bytes=abc",
    "bytes=٣-", "bytes=0-²", f"bytes={'9' * 5000}-", f"bytes=-{'9' * 5000}",
]  # fmt: skip


@pytest.mark.parametrize("header", MALFORMED_RANGES)
def test_several_or_malformed_ranges_are_ignored_and_the_whole_file_is_sent(
    guest: Client, audio: AudioFile, stored: bytes, header: str
) -> None:
    response = guest.get(stream_url(audio), HTTP_RANGE=header)
    assert response.status_code == 200
    assert body(response) == stored


def test_if_range_with_the_current_etag_honours_the_range_and_a_stale_one_sends_everything(
    guest: Client, audio: AudioFile, stored: bytes
) -> None:
    etag = guest.head(stream_url(audio))["ETag"]
    fresh = guest.get(stream_url(audio), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=etag)
    assert (fresh.status_code, body(fresh)) == (206, stored[:10])
    stale = guest.get(stream_url(audio), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"something-else"')
    assert (stale.status_code, body(stale)) == (200, stored)


def test_head_gets_the_headers_without_the_bytes(guest: Client, audio: AudioFile, stored: bytes) -> None:
    response = guest.head(stream_url(audio), HTTP_RANGE="bytes=10-19")
    assert response.status_code == 206
    assert response["Content-Length"] == "10"
    assert response.content == b""


def test_writes_are_not_allowed_on_the_stream(author_client: Client, audio: AudioFile) -> None:
    assert author_client.post(stream_url(audio)).status_code == 405


def test_the_file_name_offered_is_the_works_title_never_the_uploaders(
    guest: Client, podfic: Work, make_audio: MakeAudio
) -> None:
    audio = make_audio(podfic, name="Jane Doe private.mp3")
    disposition = guest.head(stream_url(audio))["Content-Disposition"]
    assert disposition.startswith("inline;")
    assert "Salt and Lanterns (podfic) - Chapter 1.mp3" in disposition
    assert "Jane" not in disposition


def test_parse_range_reads_the_three_single_range_forms() -> None:
    assert parse_range("bytes=5-9", 100) == ByteRange(5, 9)
    assert parse_range("bytes=95-", 100) == ByteRange(95, 99)
    assert parse_range("bytes=-200", 100) == ByteRange(0, 99)
    assert parse_range(None, 100) is None
    with pytest.raises(RangeNotSatisfiable):
        parse_range("bytes=100-", 100)


# Who may play the audio: the same people who may open the work page.
CLIENTS = {"guest": "guest", "reader": "reader_client", "creator": "author_client", "moderator": "moderator_client"}
VIEWERS = list(CLIENTS)
MATRIX: dict[str, dict[str, int | str]] = {
    "public": {"guest": 200, "reader": 200, "creator": 200, "moderator": 200},
    "restricted": {"guest": "login", "reader": 200, "creator": 200, "moderator": 200},
    "draft": {"guest": 404, "reader": 404, "creator": 200, "moderator": 404},
    "hidden": {"guest": 404, "reader": 404, "creator": 200, "moderator": 200},
}


def work_in_state(state: str, author: User) -> Work:
    if state == "draft":
        return make_work(author, post=False)
    work = make_work(author, restricted=state == "restricted")
    if state == "hidden":
        set_hidden_by_moderator(work, hidden=True)
    return work


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("state", list(MATRIX))
def test_the_stream_is_as_visible_as_the_work(
    state: str, viewer: str, author: User, make_audio: MakeAudio, request: pytest.FixtureRequest
) -> None:
    audio = make_audio(work_in_state(state, author))
    client: Client = request.getfixturevalue(CLIENTS[viewer])
    response = client.get(stream_url(audio), HTTP_RANGE="bytes=0-9")
    expected = MATRIX[state][viewer]
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next={stream_url(audio)}"
    else:
        assert response.status_code == (206 if expected == 200 else expected)


@pytest.mark.parametrize(("viewer", "status"), [("reader_client", 404), ("author_client", 206), ("guest", 404)])
def test_audio_on_a_draft_chapter_plays_for_the_creators_only(
    author: User, podfic: Work, make_audio: MakeAudio, request: pytest.FixtureRequest, viewer: str, status: int
) -> None:
    draft_chapter = add_chapter(podfic, ChapterFields(content="A second chapter, still a draft."), post=False)
    audio = upload_audio(draft_chapter, as_upload(mp3_bytes()))
    client: Client = request.getfixturevalue(viewer)
    assert client.get(stream_url(audio), HTTP_RANGE="bytes=0-9").status_code == status


def test_an_unknown_audio_id_is_404(guest: Client) -> None:
    assert guest.get(reverse("audio:stream", args=[999_999])).status_code == 404


def test_with_an_accel_redirect_prefix_nginx_is_told_which_file_to_send(
    reader_client: Client, audio: AudioFile, settings: Settings
) -> None:
    settings.FANSHELF_AUDIO_ACCEL_REDIRECT = "/protected-audio/"
    response = reader_client.get(stream_url(audio), HTTP_RANGE="bytes=0-9")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-audio/{audio.file.name}"
    assert response["Content-Type"] == "audio/mpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == b""


def test_the_accel_redirect_is_only_given_to_those_who_may_read_the_work(
    guest: Client, author: User, make_audio: MakeAudio, settings: Settings
) -> None:
    settings.FANSHELF_AUDIO_ACCEL_REDIRECT = "/protected-audio/"
    audio = make_audio(make_work(author, restricted=True))
    response = guest.get(stream_url(audio))
    assert response.status_code == 302
    assert "X-Accel-Redirect" not in response
