"""A work, or a series of works, as an EPUB 3 file (ebooklib), valid under epubcheck.

Each page is rendered here as a complete XHTML document and handed to ebooklib as a plain item: ebooklib's own
HTML items re-parse and re-serialize their content, which is slow for long works and would undo the care taken
in `xhtml.py`. ebooklib still writes the package document, the navigation document and the NCX.
"""

from __future__ import annotations

import io
import re
from typing import Any, TypeAlias

from django.conf import settings
from django.template.loader import render_to_string
from ebooklib import epub

from fanshelf.core.wordcount import html_to_text
from fanshelf.downloads.builders.cover import cover_page, cover_svg
from fanshelf.downloads.builders.html import stylesheet
from fanshelf.downloads.document import SeriesDocument, WorkDocument

XHTML = "application/xhtml+xml"
# ebooklib scans every page for page-break markers unless told not to; the pages have none.
_WRITE_OPTIONS = {"epub3_pages": False, "epub3_landmark": False}
_BLOCK_END = re.compile(r"</(?:p|div|li|h[1-6]|blockquote|dd|dt|tr)>|<br\s*/?>", re.IGNORECASE)
COVER_IMAGE_ID = "cover-image"
TDMREP_VOCABULARY = "http://www.w3.org/ns/tdmrep#"
# A contents entry: a link, or a (section, entries) pair for a nested list.
TocEntry: TypeAlias = epub.Link | tuple[epub.Section, list[epub.Link]]


def series_part_prefix(number: int) -> str:
    """What starts the file names of the series' `number`th work (from 1), in reading order when sorted."""
    return f"part-{number:03d}-"


def _page(
    document: WorkDocument | SeriesDocument, *, uid: str, file_name: str, title: str, **context: Any
) -> epub.EpubItem:
    content = render_to_string(
        "downloads/page.xhtml",
        {"doc": document, "page_title": title, "site_name": settings.SITE_NAME, **context},
    )
    return epub.EpubItem(uid=uid, file_name=file_name, media_type=XHTML, content=content.encode())


def _work_pages(document: WorkDocument, prefix: str = "") -> tuple[list[epub.EpubItem], list[epub.Link]]:
    """The preface, chapter and end-notes pages of a work, and their contents entries.

    `prefix` starts every file name and id, so that the works of a series can share one book.
    """
    pages = [
        _page(
            document, uid=f"{prefix}preface", file_name=f"{prefix}preface.xhtml", title=document.title, part="preface"
        )
    ]
    titles = ["Preface"]
    for chapter in document.chapters:
        pages.append(
            _page(
                document,
                uid=f"{prefix}{chapter.anchor}",
                file_name=f"{prefix}{chapter.file_name}",
                title=chapter.heading,
                part="chapter",
                chapter=chapter,
            )
        )
        titles.append(chapter.heading)
    if document.end_notes:
        uid, title = f"{prefix}afterword", "End Notes"
        pages.append(_page(document, uid=uid, file_name=f"{uid}.xhtml", title=title, part="afterword"))
        titles.append(title)
    toc = [epub.Link(page.file_name, title, f"toc-{page.id}") for page, title in zip(pages, titles, strict=True)]
    return pages, toc


def plain_text(markup: str) -> str:
    """A summary as text, one line per paragraph: reader apps show dc:description as text."""
    text = html_to_text(_BLOCK_END.sub("\n", markup), separator="")
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def _metadata(book: epub.EpubBook, document: WorkDocument | SeriesDocument) -> None:
    book.set_identifier(document.source_url)
    # calibre ignores identifiers whose scheme is http or https; as "uri:<address>" it lists and links the work.
    book.add_metadata("DC", "identifier", f"uri:{document.source_url}")
    book.set_title(document.title)
    book.set_language(document.language)
    if document.direction == "rtl":
        book.set_direction("rtl")
    for creator in document.creators:
        book.add_author(creator)
    book.add_metadata("DC", "publisher", settings.SITE_NAME)
    book.add_metadata("DC", "source", document.source_url)
    description = plain_text(document.summary)
    if description:
        book.add_metadata("DC", "description", description)


def _reuse_metadata(book: epub.EpubBook, reserved: bool, rights: str = "") -> None:
    """The TDM Reservation Protocol's EPUB property (1: the creators reserve text and data mining, AI training
    included; 0: they allow it) and the permissions in words as dc:rights, which reader apps show."""
    book.add_prefix("tdm", TDMREP_VOCABULARY)
    book.add_metadata("OPF", "tdm-reservation", "1" if reserved else "0", {"property": "tdm:reservation"})
    if rights:
        book.add_metadata("DC", "rights", rights)


def _series_metadata(book: epub.EpubBook, document: WorkDocument) -> None:
    """Each series as EPUB 3 collections, and the first also as calibre's own series fields, which most reader
    apps (calibre, KOReader, Kobo) read."""
    for number, series in enumerate(document.series, start=1):
        uid = f"series-{number}"
        book.add_metadata("OPF", f"collection-{number}", series.title, {"property": "belongs-to-collection", "id": uid})
        book.add_metadata(
            "OPF", f"collection-type-{number}", "series", {"refines": f"#{uid}", "property": "collection-type"}
        )
        book.add_metadata(
            "OPF", f"group-position-{number}", str(series.part), {"refines": f"#{uid}", "property": "group-position"}
        )
    if document.series:
        first = document.series[0]
        book.add_metadata("OPF", "calibre:series", "", {"name": "calibre:series", "content": first.title})
        book.add_metadata(
            "OPF", "calibre:series_index", "", {"name": "calibre:series_index", "content": str(first.part)}
        )


def _cover(book: epub.EpubBook, document: WorkDocument | SeriesDocument, fandoms: list[str]) -> epub.EpubItem:
    """Add the generated cover image and return its page, which goes first in the spine."""
    rtl = document.direction == "rtl"
    svg = cover_svg(
        title=document.title,
        creators=document.creators,
        fandoms=fandoms,
        site_name=settings.SITE_NAME,
        language=document.language,
        rtl=rtl,
    )
    image = epub.EpubItem(uid=COVER_IMAGE_ID, file_name="cover.svg", media_type="image/svg+xml", content=svg.encode())
    image.properties = ["cover-image"]
    book.add_item(image)
    # EPUB 2 readers and calibre look for the cover through this meta too.
    book.add_metadata("OPF", "cover", "", {"name": "cover", "content": COVER_IMAGE_ID})
    page = cover_page(
        image=image.file_name, title=document.title, creators=document.creators, language=document.language, rtl=rtl
    )
    return epub.EpubItem(uid="cover", file_name="cover.xhtml", media_type=XHTML, content=page.encode())


def _write(
    book: epub.EpubBook,
    document: WorkDocument | SeriesDocument,
    cover: epub.EpubItem,
    pages: list[epub.EpubItem],
    toc: list[TocEntry],
) -> bytes:
    book.add_item(
        epub.EpubItem(uid="style", file_name="style.css", media_type="text/css", content=stylesheet().encode())
    )
    for page in [cover, *pages]:
        book.add_item(page)
    book.guide.append({"type": "cover", "href": cover.file_name, "title": "Cover"})
    book.toc = toc
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav(title="Contents", direction=document.direction))
    book.spine = [cover, *pages]
    out = io.BytesIO()
    epub.write_epub(out, book, _WRITE_OPTIONS)
    return out.getvalue()


def build_epub(document: WorkDocument) -> bytes:
    """The EPUB file of `document`: a preface page, one page per chapter, an end-notes page, and a contents."""
    book = epub.EpubBook()
    _metadata(book, document)
    if document.published:
        book.add_metadata("DC", "date", document.published.isoformat())
    for subject in document.subjects:
        book.add_metadata("DC", "subject", subject)
    _series_metadata(book, document)
    _reuse_metadata(book, document.reserves_ai_training, f"{document.permissions}. AI use: {document.ai_use}.")
    cover = _cover(book, document, document.fandoms)
    pages, toc = _work_pages(document)
    return _write(book, document, cover, pages, list(toc))


def build_series_epub(document: SeriesDocument) -> bytes:
    """One EPUB of a series: the series' title page, then each work's pages; the contents nest per work."""
    book = epub.EpubBook()
    _metadata(book, document)
    for language in document.languages[1:]:
        book.add_metadata("DC", "language", language)
    # One book of several works: reserved when any of them is (each work's title page says which).
    _reuse_metadata(book, any(work.reserves_ai_training for work in document.works))
    cover = _cover(book, document, list(dict.fromkeys(name for work in document.works for name in work.fandoms)))
    prefixes = [series_part_prefix(number) for number in range(1, len(document.works) + 1)]
    contents = [(f"{prefix}preface.xhtml", work) for prefix, work in zip(prefixes, document.works, strict=True)]
    title_page = _page(
        document, uid="series", file_name="series.xhtml", title=document.title, part="series", contents=contents
    )
    pages = [title_page]
    toc: list[TocEntry] = [epub.Link(title_page.file_name, document.title, "toc-series")]
    for prefix, work in zip(prefixes, document.works, strict=True):
        work_pages, work_toc = _work_pages(work, prefix)
        pages += work_pages
        toc.append((epub.Section(work.title, work_pages[0].file_name), work_toc))
    return _write(book, document, cover, pages, toc)
