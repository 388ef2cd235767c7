"""EPUB files: chapters in reading order, metadata from the package document."""

from __future__ import annotations

import datetime

import pytest

from fanshelf.imports.parsers import UnreadableFile, parse_file
from tests.imports.epubs import build_epub, opf, plain_epub, xhtml

TYPOGRAPHY = "“Curly” ‘quotes’ — em – en … 日本語 עברית"


def test_each_spine_document_with_text_becomes_a_chapter_in_order() -> None:
    data = plain_epub(
        [f"<h1>The First</h1><p>{TYPOGRAPHY}</p>", '<p><img src="https://img.example/cover.png" alt=""/></p>',
         "<h2>The Second</h2><p>Second chapter text.</p>"],
        title="A Plain Book",
        extra_metadata="<dc:subject>Sea Stories</dc:subject><dc:date>2019-01-02</dc:date>"
        "<dc:description>&lt;p&gt;A “short” summary.&lt;/p&gt;</dc:description>",
    )  # fmt: skip
    work = parse_file("book.epub", data)
    assert work.format == "epub"
    assert [c.title for c in work.chapters] == ["The First", "The Second"]
    assert work.chapters[0].text == f"<h1>The First</h1><p>{TYPOGRAPHY}</p>"
    assert (work.title, work.creators, work.language) == ("A Plain Book", ["Fen Larkspur"], "en")
    assert work.freeforms == ["Sea Stories"]
    assert work.summary == "<p>A “short” summary.</p>"
    assert work.published_on == datetime.date(2019, 1, 2)


def test_the_navigation_document_and_non_linear_items_are_not_chapters() -> None:
    package = (
        opf(["nav.xhtml", "ch.xhtml", "notes.xhtml"])
        .replace('id="c0" href="nav.xhtml"', 'id="c0" properties="nav" href="nav.xhtml"')
        .replace('<itemref idref="c2"/>', '<itemref idref="c2" linear="no"/>')
    )
    data = build_epub({
        "OEBPS/content.opf": package,
        "OEBPS/nav.xhtml": xhtml("<nav><ol><li>Contents</li></ol></nav>"),
        "OEBPS/ch.xhtml": xhtml("<p>The only real chapter.</p>"),
        "OEBPS/notes.xhtml": xhtml("<p>Back matter.</p>"),
    })  # fmt: skip
    assert [c.text for c in parse_file("book.epub", data).chapters] == ["<p>The only real chapter.</p>"]


def test_an_epub_without_a_container_is_found_by_its_package_document() -> None:
    data = build_epub({"content.opf": opf(["ch.xhtml"]), "ch.xhtml": xhtml("<p>Found anyway.</p>")}, container=None)
    assert parse_file("book.epub", data).chapters[0].text == "<p>Found anyway.</p>"


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"OEBPS/content.opf": opf(["missing.xhtml"])}, "does not contain it"),
        ({"OEBPS/content.opf": "<package><unclosed>"}, "not well-formed XML"),
        ({"OEBPS/content.opf": opf([])}, "no chapters listed"),
        ({"OEBPS/content.opf": opf(["a.xhtml"]), "OEBPS/a.xhtml": xhtml("<p> </p>")}, "no story text"),
    ],
)
def test_a_broken_epub_is_a_clear_error(files: dict[str, str | bytes], message: str) -> None:
    with pytest.raises(UnreadableFile, match=message):
        parse_file("book.epub", build_epub(files))


def test_a_file_that_is_not_a_zip_is_a_clear_error() -> None:
    with pytest.raises(UnreadableFile, match="not a ZIP archive"):
        parse_file("book.epub", b"<html>this is not an epub</html>")
