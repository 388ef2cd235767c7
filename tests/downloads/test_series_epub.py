"""A series as one EPUB: the works its reader may see, each with its title page and chapters, cached per version."""

from __future__ import annotations

import datetime
import io
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.downloads import cache
from fanshelf.downloads.builders.epub import build_series_epub
from fanshelf.downloads.document import SeriesDocument
from fanshelf.works.actions import ChapterFields, update_chapter
from fanshelf.works.models import Series, Work
from fanshelf.works.series import add_to_series, update_series
from tests.downloads.conftest import (
    ARABIC,
    CJK,
    HEBREW,
    ODD_MARKUP,
    TYPOGRAPHY,
    epub_chapter_texts,
    epub_pages,
    epubcheck,
    make_rich_work,
    normalized,
    posted_texts,
)
from tests.downloads.states import STATES, make_work_in_state
from tests.factories import make_work

SERIES_TITLE = "The Tidewater Cycle"


def make_series(author: User, works: list[Work], *, title: str = SERIES_TITLE) -> Series:
    """A series of `works` in that order, with a summary, notes and the complete flag, through the actions."""
    series = None
    for work in works:
        series = add_to_series(work, author, title)
    assert series is not None
    return update_series(
        series, author, title, "Three keepers, <em>one</em> sea.", "Read in order — or don’t.", complete=True
    )


def download(client: Client, series: Series) -> bytes:
    response = client.get(reverse("downloads:series", args=[series.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def work_titles(content: bytes) -> list[str]:
    """The titles on each work's title page, in the order of the book."""
    pages = epub_pages(content)
    prefaces = sorted(name for name in pages if re.search(r"part-\d+-preface\.xhtml$", name))
    titles = []
    for name in prefaces:
        heading = BeautifulSoup(pages[name], "html.parser").find("h1")
        assert isinstance(heading, Tag)
        titles.append(heading.text)
    return titles


def series_page_text(content: bytes) -> str:
    return normalized(BeautifulSoup(epub_pages(content)["EPUB/series.xhtml"], "html.parser").get_text(" "))


@pytest.fixture
def rich_series(author: User) -> tuple[Series, list[Work]]:
    works = [
        make_rich_work(author, title="Salt & Lanterns: “A Story”", chapters=(TYPOGRAPHY, CJK)),
        make_rich_work(author, title="המגדלור", chapters=(HEBREW, ARABIC), language="he"),
        make_rich_work(author, title="Odd Tides", chapters=(ODD_MARKUP,)),
    ]
    return make_series(author, works), works


@pytest.fixture
def series_in_every_state(author: User) -> Series:
    return make_series(author, [make_work_in_state(author, state) for state in STATES])


@pytest.fixture
def build_count(monkeypatch: pytest.MonkeyPatch) -> Callable[[], int]:
    calls: list[SeriesDocument] = []

    def counting(document: SeriesDocument) -> bytes:
        calls.append(document)
        return build_series_epub(document)

    monkeypatch.setattr("fanshelf.downloads.cache.build_series_epub", counting)
    return lambda: len(calls)


def stored_files(tmp_path: Path, series: Series) -> list[str]:
    folder = tmp_path / "media" / "downloads" / "series" / str(series.pk)
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


# What the file holds --------------------------------------------------------------------------------------------


def test_series_epub_passes_epubcheck_and_every_chapter_reads_back_exactly(
    rich_series: tuple[Series, list[Work]], guest: Client, tmp_path: Path
) -> None:
    series, works = rich_series
    content = download(guest, series)
    epubcheck(content, tmp_path)
    assert epub_chapter_texts(content) == [text for work in works for text in posted_texts(work)]


def test_title_page_shows_the_series_title_creators_summary_notes_complete_flag_and_works(
    rich_series: tuple[Series, list[Work]], guest: Client
) -> None:
    series, works = rich_series
    page = series_page_text(download(guest, series))
    for expected in [
        SERIES_TITLE,
        "A series by Quillfeather",
        "Series complete: Yes",
        "Works: 3",
        f"Words: {sum(work.word_count for work in works):,}",
        "Summary Three keepers, one sea.",
        "Notes Read in order — or don’t.",
        "Salt & Lanterns: “A Story” by Quillfeather",
        "המגדלור by Quillfeather",
        "Odd Tides by Quillfeather",
        f"http://testserver/works/series/{series.pk}/",
    ]:
        assert expected in page


def test_each_work_keeps_its_own_title_page_and_chapter_headings(
    rich_series: tuple[Series, list[Work]], guest: Client
) -> None:
    series, _ = rich_series
    content = download(guest, series)
    assert work_titles(content) == ["Salt & Lanterns: “A Story”", "המגדלור", "Odd Tides"]
    preface = normalized(BeautifulSoup(epub_pages(content)["EPUB/part-002-preface.xhtml"], "html.parser").get_text())
    assert "Fandoms: Tidewater Chronicles, Lighthouse Keepers (Anime)" in preface
    assert 'dir="rtl"' in epub_pages(content)["EPUB/part-002-chapter-0001.xhtml"]


def test_contents_nest_each_works_pages_under_the_work(rich_series: tuple[Series, list[Work]], guest: Client) -> None:
    nav = BeautifulSoup(epub_pages(download(guest, rich_series[0]))["EPUB/nav.xhtml"], "xml")
    top = nav.find("ol")
    assert isinstance(top, Tag)
    entries = []
    for item in top.find_all("li", recursive=False):
        link = item.find("a")
        nested = item.find("ol")
        children = [(a.text, a["href"]) for a in nested.find_all("a")] if isinstance(nested, Tag) else []
        entries.append((link.text, link["href"], children))
    assert entries == [
        (SERIES_TITLE, "series.xhtml", []),
        (
            "Salt & Lanterns: “A Story”",
            "part-001-preface.xhtml",
            [
                ("Preface", "part-001-preface.xhtml"),
                ("Chapter 1: The First Count", "part-001-chapter-0001.xhtml"),
                ("Chapter 2: Count 2", "part-001-chapter-0002.xhtml"),
                ("End Notes", "part-001-afterword.xhtml"),
            ],
        ),
        (
            "המגדלור",
            "part-002-preface.xhtml",
            [
                ("Preface", "part-002-preface.xhtml"),
                ("Chapter 1: The First Count", "part-002-chapter-0001.xhtml"),
                ("Chapter 2: Count 2", "part-002-chapter-0002.xhtml"),
                ("End Notes", "part-002-afterword.xhtml"),
            ],
        ),
        (
            "Odd Tides",
            "part-003-preface.xhtml",
            [
                ("Preface", "part-003-preface.xhtml"),
                ("Chapter 1: The First Count", "part-003-chapter-0001.xhtml"),
                ("End Notes", "part-003-afterword.xhtml"),
            ],
        ),
    ]


def test_package_names_the_series_and_every_language(rich_series: tuple[Series, list[Work]], guest: Client) -> None:
    content = download(guest, rich_series[0])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        package = BeautifulSoup(archive.read("EPUB/content.opf"), "xml")
    title = package.find("dc:title")
    assert isinstance(title, Tag)
    assert title.text == SERIES_TITLE
    assert [creator.text for creator in package.find_all("dc:creator")] == ["Quillfeather"]
    assert [language.text for language in package.find_all("dc:language")] == ["en", "he"]


def test_download_is_named_after_the_series(rich_series: tuple[Series, list[Work]], guest: Client) -> None:
    response = guest.get(reverse("downloads:series", args=[rich_series[0].pk]))
    assert response["Content-Type"] == "application/epub+zip"
    assert response["Content-Disposition"] == f'attachment; filename="{SERIES_TITLE}.epub"'


# Who gets what --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        ("guest", ["The public lighthouse"]),
        ("reader", ["The public lighthouse", "The restricted lighthouse"]),
        ("creator", ["The public lighthouse", "The restricted lighthouse", "The anonymous lighthouse"]),
        ("moderator", ["The public lighthouse", "The restricted lighthouse", "The anonymous lighthouse"]),
    ],
)
def test_series_epub_holds_only_the_works_the_reader_may_see(
    viewer: str,
    expected: list[str],
    series_in_every_state: Series,
    client_for: dict[str, Client],
) -> None:
    client = client_for[viewer]
    content = download(client, series_in_every_state)
    assert work_titles(content) == expected
    text = "".join(epub_pages(content).values())
    for state in ("draft", "hidden", "unrevealed"):
        assert f"The {state} lighthouse" not in text


def test_a_guest_file_is_public_and_a_readers_file_is_private(
    series_in_every_state: Series, guest: Client, reader_client: Client
) -> None:
    url = reverse("downloads:series", args=[series_in_every_state.pk])
    assert guest.get(url)["Cache-Control"] == "public, max-age=300"
    assert reader_client.get(url)["Cache-Control"] == "private, max-age=0"


def test_a_series_with_no_works_the_guest_may_see_is_404_for_guests(
    author: User, guest: Client, reader_client: Client
) -> None:
    series = make_series(author, [make_work(author, title="Members only", restricted=True)])
    url = reverse("downloads:series", args=[series.pk])
    assert guest.get(url).status_code == 404
    assert reader_client.get(url).status_code == 200


def test_a_series_of_drafts_and_an_unknown_series_are_404(author: User, author_client: Client) -> None:
    series = make_series(author, [make_work(author, post=False)])
    assert author_client.get(reverse("downloads:series", args=[series.pk])).status_code == 404
    assert author_client.get(reverse("downloads:series", args=[999_999])).status_code == 404


def test_series_page_links_to_its_epub(rich_series: tuple[Series, list[Work]], guest: Client) -> None:
    series = rich_series[0]
    page = guest.get(reverse("works:series", args=[series.pk])).content.decode()
    assert f'href="{reverse("downloads:series", args=[series.pk])}"' in page
    assert "Download series EPUB" in page


# Caching --------------------------------------------------------------------------------------------------------


def test_second_download_is_served_from_the_stored_file(
    author: User, guest: Client, build_count: Callable[[], int]
) -> None:
    series = make_series(author, [make_work(author, title="One"), make_work(author, title="Two")])
    assert download(guest, series) == download(guest, series)
    assert build_count() == 1


def test_editing_an_included_works_chapter_builds_a_new_version_and_deletes_the_old_file(
    author: User, guest: Client, tmp_path: Path, build_count: Callable[[], int]
) -> None:
    first, second = make_work(author, title="One"), make_work(author, title="Two")
    series = make_series(author, [first, second])
    download(guest, series)
    old_files = stored_files(tmp_path, series)
    update_chapter(second.chapters.get(), ChapterFields(content="The second work's chapter, now revised."))
    assert "now revised" in epub_pages(download(guest, series))["EPUB/part-002-chapter-0001.xhtml"]
    assert build_count() == 2
    assert len(stored_files(tmp_path, series)) == 1
    assert stored_files(tmp_path, series) != old_files


def test_editing_the_series_gives_a_new_version(author: User) -> None:
    work = make_work(author)
    series = make_series(author, [work])
    works = list(series.works_visible_to(author))
    before = cache.series_storage_name(series, works)
    update_series(series, author, "A new series title", "", "", complete=False)
    assert cache.series_storage_name(Series.objects.get(pk=series.pk), works) != before


def test_guests_and_readers_files_differ_and_both_are_kept(
    series_in_every_state: Series, guest: Client, reader_client: Client, tmp_path: Path, build_count: Callable[[], int]
) -> None:
    guest_file = download(guest, series_in_every_state)
    reader_file = download(reader_client, series_in_every_state)
    assert guest_file != reader_file
    assert len(stored_files(tmp_path, series_in_every_state)) == 2
    download(guest, series_in_every_state)
    download(reader_client, series_in_every_state)
    assert build_count() == 2


def test_files_for_other_readers_are_deleted_once_a_day_old(
    series_in_every_state: Series, guest: Client, reader_client: Client, tmp_path: Path
) -> None:
    download(guest, series_in_every_state)
    (guest_name,) = stored_files(tmp_path, series_in_every_state)
    folder = tmp_path / "media" / "downloads" / "series" / str(series_in_every_state.pk)
    two_days_ago = (datetime.datetime.now() - datetime.timedelta(days=2)).timestamp()
    os.utime(folder / guest_name, (two_days_ago, two_days_ago))
    download(reader_client, series_in_every_state)
    files = stored_files(tmp_path, series_in_every_state)
    assert len(files) == 1
    assert guest_name not in files
