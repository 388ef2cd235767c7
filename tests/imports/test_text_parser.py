"""Plain text: each non-empty line a paragraph; every character kept exactly."""

from __future__ import annotations

import codecs

import pytest

from fanshelf.imports.parsers import UnreadableFile, parse_file

TYPOGRAPHY = "“Curly” ‘quotes’ — em – en … 日本語 עברית العربية ไทย 😀"


def _paragraphs(data: bytes) -> str:
    return parse_file("story.txt", data).chapters[0].text


def test_each_non_empty_line_becomes_one_paragraph() -> None:
    text = "First line.\nSecond line.\n\n\nThird, after blank lines.\r\nFourth, after CRLF.\rFifth, after CR."
    assert _paragraphs(text.encode()) == (
        "<p>First line.</p>\n<p>Second line.</p>\n<p>Third, after blank lines.</p>\n"
        "<p>Fourth, after CRLF.</p>\n<p>Fifth, after CR.</p>"
    )


def test_text_without_any_line_break_stays_one_paragraph() -> None:
    sentence = "One long paragraph with no line breaks at all, " * 200
    assert _paragraphs(sentence.encode()) == f"<p>{sentence.strip()}</p>"


def test_typographic_characters_and_scripts_survive_character_for_character() -> None:
    assert _paragraphs(TYPOGRAPHY.encode()) == f"<p>{TYPOGRAPHY}</p>"


def test_right_to_left_text_and_direction_marks_survive() -> None:
    line = "\u200fשלום, עולם!\u200e and back — \u202bمرحبا\u202c"
    assert _paragraphs(line.encode()) == f"<p>{line}</p>"


def test_a_utf8_byte_order_mark_is_dropped_and_the_rest_kept() -> None:
    assert _paragraphs(codecs.BOM_UTF8 + TYPOGRAPHY.encode()) == f"<p>{TYPOGRAPHY}</p>"


def test_utf16_with_a_byte_order_mark_is_read() -> None:
    assert _paragraphs(TYPOGRAPHY.encode("utf-16")) == f"<p>{TYPOGRAPHY}</p>"


def test_markup_characters_in_plain_text_are_kept_as_text_not_html() -> None:
    line = 'She typed <b>bold</b> & <script>alert("x")</script> 5 < 6 > 4'
    text = _paragraphs(line.encode())
    assert text == (
        '<p>She typed &lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;alert("x")&lt;/script&gt; 5 &lt; 6 &gt; 4</p>'
    )


def test_text_that_is_not_utf8_is_a_clear_error() -> None:
    with pytest.raises(UnreadableFile, match=r"not UTF-8 text \(byte 3 is not valid UTF-8\)"):
        parse_file("story.txt", "café".encode("latin-1"))


def test_an_empty_file_is_a_clear_error() -> None:
    with pytest.raises(UnreadableFile, match="no text"):
        parse_file("story.txt", b"\n \n\t")


def test_a_file_of_an_unknown_kind_is_a_clear_error() -> None:
    with pytest.raises(UnreadableFile, match=r"can't import \.docx"):
        parse_file("story.docx", b"PK...")
