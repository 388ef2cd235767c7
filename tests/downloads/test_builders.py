"""What the EPUB, PDF and HTML files hold: valid EPUB, every posted word, the title page, the contents."""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from fanshelf.accounts.models import User
from fanshelf.core.site_url import absolute_url
from fanshelf.downloads.builders import FORMATS
from fanshelf.downloads.document import work_document
from fanshelf.works.actions import ChapterFields, add_chapter
from fanshelf.works.models import Work
from tests.downloads.conftest import (
    ARABIC,
    CJK,
    HEBREW,
    ODD_MARKUP,
    TYPOGRAPHY,
    epub_chapter_texts,
    epub_pages,
    epubcheck,
    html_chapter_texts,
    make_rich_work,
    normalized,
    pdf_text,
    posted_texts,
)

_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LIST_MARKERS = re.compile(r"(?m)^\s*(?:•|\d+\.)\s")


def build(work: Work, format_name: str) -> bytes:
    download_format = FORMATS[format_name]
    return download_format.build(work_document(work, offline=download_format.offline))


def package_document(content: bytes) -> BeautifulSoup:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return BeautifulSoup(archive.read("EPUB/content.opf"), "xml")


def element(document: BeautifulSoup, name: str) -> Tag:
    found = document.find(name)
    assert isinstance(found, Tag), name
    return found


@pytest.fixture
def every_script_work(author: User) -> Work:
    return make_rich_work(author, chapters=(TYPOGRAPHY, CJK, HEBREW + ARABIC, ODD_MARKUP))


def test_epub_of_a_work_in_every_script_with_old_markup_passes_epubcheck(
    every_script_work: Work, tmp_path: Path
) -> None:
    epubcheck(build(every_script_work, "epub"), tmp_path)


def test_epub_of_an_anonymous_right_to_left_work_passes_epubcheck(author: User, tmp_path: Path) -> None:
    work = make_rich_work(author, title="המגדלור", chapters=(HEBREW, ARABIC), language="he", anonymous=True)
    content = build(work, "epub")
    epubcheck(content, tmp_path)
    package = package_document(content)
    assert [creator.text for creator in package.find_all("dc:creator")] == ["Anonymous"]
    assert element(package, "dc:language").text == "he"
    assert element(package, "spine")["page-progression-direction"] == "rtl"
    assert author.username not in "".join(epub_pages(content).values())


@pytest.mark.parametrize("format_name", ["epub", "html"])
def test_every_chapter_reads_back_exactly_as_posted(every_script_work: Work, format_name: str) -> None:
    content = build(every_script_work, format_name)
    texts = epub_chapter_texts(content) if format_name == "epub" else html_chapter_texts(content)
    assert texts == posted_texts(every_script_work)


def test_every_chapter_reads_back_from_the_pdf(every_script_work: Work, tmp_path: Path) -> None:
    # pdftotext breaks lines and pages wherever the layout did, so whitespace is compared away entirely, and it
    # prints list bullets and numbers, which are dropped; it re-orders right-to-left lines visually, so those are
    # compared as the same characters in any order.
    text = _BIDI_CONTROLS.sub("", pdf_text(build(every_script_work, "pdf"), tmp_path))
    compact = "".join(_LIST_MARKERS.sub("", text).split())
    typography, cjk, right_to_left, odd = posted_texts(every_script_work)
    assert "".join(typography.split()) in compact
    assert "".join(cjk.split()) in compact
    assert "".join(odd.split()) in compact
    missing = Counter("".join(right_to_left.split())) - Counter(compact)
    assert not missing


def test_title_page_shows_tags_language_summary_notes_stats_and_source(every_script_work: Work) -> None:
    page = normalized(BeautifulSoup(build(every_script_work, "html"), "html.parser").get_text())
    for expected in [
        "Salt & Lanterns: “A Story”",
        "by Quillfeather",
        "Rating: Teen And Up Audiences",
        "Archive Warnings: No Archive Warnings Apply",
        "Categories: Gen",
        "Fandoms: Tidewater Chronicles, Lighthouse Keepers (Anime)",  # as typed
        "Relationships: Marin & Gull",
        "Characters: Marin, The Gull",
        "Additional Tags: Fluff, Found Family",
        "Language: English",
        "Summary A keeper counts gulls — twice.",
        "Notes Thanks to my beta reader “Anne”.",
        f"Words: {every_script_work.word_count}",
        "Chapters: 4/4",
        "Kudos: 0",
        "Hits: 0",
        absolute_url(f"/works/{every_script_work.pk}/"),
    ]:
        assert expected in page


def test_chapters_carry_their_heading_summary_notes_and_end_notes_and_the_work_ends_with_its_end_notes(
    every_script_work: Work,
) -> None:
    page = normalized(BeautifulSoup(build(every_script_work, "html"), "html.parser").get_text())
    first = page.index("Chapter 1: The First Count Summary Gulls. Notes Notes one.")
    assert page.index("Chapter End Notes End.") > first
    assert page.index("Chapter 2: Count 2 Notes Notes 2.") > first
    assert page.rstrip().endswith("End Notes Comments are love.")


def test_epub_contents_list_every_chapter_in_order(every_script_work: Work) -> None:
    pages = epub_pages(build(every_script_work, "epub"))
    nav = BeautifulSoup(pages["EPUB/nav.xhtml"], "xml")
    entries = [(link.text, link["href"]) for link in nav.find_all("a")]
    assert entries == [
        ("Preface", "preface.xhtml"),
        ("Chapter 1: The First Count", "chapter-0001.xhtml"),
        ("Chapter 2: Count 2", "chapter-0002.xhtml"),
        ("Chapter 3: Count 3", "chapter-0003.xhtml"),
        ("Chapter 4: Count 4", "chapter-0004.xhtml"),
        ("End Notes", "afterword.xhtml"),
    ]


def test_draft_chapters_are_left_out(author: User) -> None:
    work = make_rich_work(author, chapters=(TYPOGRAPHY,))
    add_chapter(work, ChapterFields(content="A secret draft chapter nobody may read yet."), post=False)
    for format_name in ("epub", "html"):
        assert b"secret draft chapter" not in build(work, format_name)


def test_epub_metadata_names_the_creators_and_subjects(every_script_work: Work) -> None:
    package = package_document(build(every_script_work, "epub"))
    assert element(package, "dc:title").text == "Salt & Lanterns: “A Story”"
    assert [creator.text for creator in package.find_all("dc:creator")] == ["Quillfeather"]
    assert element(package, "dc:language").text == "en"
    assert "Tidewater Chronicles" in [subject.text for subject in package.find_all("dc:subject")]


def test_offline_formats_leave_out_remote_images_and_the_html_file_keeps_them(every_script_work: Work) -> None:
    assert b"images.example.org" not in b"".join(
        page.encode() for page in epub_pages(build(every_script_work, "epub")).values()
    )
    assert b'src="https://images.example.org/lantern.png"' in build(every_script_work, "html")
