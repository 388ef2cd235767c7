"""A work as an EPUB 3 file (ebooklib), valid under epubcheck.

Each page is rendered here as a complete XHTML document and handed to ebooklib as a plain item: ebooklib's own
HTML items re-parse and re-serialize their content, which is slow for long works and would undo the care taken
in `xhtml.py`. ebooklib still writes the package document, the navigation document and the NCX.
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from ebooklib import epub

from fanshelf.downloads.builders.html import stylesheet
from fanshelf.downloads.document import ChapterSection, WorkDocument

XHTML = "application/xhtml+xml"
# ebooklib scans every page for page-break markers unless told not to; the pages have none.
_WRITE_OPTIONS = {"epub3_pages": False, "epub3_landmark": False}


def _page(document: WorkDocument, *, uid: str, file_name: str, title: str, **context: Any) -> epub.EpubItem:
    content = render_to_string(
        "downloads/page.xhtml",
        {"doc": document, "page_title": title, "site_name": settings.SITE_NAME, **context},
    )
    return epub.EpubItem(uid=uid, file_name=file_name, media_type=XHTML, content=content.encode())


def _chapter_page(document: WorkDocument, chapter: ChapterSection) -> epub.EpubItem:
    return _page(
        document,
        uid=chapter.anchor,
        file_name=chapter.file_name,
        title=chapter.heading,
        part="chapter",
        chapter=chapter,
    )


def _metadata(book: epub.EpubBook, document: WorkDocument) -> None:
    book.set_identifier(document.source_url)
    book.set_title(document.title)
    book.set_language(document.language)
    if document.direction == "rtl":
        book.set_direction("rtl")
    for creator in document.creators:
        book.add_author(creator)
    book.add_metadata("DC", "publisher", settings.SITE_NAME)
    book.add_metadata("DC", "source", document.source_url)
    if document.published:
        book.add_metadata("DC", "date", document.published.isoformat())
    for subject in document.subjects:
        book.add_metadata("DC", "subject", subject)


def build_epub(document: WorkDocument) -> bytes:
    """The EPUB file of `document`: a preface page, one page per chapter, an end-notes page, and a contents."""
    book = epub.EpubBook()
    _metadata(book, document)
    css = epub.EpubItem(uid="style", file_name="style.css", media_type="text/css", content=stylesheet().encode())
    book.add_item(css)
    preface = _page(document, uid="preface", file_name="preface.xhtml", title=document.title, part="preface")
    pages = [preface]
    toc = [epub.Link(preface.file_name, "Preface", "toc-preface")]
    for chapter in document.chapters:
        page = _chapter_page(document, chapter)
        pages.append(page)
        toc.append(epub.Link(page.file_name, chapter.heading, f"toc-{chapter.anchor}"))
    if document.end_notes:
        afterword = _page(document, uid="afterword", file_name="afterword.xhtml", title="End Notes", part="afterword")
        pages.append(afterword)
        toc.append(epub.Link(afterword.file_name, "End Notes", "toc-afterword"))
    for page in pages:
        book.add_item(page)
    book.toc = toc
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav(title="Contents", direction=document.direction))
    book.spine = [*pages]
    out = io.BytesIO()
    epub.write_epub(out, book, _WRITE_OPTIONS)
    return out.getvalue()
