"""Built files are kept per version of the work, rebuilt after any change, and built by a task too."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.downloads import builders
from fanshelf.downloads.builders import DownloadFormat
from fanshelf.downloads.cache import build_download, storage_name
from fanshelf.downloads.document import WorkDocument
from fanshelf.downloads.tasks import build_download as build_download_task
from fanshelf.works.actions import (
    ChapterFields,
    WorkFields,
    add_chapter,
    reorder_chapters,
    set_hidden_by_moderator,
    update_chapter,
    update_work,
)
from fanshelf.works.models import Work
from tests.factories import make_work


@pytest.fixture
def build_count(monkeypatch: pytest.MonkeyPatch) -> Callable[[], int]:
    """Counts HTML builds, so tests can tell a stored file from a fresh one."""
    calls: list[WorkDocument] = []
    original = builders.FORMATS["html"]

    def counting(document: WorkDocument) -> bytes:
        calls.append(document)
        return original.build(document)

    counted = DownloadFormat(original.extension, original.content_type, original.offline, counting)
    monkeypatch.setitem(builders.FORMATS, "html", counted)
    return lambda: len(calls)


def fresh(work: Work) -> Work:
    return Work.objects.for_blurbs().get(pk=work.pk)


def stored_files(tmp_path: Path, work: Work) -> list[str]:
    folder = tmp_path / "media" / "downloads" / str(work.pk)
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def test_second_download_is_served_from_the_stored_file(
    author: User, guest: Client, build_count: Callable[[], int]
) -> None:
    work = make_work(author)
    first = guest.get(reverse("downloads:work", args=[work.pk, "html"]))
    second = guest.get(reverse("downloads:work", args=[work.pk, "html"]))
    assert b"".join(first.streaming_content) == b"".join(second.streaming_content)  # type: ignore[attr-defined]
    assert build_count() == 1


def test_editing_a_chapter_builds_a_new_version_and_deletes_the_old_file(
    author: User, tmp_path: Path, build_count: Callable[[], int]
) -> None:
    work = make_work(author, chapters=["The first chapter, as first posted.", "The second chapter, unchanged."])
    old = build_download(fresh(work), "html")
    update_chapter(work.chapters.get(position=2), ChapterFields(content="The second chapter, now revised."))
    new = build_download(fresh(work), "html")
    assert new != old
    assert stored_files(tmp_path, work) == [new.rsplit("/", 1)[1]]
    assert b"now revised" in default_storage.open(new).read()
    assert build_count() == 2


@pytest.mark.parametrize("change", ["new chapter", "reorder", "retitle", "other format"])
def test_every_change_gives_a_new_version(author: User, change: str) -> None:
    work = make_work(author, chapters=["The first chapter of the work.", "The second chapter of the work."])
    before = storage_name(fresh(work), "html")
    if change == "new chapter":
        add_chapter(work, ChapterFields(content="A third chapter, just posted."), post=True)
    elif change == "reorder":
        reorder_chapters(work, list(work.chapters.order_by("-position").values_list("pk", flat=True)))
    elif change == "retitle":
        fields = WorkFields(
            title="A new title",
            pseuds=[author.default_pseud()],
            rating="General Audiences",
            warnings=["No Archive Warnings Apply"],
            fandoms=["Tidewater Chronicles"],
            expected_chapters=2,
        )
        update_work(work, author, fields)
    after = storage_name(fresh(work), "pdf" if change == "other format" else "html")
    assert after != before


def test_an_unchanged_work_keeps_its_version(author: User) -> None:
    work = make_work(author)
    assert storage_name(fresh(work), "epub") == storage_name(fresh(work), "epub")


def test_build_task_is_safe_to_run_twice(author: User, tmp_path: Path) -> None:
    work = make_work(author)
    first = build_download_task.enqueue(work.pk, "epub")
    second = build_download_task.enqueue(work.pk, "epub")
    assert first.return_value == second.return_value == storage_name(fresh(work), "epub")
    # One EPUB (the task also queues the AZW3 and MOBI made from it where calibre is installed).
    assert len([name for name in stored_files(tmp_path, work) if name.endswith(".epub")]) == 1


def test_build_task_builds_nothing_for_drafts_hidden_or_missing_works(author: User, tmp_path: Path) -> None:
    draft = make_work(author, post=False)
    hidden = make_work(author)
    set_hidden_by_moderator(hidden, hidden=True)
    for work_id in (draft.pk, hidden.pk, 999_999):
        assert build_download_task.enqueue(work_id, "epub").return_value is None
    assert stored_files(tmp_path, draft) == stored_files(tmp_path, hidden) == []


def test_a_view_uses_a_file_a_queued_build_already_stored(
    author: User, guest: Client, build_count: Callable[[], int]
) -> None:
    work = make_work(author)
    build_download_task.enqueue(work.pk, "html")
    guest.get(reverse("downloads:work", args=[work.pk, "html"]))
    assert build_count() == 1


def test_changes_queue_an_epub_build_when_a_real_queue_is_configured(
    author: User, settings: object, django_capture_on_commit_callbacks: Callable[..., object]
) -> None:
    from django_tasks import task_backends

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # type: ignore[attr-defined]
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        work = make_work(author)
    queued = [(result.args, result.task.name) for result in task_backends["default"].results]  # type: ignore[attr-defined]
    assert ([work.pk, "epub"], "build_download") in queued


def test_changes_queue_nothing_with_the_immediate_backend(
    author: User, tmp_path: Path, django_capture_on_commit_callbacks: Callable[..., object]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        work = make_work(author)
    assert stored_files(tmp_path, work) == []
