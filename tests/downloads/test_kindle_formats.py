"""AZW3 and MOBI: made by calibre from the EPUB, offered only where calibre is installed, never a 500."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.downloads import cache, tasks
from fanshelf.downloads.builders import kindle
from fanshelf.works.models import Work
from tests.downloads.calibre_tools import HOW_TO_INSTALL, ebook_meta, ebook_text
from tests.downloads.conftest import CJK, TYPOGRAPHY, make_rich_work, normalized
from tests.downloads.states import STATES, make_work_in_state
from tests.downloads.test_download_views import EXPECTED
from tests.tools import require_tool

KINDLE_FORMATS = ["azw3", "mobi"]


def url(work: Work, format_name: str) -> str:
    return reverse("downloads:work", args=[work.pk, format_name])


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def stand_in(tmp_path: Path, script: str) -> str:
    """An executable playing ebook-convert: `script` runs with the source as $1 and the target as $2."""
    path = tmp_path / "ebook-convert"
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


@pytest.fixture
def copying_calibre(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fast stand-in that "converts" by copying, for tests about who gets a file rather than what is in it."""
    monkeypatch.setattr(kindle, "EBOOK_CONVERT", stand_in(tmp_path, 'cp "$1" "$2"'))


@pytest.fixture
def no_calibre(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kindle, "EBOOK_CONVERT", "fanshelf-no-such-ebook-convert")


@pytest.mark.parametrize("format_name", KINDLE_FORMATS)
def test_kindle_download_is_a_kindle_book_with_the_works_metadata(
    format_name: str, author: User, guest: Client, tmp_path: Path
) -> None:
    require_tool("ebook-convert", HOW_TO_INSTALL)
    work = make_rich_work(author, chapters=(TYPOGRAPHY,))
    response = guest.get(url(work, format_name))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f".{format_name}")
    content = body(response)
    assert content[60:68] == b"BOOKMOBI"  # the Palm database type every Kindle book starts with
    fields = ebook_meta(content, tmp_path, format_name)
    assert fields["Title"] == "Salt & Lanterns: “A Story”"
    assert fields["Author(s)"] == "Quillfeather"
    assert fields["Comments"] == "A keeper counts gulls — twice."


def test_azw3_holds_every_chapter_of_the_work(author: User, guest: Client, tmp_path: Path) -> None:
    require_tool("ebook-convert", HOW_TO_INSTALL)
    work = make_rich_work(author, chapters=(TYPOGRAPHY, CJK))
    text = normalized(ebook_text(body(guest.get(url(work, "azw3"))), tmp_path, "azw3"))
    for expected in ["The First Count", "“Curly quotes,” she said", "Count 2", "灯台守はカモメを二度数えた。"]:
        assert expected in text


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", ["guest", "reader", "creator", "moderator"])
@pytest.mark.usefixtures("copying_calibre")
def test_kindle_downloads_follow_the_same_visibility_rules_as_epub(
    state: str,
    viewer: str,
    author: User,
    client_for: dict[str, Client],
) -> None:
    work = make_work_in_state(author, state)
    client = client_for[viewer]
    for format_name in KINDLE_FORMATS:
        assert client.get(url(work, format_name)).status_code == EXPECTED[state][viewer]


@pytest.mark.usefixtures("copying_calibre")
def test_download_menu_offers_kindle_formats_where_calibre_is_installed(author: User, guest: Client) -> None:
    work = make_work_in_state(author, "public")
    page = guest.get(work.get_absolute_url()).content.decode()
    for format_name in ["epub", "azw3", "mobi", "pdf", "html"]:
        assert f'href="{url(work, format_name)}"' in page


@pytest.mark.usefixtures("no_calibre")
def test_without_calibre_the_menu_leaves_kindle_formats_out_and_their_addresses_are_404(
    author: User, guest: Client
) -> None:
    work = make_work_in_state(author, "public")
    page = guest.get(work.get_absolute_url()).content.decode()
    assert f'href="{url(work, "epub")}"' in page
    for format_name in KINDLE_FORMATS:
        assert f'href="{url(work, format_name)}"' not in page
        assert guest.get(url(work, format_name)).status_code == 404


def test_a_conversion_that_runs_too_long_is_stopped_and_the_reader_told_to_try_later(
    author: User, guest: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    monkeypatch.setattr(kindle, "EBOOK_CONVERT", stand_in(tmp_path, 'sleep 60; cp "$1" "$2"'))
    settings.FANSHELF_EBOOK_CONVERT_SECONDS = 1
    work = make_work_in_state(author, "public")
    response = guest.get(url(work, "azw3"))
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    assert "Making the AZW3 file of" in page
    assert f'href="{url(work, "epub")}"' in page
    assert not default_storage.exists(cache.storage_name(work, "azw3"))


def test_a_failed_conversion_answers_503_and_the_next_request_tries_again(
    author: User, guest: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kindle, "EBOOK_CONVERT", stand_in(tmp_path, "echo 'calibre broke' >&2; exit 1"))
    work = make_work_in_state(author, "public")
    assert guest.get(url(work, "mobi")).status_code == 503
    monkeypatch.setattr(kindle, "EBOOK_CONVERT", stand_in(tmp_path, 'cp "$1" "$2"'))
    assert guest.get(url(work, "mobi")).status_code == 200


@pytest.mark.usefixtures("copying_calibre")
def test_the_background_epub_build_also_prepares_the_kindle_files_from_it(author: User) -> None:
    work = make_work_in_state(author, "public")
    tasks.build_download.enqueue(work.pk, "epub")  # the immediate backend runs it, and what it queues, at once
    epub = cache.storage_name(work, "epub")
    assert default_storage.exists(epub)
    for format_name in KINDLE_FORMATS:
        name = cache.storage_name(work, format_name)
        assert default_storage.exists(name)
        with default_storage.open(name, "rb") as converted, default_storage.open(epub, "rb") as source:
            assert converted.read() == source.read()  # converted from the stored EPUB (the stand-in copies)
