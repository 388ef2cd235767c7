"""Plain text: each non-empty line is a paragraph, and every character is kept."""

from __future__ import annotations

from fanshelf.core.sanitize import plain_text_to_html
from fanshelf.imports.parsers.base import ParsedChapter, ParsedWork, UnreadableFile, check_size, clean_text, decode_text


def parse_text(data: bytes) -> ParsedWork:
    check_size(data)
    text = decode_text(data).replace("\x00", "")
    if not text.strip():
        raise UnreadableFile("The file has no text in it.")
    # Converted here rather than left to the sanitizer's guess, so a story that mentions <tags> stays plain text.
    return ParsedWork(chapters=[ParsedChapter(text=clean_text(plain_text_to_html(text)))], format="text")
