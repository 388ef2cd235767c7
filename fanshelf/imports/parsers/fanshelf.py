"""Fanshelf's own downloads, so a work downloaded from one archive imports back into another (or the same one).

The HTML download and the EPUB's pages share one layout (downloads/templates/downloads/parts/): a
``section#preface`` holding the title (``h1.title``), the creators (``p.byline``), a ``dl.tags`` written like
AO3's ("Rating:", "Fandoms:", "Language:", "Stats:" ...), the summary and notes (``blockquote.summary`` and
``blockquote.notes``) and the work's address (``p.source``); then one ``section.chapter`` per chapter with its
``h2.heading``, its own summary, notes and end notes, and its text in ``div.chapter-text``; then the work's end
notes in ``section#afterword``.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

from fanshelf.imports.parsers.ao3 import chapter_title, read_tag_list
from fanshelf.imports.parsers.base import ParsedChapter, ParsedWork, UnreadableFile, clean_notes, clean_text, one_line

_BY = re.compile(r"^\s*by\s+", re.IGNORECASE)


def parse_fanshelf_soup(soup: BeautifulSoup, format_name: str) -> ParsedWork:
    prefaces = soup.find_all("section", id="preface")
    if soup.find("section", id="series") is not None or len(prefaces) > 1:
        raise UnreadableFile(
            "This is a Fanshelf series download, which holds several works; import each work's own download."
        )
    preface = prefaces[0] if prefaces else None
    if not isinstance(preface, Tag):
        raise UnreadableFile("This does not look like a Fanshelf download: it has no title page.")
    work = ParsedWork(chapters=[], format=format_name)
    tags = preface.find("dl", class_="tags", recursive=False)
    if isinstance(tags, Tag):
        read_tag_list(tags, work)
    work.title = _text_of(preface.find(class_="title", recursive=False))
    work.creators = _creators(preface.find(class_="byline", recursive=False))
    work.summary = _block(preface, "summary")
    work.notes = _block(preface, "notes")
    source = preface.find(class_="source", recursive=False)
    link = source.find("a", href=True) if isinstance(source, Tag) else None
    work.source_url = str(link["href"]) if isinstance(link, Tag) else ""
    afterword = soup.find("section", id="afterword")
    if isinstance(afterword, Tag):
        work.end_notes = _block(afterword, "end-notes")
    work.chapters = [_chapter(section) for section in soup.find_all("section", class_="chapter")]
    if not work.chapters:
        raise UnreadableFile("The Fanshelf download has no chapters in it.")
    return work


def _text_of(element: object) -> str:
    return one_line(element.get_text()) if isinstance(element, Tag) else ""


def _creators(byline: object) -> list[str]:
    """The names after "by", as the file shows them; pseud names cannot hold a comma, so commas separate them."""
    if not isinstance(byline, Tag):
        return []
    names = _BY.sub("", one_line(byline.get_text())).split(",")
    return [one_line(name) for name in names if one_line(name)]


def _block(container: Tag, kind: str) -> str:
    # Only the layout's own children: a creator's text may hold elements with the same classes.
    block = container.find("blockquote", class_=kind, recursive=False)
    return clean_notes(block.decode_contents()) if isinstance(block, Tag) else ""


def _chapter(section: Tag) -> ParsedChapter:
    heading = section.find(class_="heading", recursive=False)
    text = section.find("div", class_="chapter-text", recursive=False)
    return ParsedChapter(
        text=clean_text(text.decode_contents()) if isinstance(text, Tag) else "",
        title=chapter_title(heading) if isinstance(heading, Tag) else "",
        summary=_block(section, "summary"),
        notes=_block(section, "notes"),
        end_notes=_block(section, "end-notes"),
    )
