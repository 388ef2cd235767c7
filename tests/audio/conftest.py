"""Audio tests store files under a temporary MEDIA_ROOT and build their audio with tests/audio/samples.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django import Settings

from fanshelf.accounts.models import User
from fanshelf.audio.actions import upload_audio
from fanshelf.audio.models import AudioFile
from fanshelf.works.models import Chapter, Work
from tests.audio.samples import mp3_bytes
from tests.factories import make_work

MakeAudio = Callable[..., AudioFile]


@pytest.fixture(autouse=True)
def media_root(settings: Settings, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


def stored_files(media_root: Path) -> list[Path]:
    return [path for path in media_root.rglob("*") if path.is_file()]


def as_upload(data: bytes, name: str = "my podfic.mp3", content_type: str = "audio/mpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def first_chapter(work: Work) -> Chapter:
    chapter = work.chapters.order_by("position").first()
    assert chapter is not None
    return chapter


@pytest.fixture
def podfic(author: User) -> Work:
    return make_work(author, title="Salt and Lanterns (podfic)")


@pytest.fixture
def make_audio() -> MakeAudio:
    """Upload audio to a work's first chapter through the real action: make_audio(work, data=..., name=...)."""

    def make(work: Work, data: bytes | None = None, name: str = "my podfic.mp3") -> AudioFile:
        return upload_audio(first_chapter(work), as_upload(mp3_bytes(2.0) if data is None else data, name))

    return make
