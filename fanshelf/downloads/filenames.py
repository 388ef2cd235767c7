"""File names for downloads: the work's title, safe on every filesystem, sent the way every browser reads it."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

# Forbidden on Windows, macOS or Linux, every control character, line and paragraph separators, and the
# bidirectional overrides that can make "txt.exe" display as "exe.txt".
_UNSAFE = re.compile('[\\\\/:*?"<>|\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]')
# Names Windows reserves for devices, whatever the extension.
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])$", re.IGNORECASE)
MAX_STEM_BYTES = 120  # leaves room for an extension and a browser's " (1)" within the common 255-byte limit


def _truncate(text: str, max_bytes: int) -> str:
    encoded = text.encode()
    if len(encoded) <= max_bytes:
        return text
    return encoded[:max_bytes].decode(errors="ignore")


def _clean(text: str, max_bytes: int) -> str:
    text = " ".join(_UNSAFE.sub(" ", unicodedata.normalize("NFC", text)).split())
    text = _truncate(text, max_bytes).strip(" .")
    return "" if _RESERVED.match(text.split(".")[0]) else text


def fallback_stem(pk: int, kind: str = "work") -> str:
    return f"{kind}-{pk}"


def safe_file_stem(title: str, fallback: str) -> str:
    """The title without characters any filesystem forbids, trimmed, or `fallback` when nothing usable is left."""
    return _clean(title, MAX_STEM_BYTES) or fallback


def content_disposition(stem: str, extension: str, fallback: str) -> str:
    """An attachment header: an ASCII `filename` for old clients and the exact name as RFC 5987 `filename*`.

    `fallback` (ASCII, such as "work-12") stands in for a name with no ASCII letters left.
    """
    file_name = f"{stem}.{extension}"
    ascii_stem = _clean(unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode(), MAX_STEM_BYTES)
    ascii_name = f"{ascii_stem or fallback}.{extension}"
    if ascii_name == file_name:
        return f'attachment; filename="{file_name}"'
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name, safe='')}"
