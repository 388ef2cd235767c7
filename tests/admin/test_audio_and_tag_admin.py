"""Podfic files and tags in /admin/: moderators see podfic files and remove one through the audio action; tags are
view-only there, since wrangling happens on the tag pages, whose actions keep the listings current."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from fanshelf.accounts.models import User
from fanshelf.audio.actions import upload_audio
from fanshelf.audio.models import AudioFile
from fanshelf.tags.models import Tag
from tests.admin.guest_view import found
from tests.audio.samples import mp3_bytes
from tests.factories import make_work

AUDIO_ADMIN = "/admin/audio/audiofile/"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _podfic(author: User) -> AudioFile:
    work = make_work(author, title="The Long Reading")
    upload = SimpleUploadedFile("reading.mp3", mp3_bytes(130), content_type="audio/mpeg")
    return upload_audio(work.chapters.get(), upload)


def test_a_moderator_sees_podfic_files_but_cannot_edit_them(moderator_client: Client, author: User) -> None:
    audio = _podfic(author)
    assert moderator_client.get(AUDIO_ADMIN).status_code == 200
    page = moderator_client.get(f"{AUDIO_ADMIN}{audio.pk}/change/").content.decode()
    assert "audio/mpeg" in page
    assert 'name="chapter"' not in page
    assert moderator_client.post(f"{AUDIO_ADMIN}{audio.pk}/change/", {"chapter": "1"}).status_code == 403


def test_a_podfic_file_deleted_in_the_admin_leaves_the_audio_filters(
    moderator_client: Client, author: User, guest: Client
) -> None:
    audio = _podfic(author)
    assert found(guest, "Reading") == ["The Long Reading"]
    assert "The Long Reading" in guest.get("/works/", {"audio_from": "1"}).content.decode()

    response = moderator_client.post(f"{AUDIO_ADMIN}{audio.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not AudioFile.objects.filter(pk=audio.pk).exists()
    assert "The Long Reading" not in guest.get("/works/", {"audio_from": "1"}).content.decode()
    assert found(guest, "Reading") == ["The Long Reading"]


def test_a_superuser_cannot_delete_or_edit_a_tag_in_the_admin(
    superuser_client: Client, author: User, guest: Client
) -> None:
    make_work(author, title="Lantern Signals", freeforms=["Found Family"])
    tag = Tag.objects.get(name="Found Family")
    url = f"/admin/tags/tag/{tag.pk}/"

    assert superuser_client.post(f"{url}delete/", {"post": "yes"}).status_code == 403
    assert superuser_client.post(f"{url}change/", {"name": "Lost Family", "type": tag.type}).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [tag.pk], "post": "yes"}
    superuser_client.post("/admin/tags/tag/", bulk)

    assert Tag.objects.filter(pk=tag.pk, name="Found Family").exists()
    assert "Lantern Signals" in guest.get(f"/tags/{quote('Found Family')}/works/").content.decode()
