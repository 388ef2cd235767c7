"""The one HTML policy of the archive (PRODUCT.md "Text"), built on nh3.

Two entry points: `sanitize_text` for chapter text (audio and video allowed from this site or an allowlisted
host) and `sanitize_notes` for summaries and notes. Both turn plain text into paragraphs first.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from urllib.parse import urlsplit

import nh3
from django.conf import settings

# PRODUCT.md "Text": the allowlist close to AO3's, one readable row at a time.
_ALLOWED_TAG_NAMES = (
    "a abbr acronym address b big blockquote br caption center cite code col colgroup details dd del dfn div "
    "dl dt em figcaption figure h1 h2 h3 h4 h5 h6 hr i img ins kbd li ol p pre q rp rt ruby s samp small span "
    "strike strong sub summary sup table tbody td tfoot th thead tr tt u ul var"
)
_BASE_TAGS = set(_ALLOWED_TAG_NAMES.split())
_MEDIA_TAGS = {"audio", "video", "source", "track"}
_GENERIC_ATTRIBUTES = {"align", "dir", "lang", "title", "class"}
_ELEMENT_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start", "type"},
    "ul": {"type"},
    "li": {"value"},
    "td": {"colspan", "rowspan", "width", "height", "valign"},
    "th": {"colspan", "rowspan", "width", "height", "valign", "scope"},
    "col": {"span", "width"},
    "colgroup": {"span", "width"},
    "table": {"summary", "width", "border"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "details": {"open"},
    "audio": {"src", "controls", "preload", "loop"},
    "video": {"src", "controls", "preload", "loop", "width", "height", "poster"},
    "source": {"src", "type"},
    "track": {"src", "kind", "label", "srclang", "default"},
}
# Removed together with everything inside them, not just unwrapped.
_DROP_WITH_CONTENT = {
    "script",
    "style",
    "svg",
    "math",
    "iframe",
    "object",
    "embed",
    "noscript",
    "template",
    "textarea",
    "select",
    "title",
    "head",
    "frame",
    "frameset",
    "noembed",
    "xmp",
    "plaintext",
}
_SIMPLE_CLASS = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
_LOOKS_LIKE_HTML = re.compile(r"<\s*/?\s*[A-Za-z][A-Za-z0-9]*(\s[^<>]*)?/?>")
# Markup that lays out its own paragraphs; text without any of these still gets one paragraph per line.
_BLOCK_MARKUP = re.compile(
    r"<\s*(?:p|div|br|blockquote|h[1-6]|ul|ol|dl|table|pre|hr|address|center|details|figure|audio|video)\b",
    re.IGNORECASE,
)
_MEDIA_SRC_ATTRIBUTES = {"src", "poster"}


_URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_LINK_SCHEMES = {"http", "https", "mailto"}
# Attributes holding an address that nh3 does not check itself.
_CHECKED_URL_ATTRIBUTES = {"cite"}


def _scheme(value: str) -> str | None:
    """The scheme a browser would read: it trims controls and spaces and skips tabs and newlines inside."""
    cleaned = re.sub(r"[\t\n\r]", "", value.strip("".join(chr(code) for code in range(0x21))))
    match = _URL_SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def _is_http_url(value: str) -> bool:
    return _scheme(value) in {"http", "https"}


def _is_safe_link(value: str) -> bool:
    scheme = _scheme(value)
    return scheme is None or scheme in _LINK_SCHEMES


def _allowed_media_hosts() -> set[str]:
    """FANSHELF_MEDIA_HOSTS also feeds CSP media-src, so an entry may be written as a host or as an origin."""
    hosts: set[str] = set()
    for entry in settings.FANSHELF_MEDIA_HOSTS:
        host = urlsplit(entry if "//" in entry else f"//{entry}").hostname
        if host:
            hosts.add(host)
    return hosts


def _is_local_or_allowed_media(value: str) -> bool:
    value = value.strip()
    # Browsers read "\\" as "/" and drop tabs and newlines, so "/\\evil.example" would load from another host.
    if "\\" in value or any(ord(char) < 0x20 for char in value):
        return False
    parts = urlsplit(value)
    if not parts.scheme and not parts.netloc:
        return value.startswith("/")
    return parts.scheme.lower() == "https" and (parts.hostname or "") in _allowed_media_hosts()


def _filter_attribute(element: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        kept = [name for name in value.split() if _SIMPLE_CLASS.match(name)]
        return " ".join(kept) or None
    if attribute in _CHECKED_URL_ATTRIBUTES:
        return value if _is_safe_link(value) else None
    if element == "img" and attribute == "src":
        return value if _is_http_url(value) else None
    if element in _MEDIA_TAGS and attribute in _MEDIA_SRC_ATTRIBUTES:
        return value if _is_local_or_allowed_media(value) else None
    return value


@lru_cache(maxsize=2)
def _cleaner(allow_media: bool) -> nh3.Cleaner:
    tags = _BASE_TAGS | (_MEDIA_TAGS if allow_media else set())
    attributes = {tag: set(attrs) for tag, attrs in _ELEMENT_ATTRIBUTES.items() if tag in tags}
    attributes["*"] = set(_GENERIC_ATTRIBUTES)
    return nh3.Cleaner(
        tags=tags,
        clean_content_tags=_DROP_WITH_CONTENT,
        attributes=attributes,
        attribute_filter=_filter_attribute,
        url_schemes=_LINK_SCHEMES,
        link_rel="nofollow",
        strip_comments=True,
    )


def looks_like_html(text: str) -> bool:
    return bool(_LOOKS_LIKE_HTML.search(text))


def _lines_to_paragraphs(text: str, escape: bool) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(
        f"<p>{html.escape(line.strip(), quote=False) if escape else line.strip()}</p>" for line in lines if line.strip()
    )


def plain_text_to_html(text: str) -> str:
    """Each non-empty line becomes a paragraph, as in the typical pasted story; every character is kept."""
    return _lines_to_paragraphs(text, escape=True)


def _clean(text: str, allow_media: bool) -> str:
    if not text.strip():
        return ""
    if not looks_like_html(text):
        source = plain_text_to_html(text)
    elif _BLOCK_MARKUP.search(text):
        source = text
    else:
        # A pasted story with only inline markup (<em>, <b>, ...) still means its line breaks, as on AO3.
        source = _lines_to_paragraphs(text, escape=False)
    # html5ever writes U+00A0 as "&nbsp;"; keep the character itself, as typed (it means the same in HTML).
    return _cleaner(allow_media).clean(source).strip().replace("&nbsp;", "\u00a0")


def sanitize_text(text: str) -> str:
    """Chapter text: the allowlist plus audio and video from this site or an allowlisted host."""
    return _clean(text, allow_media=True)


def sanitize_notes(text: str) -> str:
    """Summaries, notes and anything else that keeps HTML outside chapter text."""
    return _clean(text, allow_media=False)
