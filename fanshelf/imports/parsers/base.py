"""What every parser returns, the error it raises, and the decoding and size rules they share."""

from __future__ import annotations

import codecs
import datetime
import re
from dataclasses import dataclass, field

from fanshelf.core.sanitize import looks_like_html, sanitize_notes, sanitize_text

# A file bigger than this is refused before it is parsed (the web upload has its own, smaller cap).
MAX_FILE_BYTES = 64 * 1024 * 1024

_DECLARED_CHARSET = re.compile(
    rb"""(?:<meta[^>]+charset\s*=\s*["']?|<\?xml[^>]+encoding\s*=\s*["'])\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)


class UnreadableFile(ValueError):
    """A file that cannot be imported; the message says why, in words for the person importing it."""


@dataclass
class ParsedChapter:
    """One chapter as found in a file. Text, summary and notes are sanitized HTML."""

    text: str
    title: str = ""
    summary: str = ""
    notes: str = ""
    end_notes: str = ""


@dataclass
class ParsedWork:
    """Everything a file told us about a work. Empty values mean the file did not say."""

    chapters: list[ParsedChapter]
    title: str = ""
    creators: list[str] = field(default_factory=list)
    rating: str = ""
    warnings: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    fandoms: list[str] = field(default_factory=list)
    relationships: list[str] = field(default_factory=list)
    characters: list[str] = field(default_factory=list)
    freeforms: list[str] = field(default_factory=list)
    language: str = ""
    summary: str = ""
    notes: str = ""
    end_notes: str = ""
    published_on: datetime.date | None = None
    expected_chapters: int | None = 0  # 0: the file did not say; None: unknown ("3/?")
    source_url: str = ""
    format: str = ""


def check_size(data: bytes, limit: int = MAX_FILE_BYTES) -> None:
    if len(data) > limit:
        raise UnreadableFile(f"The file is too big to import ({len(data):,} bytes; the limit is {limit:,}).")


def decode_text(data: bytes, allow_declared: bool = False) -> str:
    """UTF-8 (with or without a byte order mark) or UTF-16 with one; HTML may also declare its charset."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise UnreadableFile("The file starts like UTF-16 text but is not valid UTF-16.") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        declared = _declared_charset(data) if allow_declared else None
        if declared is not None and declared != "utf-8":
            return data.decode(declared, errors="replace")
        raise UnreadableFile(
            f"The file is not UTF-8 text (byte {error.start:,} is not valid UTF-8). "
            "Save it as UTF-8 and import it again."
        ) from None


def _declared_charset(data: bytes) -> str | None:
    match = _DECLARED_CHARSET.search(data[:4096])
    if match is None:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None


def _as_fragment(html: str) -> str:
    # HTML without any tag would be taken for plain text by the sanitizer, and its entities escaped twice.
    return html if not html.strip() or looks_like_html(html) else f"<p>{html.strip()}</p>"


def clean_text(html: str) -> str:
    """Chapter text from a parsed file (already HTML), through the archive's one sanitizing policy."""
    return _as_fragment(sanitize_text(_as_fragment(html)))


def clean_notes(html: str) -> str:
    return _as_fragment(sanitize_notes(_as_fragment(html)))


def one_line(text: str) -> str:
    return " ".join(text.split())
