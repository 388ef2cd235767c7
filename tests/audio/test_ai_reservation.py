"""A podfic's audio carries its work's answer on AI training, as the work's pages do: a reserved work's files and
audio page say `tdm-reservation: 1` and `X-Robots-Tag: noai, noimageai`; a work whose creators said yes, neither."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import Reuse, User
from fanshelf.audio.models import AudioFile
from tests.audio.conftest import MakeAudio
from tests.factories import make_work


def urls(audio: AudioFile) -> list[str]:
    chapter = audio.chapter
    return [
        reverse("audio:stream", args=[audio.pk]),
        reverse("audio:chapter", args=[chapter.work_id, chapter.pk]),
    ]


@pytest.mark.parametrize("answer", [Reuse.NO, Reuse.ASK])
def test_audio_of_a_work_that_reserves_ai_training_says_so_in_its_headers(
    author: User, guest: Client, make_audio: MakeAudio, answer: Reuse
) -> None:
    audio = make_audio(make_work(author, title="Tide Songs, read aloud", reuse_ai_training=answer))
    work_page = guest.get(reverse("works:detail", args=[audio.chapter.work_id]))
    for url in urls(audio):
        for response in (guest.get(url), guest.get(url, headers={"range": "bytes=0-99"}), guest.head(url)):
            assert response.status_code in (200, 206), url
            assert response["tdm-reservation"] == work_page["tdm-reservation"] == "1"
            assert response["X-Robots-Tag"] == work_page["X-Robots-Tag"] == "noai, noimageai"


def test_a_range_past_the_end_still_carries_the_reservation(author: User, guest: Client, make_audio: MakeAudio) -> None:
    audio = make_audio(make_work(author, reuse_ai_training=Reuse.NO))
    response = guest.get(reverse("audio:stream", args=[audio.pk]), headers={"range": "bytes=99999999-"})
    assert response.status_code == 416
    assert response["tdm-reservation"] == "1"


def test_audio_of_a_work_open_to_ai_training_has_no_reservation(
    author: User, guest: Client, make_audio: MakeAudio
) -> None:
    audio = make_audio(make_work(author, reuse_ai_training=Reuse.YES))
    for url in urls(audio):
        response = guest.get(url)
        assert response.status_code == 200
        assert "tdm-reservation" not in response
        assert "X-Robots-Tag" not in response
