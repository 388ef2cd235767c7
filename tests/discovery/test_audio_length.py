"""Readers filter listings by a podfic's total audio length (posted chapters only), in minutes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from fanshelf.accounts.models import User
from fanshelf.audio.actions import delete_audio, upload_audio
from fanshelf.works.models import Work
from tests.audio.samples import mp3_bytes
from tests.factories import make_work


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _podfic(author: User, title: str, seconds: float) -> Work:
    work = make_work(author, title=title)
    upload = SimpleUploadedFile("reading.mp3", mp3_bytes(seconds), content_type="audio/mpeg")
    upload_audio(work.chapters.get(), upload)
    work.refresh_from_db()
    return work


def _titles(client: Client, query: str) -> str:
    return client.get(f"/works/?{query}").content.decode()


def test_a_podfics_length_is_stored_on_its_work_and_shown_in_blurbs(author: User, guest: Client) -> None:
    work = _podfic(author, "The Long Reading", 150)
    assert 149 <= work.audio_seconds <= 151
    assert "<dt>Audio:</dt><dd>0:02:3" in guest.get("/works/").content.decode()


def test_listings_filter_by_audio_minutes(author: User, guest: Client) -> None:
    _podfic(author, "A Short Reading", 70)
    _podfic(author, "A Longer Reading", 200)
    make_work(author, title="Only Words")
    long_only = _titles(guest, "audio_from=2")
    assert "A Longer Reading" in long_only
    assert "A Short Reading" not in long_only
    assert "Only Words" not in long_only
    short_only = _titles(guest, "audio_from=1&audio_to=1")
    assert "A Short Reading" in short_only
    assert "A Longer Reading" not in short_only


def test_deleting_the_audio_takes_the_work_out_of_audio_filters(author: User, guest: Client) -> None:
    work = _podfic(author, "A Withdrawn Reading", 130)
    delete_audio(work.chapters.get().audio_files.get())
    work.refresh_from_db()
    assert work.audio_seconds == 0
    assert "A Withdrawn Reading" not in _titles(guest, "audio_from=1")


def test_an_unreadable_audio_bound_is_a_clear_message(guest: Client) -> None:
    response = guest.get("/works/?audio_from=long")
    assert response.status_code == 400
    assert "audio_from" in response.content.decode()
