"""Sanitized chapter and notes HTML rewritten as XHTML that e-readers, WeasyPrint and epubcheck all accept.

The input has already passed the archive's sanitizer (`core/sanitize.py`), so it holds only allowlisted elements
and attributes. What is left to fix for a download:

- XML well-formedness: void elements closed, every open element closed, XML-illegal characters removed.
- HTML4 leftovers the allowlist keeps for AO3 compatibility (center, big, tt, strike, acronym; align, width,
  valign, border, summary attributes) become their HTML5 equivalents, since epubcheck rejects them.
- Content models the HTML parser does not repair: a block inside a paragraph or an inline element, a paragraph
  directly inside a list, text directly inside a list, a list item outside a list, a link inside a link. The
  element is renamed to one that is allowed there; text is never dropped.
- Links become absolute, since a downloaded file has no site around it. In offline documents (EPUB and PDF)
  images and audio/video are left out: EPUB may not reference remote resources, and the PDF builder must not
  fetch anything from the network while rendering.

The rewrite streams through the standard library's HTML tokenizer: no tree is built, which keeps a
500,000-word work well inside its time budget.
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.utils.encoding import iri_to_uri

VOID_ELEMENTS = frozenset("area base br col embed hr img input link meta source track wbr".split())  # noqa: SIM905
# Obsolete elements in the sanitizer's allowlist and the HTML5 element (with a class or style) that replaces each.
_RENAMED = {
    "acronym": ("abbr", None),
    "big": ("span", "font-size: larger"),
    "center": ("div", "text-align: center"),
    "strike": ("s", None),
    "tt": ("code", None),
    # Collapsible sections make no sense on paper or most e-readers: they are shown open.
    "details": ("div", None),
    "summary": ("div", None),
}
_MEDIA_ELEMENTS = frozenset({"audio", "video"})
_PHRASING_NAMES = (
    "a abbr b bdi bdo br cite code data del dfn em i img ins kbd mark q ruby s samp small span strong sub sup "
    "time u var wbr audio video"
)
_PHRASING = frozenset(_PHRASING_NAMES.split())
_TRANSPARENT = frozenset({"a", "ins", "del"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Elements that may not contain another of their kind.
_NOT_NESTED = frozenset({"a", "dfn", "address"})
_TABLE_PARTS = frozenset({"table", "thead", "tbody", "tfoot", "tr", "colgroup"})
_ALIGNMENTS = frozenset({"left", "right", "center", "justify"})
_VERTICAL_ALIGNMENTS = frozenset({"top", "middle", "bottom", "baseline"})
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")
_INTEGER = re.compile(r"^-?\d{1,9}$")
_POSITIVE = re.compile(r"^[1-9]\d{0,3}$")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class _Context(enum.Enum):
    """What the currently open element may contain."""

    FLOW = "flow"
    PHRASING = "phrasing"
    RUBY = "ruby"
    LIST = "list"
    DEFINITIONS = "definitions"
    TABLE = "table"


@dataclass
class _Open:
    source: str
    output: str | None  # None: the element itself is left out (its text is kept unless `skipping`)
    context: _Context
    skipping: bool = False
    last_child: str = ""  # output name of the last child element written, "#text" for text
    children: set[str] = field(default_factory=set)


def xml_text(value: str) -> str:
    """Text with the characters XML 1.0 forbids removed (they can arrive in pasted text)."""
    return _XML_ILLEGAL.sub("", value)


def _escape(value: str, quote: bool = False) -> str:
    value = xml_text(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value.replace('"', "&quot;") if quote else value


def absolute_link(href: str, base_url: str) -> str | None:
    """An absolute, valid URI for a link in a downloaded file, or None when it can only point inside the page."""
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    try:
        absolute = urljoin(base_url, href)
        parts = urlsplit(absolute)
    except ValueError:
        return None
    if parts.scheme not in {"http", "https", "mailto"}:
        return None
    return iri_to_uri(absolute)


def _own_context(element: str, parent: _Context) -> _Context:
    if element in _TRANSPARENT:
        return parent
    if element in {"ul", "ol"}:
        return _Context.LIST
    if element == "dl":
        return _Context.DEFINITIONS
    if element in _TABLE_PARTS:
        return _Context.TABLE
    if element == "ruby":
        return _Context.RUBY
    if element in _PHRASING or element in _HEADINGS or element in {"p", "pre", "rt"}:
        return _Context.PHRASING
    return _Context.FLOW


class _XhtmlWriter(HTMLParser):
    def __init__(self, *, offline: bool, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.offline = offline
        self.base_url = base_url
        self.out: list[str] = []
        self.stack: list[_Open] = []
        self.skipping = 0
        self.open_elements: Counter[str] = Counter()

    # Tokens -----------------------------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        parent = self.stack[-1] if self.stack else None
        parent_context = parent.context if parent else _Context.FLOW
        if self.skipping or (self.offline and (tag == "img" or tag in _MEDIA_ELEMENTS or tag in {"source", "track"})):
            if tag not in VOID_ELEMENTS:
                self._push(_Open(tag, None, parent_context, skipping=True))
            return
        renamed, style = _RENAMED.get(tag, (tag, None))
        output = self._placed(renamed, parent)
        if output is None:
            return
        self._child_written(parent, output)
        attributes = self._attributes(tag, output, attrs, parent.output if parent else None, style)
        if tag in VOID_ELEMENTS:
            self.out.append(f"<{output}{attributes}/>")
            return
        self.out.append(f"<{output}{attributes}>")
        self._push(_Open(tag, output, _own_context(output, parent_context)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if not any(element.source == tag for element in self.stack):
            return  # a stray end tag: nothing to close
        while self.stack:
            element = self._pop()
            if element.source == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.skipping or not data:
            return
        parent = self.stack[-1] if self.stack else None
        wrapper = {_Context.LIST: "li", _Context.DEFINITIONS: "dd"}.get(parent.context) if parent else None
        if not data.strip():
            # Python counts U+001C to U+001F as whitespace; XML forbids them, so they are dropped here too.
            self.out.append(xml_text(data))
        elif wrapper:
            self._child_written(parent, wrapper)
            self.out.append(f"<{wrapper}>{_escape(data)}</{wrapper}>")
        else:
            # Text directly inside a table cannot reach here: the sanitizer's HTML parser moves it out.
            self._child_written(parent, "#text")
            self.out.append(_escape(data))

    def close_all(self) -> str:
        self.close()
        while self.stack:
            self._pop()
        return "".join(self.out)

    # Content models ---------------------------------------------------------------------------------------

    def _placed(self, element: str, parent: _Open | None) -> str | None:
        """The element to write where `element` appears, or None when a void element has no place there."""
        context = parent.context if parent else _Context.FLOW
        void = element in VOID_ELEMENTS
        if element in _NOT_NESTED and self.open_elements[element]:
            element = "span" if element in _PHRASING else "div"
        if element in _HEADINGS and (self.open_elements["address"] or self.open_elements["th"]):
            element = "div"
        if context is _Context.LIST:
            return "li" if element == "li" or not void else None
        if context is _Context.DEFINITIONS:
            return element if element in {"dt", "dd"} else None if void else "dd"
        if context is _Context.RUBY and element == "rt":
            # An annotation needs a base before it; without one its text becomes the base.
            return element if parent and parent.children - {"rt"} else "span"
        if context in {_Context.PHRASING, _Context.RUBY} and element not in _PHRASING:
            return None if void else "span"
        if element in {"li", "dt", "dd"}:
            return "div"
        if element in {"rt", "rp"}:
            # Fallback parentheses (rp) are only valid in an exact rp-rt-rp run, which a stream cannot know: their
            # text stays, as part of the base.
            return "span"
        if element == "figcaption" and (parent is None or parent.output != "figure" or parent.children):
            return "div"  # a caption must be its figure's first child (or last, which a stream cannot know)
        return element

    def _child_written(self, parent: _Open | None, child: str) -> None:
        if parent is None:
            return
        if child == "dd" and parent.context is _Context.DEFINITIONS and "dt" not in parent.children:
            self.out.append("<dt></dt>")  # a description list starts with a term; an empty one adds no text
            parent.children.add("dt")
        parent.last_child = child
        parent.children.add(child)

    # Helpers ----------------------------------------------------------------------------------------------

    def _push(self, element: _Open) -> None:
        self.stack.append(element)
        self.skipping += element.skipping
        if element.output:
            self.open_elements[element.output] += 1

    def _pop(self) -> _Open:
        element = self.stack.pop()
        self.skipping -= element.skipping
        if element.output:
            self.open_elements[element.output] -= 1
        # Content models that need a closing part: empty ones add no text.
        if element.output == "ruby" and element.last_child != "rt":
            self.out.append("<rt></rt>")
        if element.output == "dl" and element.last_child == "dt":
            self.out.append("<dd></dd>")
        if element.output is not None:
            self.out.append(f"</{element.output}>")
        return element

    def _attributes(
        self, source: str, output: str, attrs: list[tuple[str, str | None]], parent: str | None, style: str | None
    ) -> str:
        kept: dict[str, str] = {}
        styles = [style] if style else []
        for name, raw in attrs:
            value = (raw or "").strip()
            if name in kept:
                continue
            if (name in {"title", "class"} and value) or (name == "lang" and _LANGUAGE_TAG.match(value)):
                kept[name] = value
            elif name == "dir" and value.lower() in {"ltr", "rtl", "auto"}:
                kept[name] = value.lower()
            elif name == "align" and value.lower() in _ALIGNMENTS:
                styles.append(f"text-align: {value.lower()}")
            elif name == "valign" and value.lower() in _VERTICAL_ALIGNMENTS:
                styles.append(f"vertical-align: {value.lower()}")
            else:
                attribute = self._element_attribute(source, output, name, value, parent)
                if attribute is not None:
                    kept[name] = attribute
        if output == "img":
            kept.setdefault("alt", "")
        if styles:
            kept["style"] = "; ".join(styles)
        return "".join(f' {name}="{_escape(value, quote=True)}"' for name, value in kept.items())

    def _element_attribute(self, source: str, output: str, name: str, value: str, parent: str | None) -> str | None:
        if output != source:
            return None  # a renamed element keeps only the global attributes
        if name == "href" and output == "a":
            return absolute_link(value, self.base_url)
        if name in {"src", "poster"} and output in {"img", "audio", "video", "source", "track"}:
            return absolute_link(value, self.base_url)
        if name == "alt" and output == "img":
            return value
        if name in {"width", "height"} and output in {"img", "video"}:
            return value if _POSITIVE.match(value) else None
        if name == "start" and output == "ol":
            return value if _INTEGER.match(value) else None
        if name == "type" and output == "ol":
            return value if value in {"1", "a", "A", "i", "I"} else None
        if name == "value" and output == "li" and parent == "ol":
            return value if _INTEGER.match(value) else None
        if name in {"colspan", "rowspan"} and output in {"td", "th"}:
            return value if _POSITIVE.match(value) else None
        if name == "span" and output in {"col", "colgroup"}:
            return value if _POSITIVE.match(value) else None
        if name == "scope" and output == "th":
            return value if value in {"row", "col", "rowgroup", "colgroup"} else None
        if name == "cite" and output in {"blockquote", "q"}:
            return absolute_link(value, self.base_url)
        if name in {"controls", "loop"} and output in _MEDIA_ELEMENTS:
            return name
        if name == "preload" and output in _MEDIA_ELEMENTS:
            return value if value in {"none", "metadata", "auto"} else None
        if name in {"type", "kind", "label", "srclang"} and output in {"source", "track"}:
            return value or None
        return None


def to_xhtml(markup: str, *, base_url: str, offline: bool) -> str:
    """`markup` (sanitized HTML) as a well-formed XHTML fragment with the same text.

    `offline` leaves out images and audio/video, for EPUB and PDF. Relative links resolve against `base_url`.
    """
    writer = _XhtmlWriter(offline=offline, base_url=base_url)
    writer.feed(markup)
    return writer.close_all()
