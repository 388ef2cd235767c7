"""HTML files: a page saved from anywhere (one chapter), or an AO3 or Fanshelf download (each read by its own
parser)."""

from __future__ import annotations

from bs4 import BeautifulSoup

from fanshelf.imports.parsers.ao3 import parse_ao3_soup
from fanshelf.imports.parsers.base import ParsedChapter, ParsedWork, UnreadableFile, check_size, clean_text, decode_text
from fanshelf.imports.parsers.fanshelf import parse_fanshelf_soup
from fanshelf.imports.parsers.markup import check_markup, has_text, looks_like_ao3, looks_like_fanshelf, title_of


def soup_of(markup: str) -> BeautifulSoup:
    # The standard library's parser: it never fetches anything and never expands declared entities.
    return BeautifulSoup(markup, "html.parser")


def parse_html(data: bytes) -> ParsedWork:
    check_size(data)
    markup = decode_text(data, allow_declared=True).replace("\x00", "")
    check_markup(markup)
    if looks_like_fanshelf(markup):
        return parse_fanshelf_soup(soup_of(markup), format_name="fanshelf-html")
    if looks_like_ao3(markup):
        return parse_ao3_soup(soup_of(markup), format_name="ao3-html")
    return parse_plain_page(markup)


def parse_plain_page(markup: str) -> ParsedWork:
    """The whole page through the sanitizer, which drops the head (title, styles, scripts) with its contents."""
    text = clean_text(markup)
    if not has_text(text):
        raise UnreadableFile("The HTML file has no story text in it.")
    return ParsedWork(chapters=[ParsedChapter(text=text)], title=title_of(markup), format="html")
