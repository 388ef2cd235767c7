"""A generated EPUB cover: the title, creators and fandoms drawn as SVG text, and the XHTML page that shows it.

SVG rather than a raster image: the reader's own fonts draw the text, so every script (CJK, right-to-left,
combining marks) comes out right without the server holding fonts or shaping text, and the file stays small.
Lines are wrapped here by an estimate of each character's width, since SVG 1.1 text does not wrap itself.
"""

from __future__ import annotations

import unicodedata
from xml.sax.saxutils import escape, quoteattr

WIDTH, HEIGHT = 600, 800
_MARGIN = 48
_TITLE_SIZE, _BYLINE_SIZE, _FANDOM_SIZE = 44, 28, 22
_MAX_TITLE_LINES, _MAX_FANDOM_LINES = 6, 3


def _width_in_ems(text: str) -> float:
    """Roughly how wide `text` is set, in ems: wide (CJK) characters one em, marks nothing, the rest 0.55."""
    total = 0.0
    for char in text:
        if unicodedata.combining(char):
            continue
        total += 1.0 if unicodedata.east_asian_width(char) in "WF" else 0.55
    return total


def wrap(text: str, font_size: int, max_lines: int) -> list[str]:
    """`text` broken into lines that fit the cover at `font_size`, at spaces where there are any; at most
    `max_lines`, the last ending in an ellipsis when text was left out."""
    room = (WIDTH - 2 * _MARGIN) / font_size
    lines: list[str] = []
    line = ""
    # Text without spaces (Chinese, Japanese, Thai) may break between any two characters.
    pieces = text.split() if " " in text.strip() else list(text)
    joiner = " " if " " in text.strip() else ""
    for piece in pieces:
        candidate = f"{line}{joiner}{piece}" if line else piece
        if line and _width_in_ems(candidate) > room:
            lines.append(line)
            line = piece
        else:
            line = candidate
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], lines[max_lines - 1].rstrip(" .,") + "…"]
    return lines


def _text_block(lines: list[str], *, top: int, font_size: int, css_class: str) -> tuple[list[str], int]:
    """SVG text elements for `lines`, centred, starting at `top`; and the y just below them."""
    elements = []
    y = top
    for line in lines:
        y += round(font_size * 1.25)
        elements.append(f'<text class="{css_class}" x="{WIDTH // 2}" y="{y}">{escape(line)}</text>')
    return elements, y


def cover_svg(*, title: str, creators: list[str], fandoms: list[str], site_name: str, language: str, rtl: bool) -> str:
    """The cover image. Anonymous works pass ["Anonymous"] as creators, as everywhere else in the file."""
    title_lines = wrap(title, _TITLE_SIZE, _MAX_TITLE_LINES)
    byline = wrap(f"by {', '.join(creators)}", _BYLINE_SIZE, 2)
    fandom_lines = wrap(", ".join(fandoms), _FANDOM_SIZE, _MAX_FANDOM_LINES)
    parts, y = _text_block(title_lines, top=150, font_size=_TITLE_SIZE, css_class="title")
    byline_parts, y = _text_block(byline, top=y + 30, font_size=_BYLINE_SIZE, css_class="byline")
    fandom_parts, _ = _text_block(fandom_lines, top=y + 40, font_size=_FANDOM_SIZE, css_class="fandom")
    direction = "rtl" if rtl else "ltr"
    style = (
        "text { text-anchor: middle; font-family: serif; fill: #2a2a2a; }"
        f" .title {{ font-size: {_TITLE_SIZE}px; font-weight: bold; }}"
        f" .byline {{ font-size: {_BYLINE_SIZE}px; }}"
        f" .fandom {{ font-size: {_FANDOM_SIZE}px; font-style: italic; fill: #555555; }}"
        " .site { font-size: 18px; fill: #777777; }"
    )
    body = "\n".join([*parts, *byline_parts, *fandom_parts])
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' width="{WIDTH}" height="{HEIGHT}" xml:lang={quoteattr(language)} direction="{direction}">\n'
        f"<title>{escape(title)}</title>\n"
        f"<style>{style}</style>\n"
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#f6f1e7"/>\n'
        f'<rect x="20" y="20" width="{WIDTH - 40}" height="{HEIGHT - 40}" fill="none" stroke="#990000"'
        ' stroke-width="6"/>\n'
        f"{body}\n"
        f'<text class="site" x="{WIDTH // 2}" y="{HEIGHT - 50}" direction="ltr">{escape(site_name)}</text>\n'
        "</svg>\n"
    )


def cover_page(*, image: str, title: str, creators: list[str], language: str, rtl: bool) -> str:
    """The first page of the book: the cover image, described for screen readers."""
    alt = f"{title} by {', '.join(creators)}"
    direction = "rtl" if rtl else "ltr"
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"'
        f" lang={quoteattr(language)} xml:lang={quoteattr(language)} dir={quoteattr(direction)}>\n"
        "<head>\n<title>Cover</title>\n"
        "<style>body { margin: 0; padding: 0; text-align: center; }"
        " img { max-width: 100%; max-height: 100vh; }</style>\n</head>\n"
        f'<body epub:type="cover">\n<img src={quoteattr(image)} alt={quoteattr(alt)}/>\n</body>\n</html>\n'
    )
