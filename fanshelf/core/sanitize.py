"""The one HTML policy of the archive (PRODUCT.md "Text"), built on nh3.

Two entry points: `sanitize_text` for chapter text (audio and video allowed from this site or an allowlisted
host) and `sanitize_notes` for summaries and notes. Both turn plain text into paragraphs first.

Cleaning time is bounded. html5ever, under nh3, is superlinear on input that costs nothing to send: 200,000
nested `<div>`s took 347 s, 87 KB of `<p><b title=N>x</p>` took 41 s (and gave 156 MB, as the parser reopens
every unclosed formatting element in each paragraph), 40,000 `<span><div></span></div>` took 41 s, and a run of
200,000 `&amp;` in one paragraph 1.1 s (writing `&amp;` and `&nbsp;` back out is quadratic per text node). No
cheap pre-check can tell these apart from real stories without re-implementing HTML tree building, so text longer
than `_INLINE_LIMIT` (where the worst of them takes ~50 ms) is cleaned in a separate process that is killed after
FANSHELF_SANITIZE_SECONDS, and the text is refused as too complex. Callers refuse text far over a field's length
limit before it gets here (works.actions), so a real chapter of 510,000 characters cleans in about 0.2 s.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import nh3
from django.core.exceptions import ValidationError

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


def _allowed_media_hosts() -> frozenset[str]:
    """FANSHELF_MEDIA_HOSTS also feeds CSP media-src, so an entry may be written as a host or as an origin."""
    # Imported here so that the cleaning process (`_child_main`) starts without loading Django.
    from django.conf import settings

    hosts: set[str] = set()
    for entry in settings.FANSHELF_MEDIA_HOSTS:
        host = urlsplit(entry if "//" in entry else f"//{entry}").hostname
        if host:
            hosts.add(host)
    return frozenset(hosts)


def _is_local_or_allowed_media(value: str, media_hosts: frozenset[str]) -> bool:
    value = value.strip()
    # Browsers read "\\" as "/" and drop tabs and newlines, so "/\\evil.example" would load from another host.
    if "\\" in value or any(ord(char) < 0x20 for char in value):
        return False
    parts = urlsplit(value)
    if not parts.scheme and not parts.netloc:
        return value.startswith("/")
    return parts.scheme.lower() == "https" and (parts.hostname or "") in media_hosts


def _attribute_filter(media_hosts: frozenset[str]) -> Callable[[str, str, str], str | None]:
    def filter_attribute(element: str, attribute: str, value: str) -> str | None:
        if attribute == "class":
            kept = [name for name in value.split() if _SIMPLE_CLASS.match(name)]
            return " ".join(kept) or None
        if attribute in _CHECKED_URL_ATTRIBUTES:
            return value if _is_safe_link(value) else None
        if element == "img" and attribute == "src":
            return value if _is_http_url(value) else None
        if element in _MEDIA_TAGS and attribute in _MEDIA_SRC_ATTRIBUTES:
            return value if _is_local_or_allowed_media(value, media_hosts) else None
        return value

    return filter_attribute


@lru_cache(maxsize=8)
def _cleaner(allow_media: bool, media_hosts: frozenset[str]) -> nh3.Cleaner:
    tags = _BASE_TAGS | (_MEDIA_TAGS if allow_media else set())
    attributes = {tag: set(attrs) for tag, attrs in _ELEMENT_ATTRIBUTES.items() if tag in tags}
    attributes["*"] = set(_GENERIC_ATTRIBUTES)
    return nh3.Cleaner(
        tags=tags,
        clean_content_tags=_DROP_WITH_CONTENT,
        attributes=attributes,
        attribute_filter=_attribute_filter(media_hosts),
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


class TextTooComplex(ValidationError):
    """Text whose markup could not be cleaned within FANSHELF_SANITIZE_SECONDS."""


# The worst inputs measured (see the module docstring) clean in about 50 ms at this length, so shorter text, such
# as most summaries and notes, is cleaned here rather than paying ~40 ms to start a process.
_INLINE_LIMIT = 4_000
_PROJECT_ROOT = Path(__file__).resolve().parents[2]
_TOO_COMPLEX = (
    "This text's HTML is too complex to clean in time: it has deeply nested or unclosed tags, or very long runs "
    "of entities. Simplify the HTML, or paste the story as plain text."
)


def _clean_in_process(source: str, allow_media: bool, media_hosts: frozenset[str]) -> str:
    """Clean in a fresh process that is killed once its time is up, as nothing can stop nh3 from outside."""
    from django.conf import settings

    command = [sys.executable, "-m", "fanshelf.core.sanitize", "text" if allow_media else "notes", *media_hosts]
    try:
        # S603: the command is this module run by this Python; the text goes through a pipe, never a shell.
        done = subprocess.run(  # noqa: S603
            command,
            input=source.encode(),
            capture_output=True,
            timeout=settings.FANSHELF_SANITIZE_SECONDS,
            cwd=_PROJECT_ROOT,
            check=False,
        )
    except subprocess.TimeoutExpired:  # subprocess.run has killed it
        raise TextTooComplex(_TOO_COMPLEX, code="too_complex") from None
    if done.returncode != 0:
        raise RuntimeError(f"the HTML cleaning process failed: {done.stderr.decode(errors='replace')[-2000:]}")
    return done.stdout.decode()


def _child_main(arguments: list[str]) -> None:
    """`python -m fanshelf.core.sanitize text|notes [media hosts...]`: HTML on stdin, clean HTML on stdout."""
    source = sys.stdin.buffer.read().decode()
    cleaned = _cleaner(arguments[0] == "text", frozenset(arguments[1:])).clean(source)
    sys.stdout.buffer.write(cleaned.encode())


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
    media_hosts = _allowed_media_hosts() if allow_media else frozenset()
    if len(source) <= _INLINE_LIMIT:
        cleaned = _cleaner(allow_media, media_hosts).clean(source)
    else:
        cleaned = _clean_in_process(source, allow_media, media_hosts)
    # html5ever writes U+00A0 as "&nbsp;"; keep the character itself, as typed (it means the same in HTML).
    return cleaned.strip().replace("&nbsp;", "\u00a0")


def sanitize_text(text: str) -> str:
    """Chapter text: the allowlist plus audio and video from this site or an allowlisted host."""
    return _clean(text, allow_media=True)


def sanitize_notes(text: str) -> str:
    """Summaries, notes and anything else that keeps HTML outside chapter text."""
    return _clean(text, allow_media=False)


if __name__ == "__main__":
    _child_main(sys.argv[1:])
