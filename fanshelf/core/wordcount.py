"""Word count per PRODUCT.md: text nodes only, hyphens and apostrophes join words, one word per CJK/Thai char."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_PER_CHARACTER = (
    "\u0e00-\u0e7f\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
)
_WORD_CHAR = rf"[^\W{_PER_CHARACTER}]"
_JOINERS = "'\u2019\u02bc\\-\u2010\u2011"
_WORD = re.compile(rf"[{_PER_CHARACTER}]|{_WORD_CHAR}+(?:[{_JOINERS}]{_WORD_CHAR}+)*")


class _TextNodes(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(markup: str) -> str:
    """The text nodes of a fragment, separated so that adjacent elements never fuse into one word."""
    parser = _TextNodes()
    parser.feed(markup)
    parser.close()
    return " ".join(parser.parts)


def count_words_in_text(text: str) -> int:
    return sum(1 for _ in _WORD.finditer(text))


def count_words(markup: str) -> int:
    return count_words_in_text(html_to_text(markup))
