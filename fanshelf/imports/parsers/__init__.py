"""File parsers: each turns the bytes of one file into a ParsedWork, or raises UnreadableFile saying why."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath

from fanshelf.imports.parsers.base import ParsedChapter, ParsedWork, UnreadableFile
from fanshelf.imports.parsers.epub import parse_epub
from fanshelf.imports.parsers.html import parse_html
from fanshelf.imports.parsers.text import parse_text

__all__ = ["SUPPORTED_SUFFIXES", "ParsedChapter", "ParsedWork", "UnreadableFile", "parse_file"]

_PARSERS: dict[str, Callable[[bytes], ParsedWork]] = {
    ".txt": parse_text,
    ".text": parse_text,
    ".html": parse_html,
    ".htm": parse_html,
    ".xhtml": parse_html,
    ".epub": parse_epub,
}
SUPPORTED_SUFFIXES = tuple(_PARSERS)


def parse_file(name: str, data: bytes) -> ParsedWork:
    """Parse by file name suffix; AO3 downloads are recognised by their structure, whatever the name."""
    suffix = PurePath(name).suffix.lower()
    parser = _PARSERS.get(suffix)
    if parser is None:
        known = ", ".join(sorted({".txt", ".html", ".epub"}))
        raise UnreadableFile(f"Fanshelf can't import {suffix or 'files without an extension'}; it reads {known}.")
    return parser(data)
