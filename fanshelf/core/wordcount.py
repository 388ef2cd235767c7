"""Word count per PRODUCT.md: text nodes only, hyphens and apostrophes join words, one word per CJK/Thai char."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from html.parser import HTMLParser

# Scripts written without spaces between words: each character counts as one word.
_THAI_CHARACTERS = "\u0e00-\u0e7f"
_KANA = "\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff"
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_PER_CHARACTER = _THAI_CHARACTERS + _KANA + _HAN
_WORD_CHAR = rf"[^\W{_PER_CHARACTER}]"
# Apostrophes and hyphens join the letters around them; so do the zero-width (non-)joiners of Persian and Indic text.
_JOINERS = "'\u2019\u02bc\\-\u2010\u2011\u200c\u200d"
_WORD = re.compile(rf"[{_PER_CHARACTER}]|{_WORD_CHAR}+(?:[{_JOINERS}]{_WORD_CHAR}+)*")
_THAI = range(0x0E00, 0x0E80)


@cache
def _drop_combining_marks() -> dict[int, None]:
    """A str.translate table removing combining marks (vowel signs, viramas, niqqud, harakat, accents) outside Thai.

    Python's `\\w` does not match marks, so without this "हिन्दी" would split into three words. Thai keeps its marks:
    as on AO3, every Thai code point is a word of its own.
    """
    candidates = [*range(0x30000), *range(0xE0100, 0xE01F0)]
    return dict.fromkeys(c for c in candidates if c not in _THAI and unicodedata.category(chr(c)).startswith("M"))


class _TextNodes(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(markup: str, separator: str = " ") -> str:
    """The text nodes of a fragment. The default separator keeps adjacent elements from fusing into one word;
    "" gives the text exactly as a reader sees it run together."""
    parser = _TextNodes()
    parser.feed(markup)
    parser.close()
    return separator.join(parser.parts)


def count_words_in_text(text: str) -> int:
    if not text.isascii():
        # A mark belongs to the letter before it; dropping it lets that letter and the next stay one word.
        text = text.translate(_drop_combining_marks())
    return sum(1 for _ in _WORD.finditer(text))


def count_words(markup: str) -> int:
    return count_words_in_text(html_to_text(markup))
