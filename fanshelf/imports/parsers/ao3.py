"""AO3's own downloads. The HTML download and the EPUB's joined pages share one structure:

a ``div#preface`` with a ``dl.tags`` of ``dt``/``dd`` pairs ("Rating:", "Fandom:", "Stats:" ...), the title in an
``h1``, the creators in a ``div.byline``, and "Summary" / "Notes" labels each followed by a ``blockquote``; then one
``h2.heading`` per chapter inside a ``div.meta`` (with the chapter's own summary and notes), followed by the
chapter's ``div.userstuff``; then the work's end notes in ``div#endnotes`` inside ``div#afterword``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

from bs4 import BeautifulSoup, Tag

from fanshelf.imports.parsers.base import ParsedChapter, ParsedWork, UnreadableFile, clean_notes, clean_text, one_line
from fanshelf.works.languages import LANGUAGES

_TAG_FIELDS = {
    "rating": "rating",
    "ratings": "rating",
    "archive warning": "warnings",
    "archive warnings": "warnings",
    "category": "categories",
    "categories": "categories",
    "fandom": "fandoms",
    "fandoms": "fandoms",
    "relationship": "relationships",
    "relationships": "relationships",
    "character": "characters",
    "characters": "characters",
    "additional tags": "freeforms",
}
# AO3 renamed this warning; files downloaded before the change carry the old name.
_RENAMED_WARNINGS = {"underage": "Underage Sex"}
_LANGUAGE_CODES = {name.casefold(): code for code, name in LANGUAGES} | {"english": "en"}
_PUBLISHED = re.compile(r"Published:\s*(\d{4})-(\d{2})-(\d{2})")
_CHAPTERS = re.compile(r"Chapters:\s*(\d+)\s*/\s*(\d+|\?)")
_CHAPTER_HEADING = re.compile(r"^Chapter\s+\d+\s*(?::\s*(?P<title>.*))?$", re.IGNORECASE)
_TITLE_SUFFIX = re.compile(r"\s*\[Archive of Our Own\]\s*$")


def parse_ao3_soup(soup: BeautifulSoup, format_name: str) -> ParsedWork:
    preface = soup.find("div", id="preface")
    if not isinstance(preface, Tag):
        raise UnreadableFile("This does not look like an AO3 download: it has no preface.")
    work = ParsedWork(chapters=[], format=format_name)
    _read_tags(preface, work)
    work.title = _title(soup, preface)
    work.creators = _creators(preface)
    labelled = _labelled_blocks(preface)
    work.summary = labelled.get("summary", "")
    work.notes = labelled.get("notes", "")
    link = preface.find("a", href=re.compile(r"/works/\d+"))
    work.source_url = str(link["href"]) if isinstance(link, Tag) else ""
    afterword = soup.find("div", id="afterword")
    if isinstance(afterword, Tag):
        work.end_notes = _labelled_blocks(afterword).get("end notes", "")
        afterword.extract()
    preface.extract()
    work.chapters = _chapters(soup)
    if not work.chapters:
        raise UnreadableFile("The AO3 download has no chapter text in it.")
    return work


def _values(dd: Tag) -> list[str]:
    links = [one_line(a.get_text()) for a in dd.find_all("a")]
    names = links or [one_line(part) for part in dd.get_text().split(",")]
    return [name for name in names if name]


def _read_tags(preface: Tag, work: ParsedWork) -> None:
    tags = preface.find("dl", class_="tags")
    if isinstance(tags, Tag):
        read_tag_list(tags, work)


def read_tag_list(tags: Tag, work: ParsedWork) -> None:
    """The "Label: values" pairs of a ``dl``; Fanshelf's downloads write the same list as AO3's."""
    for dt in tags.find_all("dt"):
        dd = dt.find_next_sibling("dd")
        if not isinstance(dd, Tag):
            continue
        # A right-to-left page may show the colon first (":Rating"), so it is stripped from both ends.
        label = one_line(dt.get_text()).strip(": \u200e\u200f").casefold()
        if label in _TAG_FIELDS:
            values = _values(dd)
            if _TAG_FIELDS[label] == "rating":
                work.rating = values[0] if values else ""
            elif _TAG_FIELDS[label] == "warnings":
                work.warnings = [_RENAMED_WARNINGS.get(v.casefold(), v) for v in values]
            else:
                setattr(work, _TAG_FIELDS[label], values)
        elif label == "language":
            work.language = _LANGUAGE_CODES.get(one_line(dd.get_text()).casefold(), "")
        elif label == "stats":
            _read_stats(one_line(dd.get_text()), work)


def _read_stats(stats: str, work: ParsedWork) -> None:
    published = _PUBLISHED.search(stats)
    if published:
        try:
            work.published_on = datetime.date(*(int(part) for part in published.groups()))
        except ValueError:
            raise UnreadableFile(f"The published date in the file is not a date: {published.group(0)}.") from None
    chapters = _CHAPTERS.search(stats)
    if chapters:
        expected = chapters.group(2)
        work.expected_chapters = None if expected == "?" else int(expected)


def _title(soup: BeautifulSoup, preface: Tag) -> str:
    heading = preface.find("h1")
    if isinstance(heading, Tag) and one_line(heading.get_text()):
        return one_line(heading.get_text())
    message = preface.find("p", class_="message")
    bold = message.find("b") if isinstance(message, Tag) else None
    if isinstance(bold, Tag) and one_line(bold.get_text()):
        return one_line(bold.get_text())
    page = soup.find("title")
    if not isinstance(page, Tag):
        return ""
    # The page title reads "Title - Creator - Fandom [Archive of Our Own]".
    text = _TITLE_SUFFIX.sub("", one_line(page.get_text()))
    parts = text.rsplit(" - ", 2)
    return parts[0] if len(parts) == 3 else text


def _creators(preface: Tag) -> list[str]:
    byline = preface.find(class_="byline")
    if not isinstance(byline, Tag):
        return []
    authors = [one_line(a.get_text()) for a in byline.find_all("a", rel="author")]
    if authors:
        return [name for name in authors if name]
    text = re.sub(r"^\s*by\s+", "", one_line(byline.get_text()), flags=re.IGNORECASE)
    return [name.strip() for name in re.split(r",|\band\b", text) if name.strip()]


def _labelled_blocks(container: Tag) -> dict[str, str]:
    """AO3 writes a label paragraph ("Summary", "Chapter Notes") and then the text in a blockquote."""
    found: dict[str, str] = {}
    for label in container.find_all("p"):
        block = label.find_next_sibling()
        if isinstance(block, Tag) and block.name == "blockquote":
            key = one_line(label.get_text()).rstrip(":").casefold().removeprefix("chapter ")
            found.setdefault(key, clean_notes(block.decode_contents()))
    return found


def chapter_title(heading: Tag) -> str:
    text = one_line(heading.get_text())
    match = _CHAPTER_HEADING.match(text)
    if match is None:
        return text
    return (match.group("title") or "").strip()


def _is_text_block(element: Tag) -> bool:
    classes = element.get("class") or []
    return (
        element.name == "div"
        and "userstuff" in classes
        and element.get("id") != "chapters"
        and element.find_parent("div", class_="meta") is None
    )


def _following(start: Tag, stop: Tag | None) -> Iterator[Tag]:
    """Elements after `start` in document order (its own descendants first), up to `stop`."""
    for element in start.next_elements:
        if element is stop:
            return
        if isinstance(element, Tag):
            yield element


def _chapters(soup: BeautifulSoup) -> list[ParsedChapter]:
    headings = [h for h in soup.find_all("h2", class_="heading") if isinstance(h, Tag)]
    if not headings:
        return _single_chapter(soup)
    metas = [h.find_parent("div", class_="meta") or h for h in headings]
    chapters: list[ParsedChapter] = []
    for index, (heading, meta) in enumerate(zip(headings, metas, strict=True)):
        stop = metas[index + 1] if index + 1 < len(metas) else None
        text_block = next((el for el in _following(meta, stop) if _is_text_block(el)), None)
        if text_block is None:
            continue
        labelled = _labelled_blocks(meta) if meta is not heading else {}
        chapters.append(
            ParsedChapter(
                text=clean_text(text_block.decode_contents()),
                title=chapter_title(heading),
                summary=labelled.get("summary", ""),
                notes=labelled.get("notes", ""),
                end_notes=_chapter_end_notes(text_block),
            )
        )
    return chapters


def _chapter_end_notes(text_block: Tag) -> str:
    for sibling in text_block.find_next_siblings("div"):
        if not isinstance(sibling, Tag):
            continue
        if sibling.find("h2", class_="heading") is not None:
            break
        notes = _labelled_blocks(sibling).get("end notes", "")
        if notes:
            return notes
    return ""


def _single_chapter(soup: BeautifulSoup) -> list[ParsedChapter]:
    container = soup.find("div", id="chapters")
    if not isinstance(container, Tag):
        return []
    blocks = [el for el in container.find_all("div", class_="userstuff") if _is_text_block(el)]
    source = blocks[0] if len(blocks) == 1 else container
    text = clean_text(source.decode_contents())
    return [ParsedChapter(text=text)] if text else []
