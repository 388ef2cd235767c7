"""HTML files: the body through the archive's sanitizer, the title from <title> or <h1>."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from fanshelf.imports.parsers import UnreadableFile, parse_file

TYPOGRAPHY = "“Curly” ‘quotes’ — em – en … 日本語 עברית"


def test_body_content_is_kept_and_the_title_taken_from_the_title_element() -> None:
    page = f"<html><head><title>The  Long\nTide</title></head><body><p>{TYPOGRAPHY}</p><p>Two</p></body></html>"
    parsed = parse_file("page.html", page.encode())
    assert parsed.title == "The Long Tide"
    assert parsed.chapters[0].text == f"<p>{TYPOGRAPHY}</p><p>Two</p>"


def test_the_title_falls_back_to_the_first_heading() -> None:
    parsed = parse_file("page.html", b"<body><h1>Heading Title</h1><p>Text of the story.</p></body>")
    assert parsed.title == "Heading Title"


def test_entities_are_decoded_once_and_never_twice() -> None:
    parsed = parse_file("page.htm", b"<body>Fish &amp; chips &lt;3 &mdash; &#8220;yes&#8221;</body>")
    assert parsed.chapters[0].text == "<p>Fish &amp; chips &lt;3 — “yes”</p>"


def test_scripts_styles_and_event_handlers_are_removed_by_the_sanitizer() -> None:
    page = (
        "<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>"
        '<p onclick="steal()">Safe <a href="javascript:alert(1)">link</a></p><svg><script>x</script></svg>'
        '<img src="data:image/png;base64,AAA" alt="x"><iframe src="https://evil.example"></iframe></body></html>'
    )
    text = parse_file("page.html", page.encode()).chapters[0].text
    soup = BeautifulSoup(text, "html.parser")
    assert soup.find_all(["script", "style", "svg", "iframe"]) == []
    assert all(not attr.startswith("on") for tag in soup.find_all(True) for attr in tag.attrs)
    assert "javascript:" not in text
    assert "data:" not in text
    assert "Safe" in soup.get_text()


def test_a_declared_legacy_charset_is_honoured() -> None:
    page = '<html><head><meta charset="windows-1252"></head><body><p>Caf\xe9 \x93quoted\x94</p></body></html>'
    parsed = parse_file("page.html", page.encode("latin-1"))
    assert parsed.chapters[0].text == "<p>Café “quoted”</p>"


def test_undeclared_non_utf8_html_is_a_clear_error() -> None:
    with pytest.raises(UnreadableFile, match="not UTF-8"):
        parse_file("page.html", "<p>Café</p>".encode("latin-1"))


def test_html_without_story_text_is_a_clear_error() -> None:
    with pytest.raises(UnreadableFile, match="no story text"):
        parse_file("page.html", b"<html><head><title>Only a title</title></head><body><script>x</script></body>")


def test_malformed_html_is_read_as_well_as_it_can_be() -> None:
    parsed = parse_file("page.html", b"<p>Unclosed <b>bold <i>and italic<p>Next para</div></span>&bogus; <")
    soup = BeautifulSoup(parsed.chapters[0].text, "html.parser")
    assert "Unclosed bold and italic" in soup.get_text()
    assert "Next para" in soup.get_text()
