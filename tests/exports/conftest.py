"""Helpers for the account export tests: download an export and read its files back."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User


@pytest.fixture(autouse=True)
def _exports_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"  # podfic audio and cached downloads
    cache.clear()  # exports per hour are counted in the cache


def export_url(user: User) -> str:
    return reverse("exports:export", args=[user.username])


def zip_url(user: User) -> str:
    return reverse("exports:download", args=[user.username])


def download_export(client: Client, user: User) -> zipfile.ZipFile:
    """Follow the export page's download link as the signed-in `client` and open the zip it streams."""
    response = client.get(zip_url(user))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="fanshelf-')
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert archive.testzip() is None
    return archive


def read_json(archive: zipfile.ZipFile, name: str) -> Any:
    return json.loads(archive.read(name).decode("utf-8"))
