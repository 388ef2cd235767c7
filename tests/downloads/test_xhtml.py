"""The rewrite of sanitized HTML into XHTML: well-formed, valid for e-readers, and never loses a word."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fanshelf.core.sanitize import sanitize_text
from fanshelf.downloads.xhtml import to_xhtml, xml_text
from tests.downloads.conftest import ARABIC, CJK, HEBREW, ODD_MARKUP, TYPOGRAPHY, html_text

BASE = "https://archive.example.org/works/7/"


def rewrite(markup: str, *, offline: bool = True) -> str:
    return to_xhtml(markup, base_url=BASE, offline=offline)


def parse(fragment: str) -> ET.Element:
    return ET.fromstring(f"<div>{fragment}</div>")  # noqa: S314 (our own output, checked for well-formedness)


@pytest.mark.parametrize(
    "markup", [TYPOGRAPHY, CJK, HEBREW, ARABIC, ODD_MARKUP], ids=["typography", "cjk", "hebrew", "arabic", "odd"]
)
def test_rewritten_text_is_well_formed_xml_with_the_same_text(markup: str) -> None:
    clean = sanitize_text(markup)
    out = rewrite(clean, offline=False)
    parse(out)
    assert html_text(out) == html_text(clean)


def test_void_elements_are_closed() -> None:
    assert rewrite("<p>a<br>b<hr></p>") == "<p>a<br/>b</p>"
    assert rewrite("<p>a</p><hr>") == "<p>a</p><hr/>"


def test_obsolete_elements_become_their_html5_equivalents() -> None:
    out = rewrite('<center>c</center><p><tt>t</tt><big>b</big><strike>s</strike><acronym title="x">a</acronym></p>')
    assert out == (
        '<div style="text-align: center">c</div><p><code>t</code><span style="font-size: larger">b</span>'
        '<s>s</s><abbr title="x">a</abbr></p>'
    )


def test_obsolete_attributes_become_styles_or_are_dropped() -> None:
    out = rewrite('<table border="1" summary="s"><tr><td width="9" valign="top" align="right">c</td></tr></table>')
    assert out == '<table><tr><td style="vertical-align: top; text-align: right">c</td></tr></table>'


def test_a_block_inside_a_paragraph_becomes_a_span() -> None:
    assert rewrite("<p>a <span><p>b</p><div>c</div></span></p>") == "<p>a <span><span>b</span><span>c</span></span></p>"


def test_text_and_paragraphs_directly_inside_a_list_become_list_items() -> None:
    assert rewrite("<ul><p>one</p>two<li>three</li>\n</ul>") == "<ul><li>one</li><li>two</li><li>three</li>\n</ul>"


def test_list_items_and_definitions_outside_their_lists_become_divisions() -> None:
    assert rewrite("<li>a</li><dd>b</dd><p>c</p>") == "<div>a</div><div>b</div><p>c</p>"


def test_description_lists_start_with_a_term_and_end_with_a_description() -> None:
    assert rewrite("<dl>c<dt>d</dt></dl>") == "<dl><dt></dt><dd>c</dd><dt>d</dt><dd></dd></dl>"


def test_ruby_ends_with_an_annotation_and_fallback_parentheses_join_the_base() -> None:
    assert rewrite("<ruby>漢<rp>(</rp><rt>かん</rt><rp>)</rp></ruby>") == (
        "<ruby>漢<span>(</span><rt>かん</rt><span>)</span><rt></rt></ruby>"
    )
    assert rewrite("<ruby><rt>no base</rt></ruby>") == "<ruby><span>no base</span><rt></rt></ruby>"


def test_definitions_and_headings_go_only_where_allowed() -> None:
    assert rewrite("<dfn>a<dfn>b</dfn></dfn>") == "<dfn>a<span>b</span></dfn>"
    assert rewrite("<table><tr><th><h2>h</h2></th></tr></table>") == "<table><tr><th><div>h</div></th></tr></table>"
    assert rewrite("<address><h3>x</h3><address>y</address></address>") == (
        "<address><div>x</div><div>y</div></address>"
    )


def test_a_figure_caption_that_is_not_first_becomes_a_division() -> None:
    assert rewrite("<figure><figcaption>a</figcaption><p>b</p><figcaption>c</figcaption></figure>") == (
        "<figure><figcaption>a</figcaption><p>b</p><div>c</div></figure>"
    )


def test_a_link_inside_a_link_becomes_a_span() -> None:
    out = rewrite('<a href="https://a.example/">x<a href="https://b.example/">y</a></a>')
    assert out == '<a href="https://a.example/">x<span>y</span></a>'


def test_relative_links_become_absolute_and_in_page_links_lose_their_target() -> None:
    out = rewrite('<a href="/tags/x/works/">t</a><a href="../8/">n</a><a href="#fn1">f</a><a href="http://[bad">b</a>')
    assert out == (
        '<a href="https://archive.example.org/tags/x/works/">t</a>'
        '<a href="https://archive.example.org/works/8/">n</a><a>f</a><a>b</a>'
    )


def test_links_with_spaces_and_non_ascii_become_valid_uris() -> None:
    assert rewrite('<a href="https://example.org/a b/ü">x</a>') == '<a href="https://example.org/a%20b/%C3%BC">x</a>'


def test_offline_documents_leave_out_images_and_media_with_their_fallback_text() -> None:
    markup = '<p>a<img src="https://i.example/x.png" alt="x">b</p><audio src="/a.mp3" controls>fallback</audio><p>c</p>'
    assert rewrite(markup) == "<p>ab</p><p>c</p>"
    online = rewrite(markup, offline=False)
    assert '<img src="https://i.example/x.png" alt="x"/>' in online
    assert '<audio src="https://archive.example.org/a.mp3" controls="controls">fallback</audio>' in online


def test_characters_xml_forbids_are_removed() -> None:
    assert rewrite("<p>a\x01b\x0bc\ufffe</p>") == "<p>abc</p>"


def test_text_is_escaped_and_attributes_are_quoted() -> None:
    assert rewrite('<p title="a &quot;b&quot; &lt;c&gt;">1 &lt; 2 &amp;&amp; 3 &gt; 2</p>') == (
        '<p title="a &quot;b&quot; &lt;c&gt;">1 &lt; 2 &amp;&amp; 3 &gt; 2</p>'
    )


def test_direction_and_language_are_kept_when_valid() -> None:
    assert rewrite('<p dir="RTL" lang="he">א</p><p dir="sideways" lang="not a tag">b</p>') == (
        '<p dir="rtl" lang="he">א</p><p>b</p>'
    )


def test_stray_end_tags_are_ignored_and_open_elements_closed() -> None:
    assert rewrite("</em><p>a<em>b") == "<p>a<em>b</em></p>"


_MARKUP = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "<p>",
                "</p>",
                "<em>",
                "</em>",
                "<ul>",
                "</ul>",
                "<li>",
                "<div>",
                "</div>",
                "<br>",
                "<a href='/x'>",
                "</a>",
                "<table><tr><td>",
                "</td></tr></table>",
                "<center>",
                "<span>",
                "</span>",
                "<dl>",
                "<dt>",
                "<h1>",
                "</h1>",
                "<details><summary>",
                "</summary>",
                "<ruby>",
                "<rt>",
                "</ruby>",
                "<blockquote>",
            ]
        ),
        st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12),
    ),
    max_size=30,
)


@settings(max_examples=150, deadline=None)
@given(_MARKUP)
def test_any_sanitized_text_rewrites_to_well_formed_xml_with_every_word(parts: list[str]) -> None:
    clean = sanitize_text("".join(parts) + " and ten more characters")
    out = rewrite(clean, offline=False)
    parse(out)
    # Characters XML cannot hold (U+001F and the like) are the only ones a download leaves out.
    assert html_text(out) == html_text(xml_text(clean))


def test_characters_xml_forbids_are_dropped_even_where_python_counts_them_as_whitespace() -> None:
    out = rewrite("<p>\x1f</p><p>\x1c \x1d\x1e text</p>")
    parse(out)
    assert out == "<p></p><p>  text</p>"
