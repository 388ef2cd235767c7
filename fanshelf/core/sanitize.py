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

_BASE_TAGS = set(  # noqa: SIM905 - one readable line per row of the allowlist
    (
        "a abbr acronym address b big blockquote br caption center cite code col colgroup details dd del dfn div "
        "dl dt em figcaption figure h1 h2 h3 h4 h5 h6 hr i img ins kbd li ol p pre q rp rt ruby s samp small span "
        "strike strong sub summary sup table tbody td tfoot th thead tr tt u ul var"
    ).split()
)
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
_MEDIA_SRC_ATTRIBUTES = {"src", "poster"}


def _is_http_url(value: str) -> bool:
    return urlsplit(value.strip()).scheme.lower() in {"http", "https"}


def _is_local_or_allowed_media(value: str) -> bool:
    parts = urlsplit(value.strip())
    if not parts.scheme and not parts.netloc:
        return value.strip().startswith("/")
    return parts.scheme.lower() == "https" and (parts.hostname or "") in set(settings.FANSHELF_MEDIA_HOSTS)


def _filter_attribute(element: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        kept = [name for name in value.split() if _SIMPLE_CLASS.match(name)]
        return " ".join(kept) or None
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
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow",
        strip_comments=True,
    )


def looks_like_html(text: str) -> bool:
    return bool(_LOOKS_LIKE_HTML.search(text))


def plain_text_to_html(text: str) -> str:
    """Each non-empty line becomes a paragraph, as in the typical pasted story; every character is kept."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(f"<p>{html.escape(line.strip(), quote=False)}</p>" for line in lines if line.strip())


def _clean(text: str, allow_media: bool) -> str:
    if not text.strip():
        return ""
    source = text if looks_like_html(text) else plain_text_to_html(text)
    return _cleaner(allow_media).clean(source).strip()


def sanitize_text(text: str) -> str:
    """Chapter text: the allowlist plus audio and video from this site or an allowlisted host."""
    return _clean(text, allow_media=True)


def sanitize_notes(text: str) -> str:
    """Summaries, notes and anything else that keeps HTML outside chapter text."""
    return _clean(text, allow_media=False)
