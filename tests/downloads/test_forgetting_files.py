"""Stored downloads never outlive what they show: a deleted work's or series' files go, and a work whose byline
changes (orphaned, a co-creator leaving) loses its old files, so the next download names the new creators."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.actions import PseudFields, create_pseud, delete_account
from fanshelf.accounts.models import User
from fanshelf.downloads.cache import build_download, build_series_download
from fanshelf.works.actions import delete_work
from fanshelf.works.models import Creatorship, Work
from fanshelf.works.orphaning import orphan_work
from fanshelf.works.series import add_to_series
from tests.factories import make_user, make_work

Capture = Callable[..., AbstractContextManager[object]]
pytestmark = pytest.mark.django_db


def fresh(work: Work) -> Work:
    return Work.objects.for_blurbs().get(pk=work.pk)


def stored(tmp_path: Path, *folder: str) -> list[str]:
    path = tmp_path.joinpath("media", "downloads", *folder)
    return sorted(p.name for p in path.iterdir()) if path.exists() else []


def epub_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return " ".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def test_a_deleted_works_stored_files_are_deleted(
    author: User, tmp_path: Path, django_capture_on_commit_callbacks: Capture
) -> None:
    work = make_work(author, title="Salt and Lanterns")
    for format_name in ("epub", "html"):
        build_download(fresh(work), format_name)
    kept = make_work(author, title="Another Tide")
    build_download(fresh(kept), "html")
    assert len(stored(tmp_path, str(work.pk))) == 2

    with django_capture_on_commit_callbacks(execute=True):
        delete_work(work)

    assert stored(tmp_path, str(work.pk)) == []
    assert len(stored(tmp_path, str(kept.pk))) == 1


def test_an_orphaned_works_old_epub_goes_and_the_next_one_names_the_orphan_account(
    guest: Client, tmp_path: Path, django_capture_on_commit_callbacks: Capture
) -> None:
    writer = make_user("Willowherb")
    work = make_work(writer, title="Foghorn Nights", pseuds=[create_pseud(writer, PseudFields(name="Тихий Маяк"))])
    old = build_download(fresh(work), "epub")
    assert "Тихий Маяк" in epub_text(default_storage.open(old).read())

    with django_capture_on_commit_callbacks(execute=True):
        orphan_work(work, writer, keep_names=False)

    assert stored(tmp_path, str(work.pk)) == []
    response = guest.get(reverse("downloads:work", args=[work.pk, "epub"]))
    content = epub_text(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    assert "orphan_account" in content
    assert "Тихий Маяк" not in content


def test_a_co_creator_who_leaves_is_not_left_in_the_stored_file(
    author: User, tmp_path: Path, django_capture_on_commit_callbacks: Capture
) -> None:
    leaver = make_user("Zephyrine")
    work = make_work(author, title="Two Lighthouses")
    Creatorship.objects.create(work=work, pseud=leaver.default_pseud(), position=1)  # as an accepted invitation
    assert "Zephyrine" in epub_text(default_storage.open(build_download(fresh(work), "epub")).read())

    with django_capture_on_commit_callbacks(execute=True):
        delete_account(leaver, works="delete")

    assert stored(tmp_path, str(work.pk)) == []
    assert "Zephyrine" not in epub_text(default_storage.open(build_download(fresh(work), "epub")).read())


def test_a_deleted_series_stored_epubs_are_deleted(tmp_path: Path, django_capture_on_commit_callbacks: Capture) -> None:
    writer = make_user("Zephyrine")
    work = make_work(writer, title="Harbour Lights")
    series = add_to_series(work, writer, "The Harbour Cycle")
    build_series_download(series, [fresh(work)])
    assert len(stored(tmp_path, "series", str(series.pk))) == 1

    with django_capture_on_commit_callbacks(execute=True):
        delete_account(writer, works="delete")

    assert stored(tmp_path, "series", str(series.pk)) == []
    assert stored(tmp_path, str(work.pk)) == []
