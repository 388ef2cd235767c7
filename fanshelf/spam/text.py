"""What spam scoring reads in an item's text: its links, their domains, and a fingerprint that nearly the same text
shares. Pure functions of the text, so they are tested without a database."""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from urllib.parse import urlsplit

from fanshelf.core.site_url import is_this_archive
from fanshelf.core.wordcount import html_to_text

# Only the first this many characters of a work (title, notes and chapters, as markup) are read, and only the first
# FINGERPRINT_CHARS of their text fingerprinted: spam shows in its start, and a work of many 510,000 character
# chapters must not hold the posting transaction for long.
SCORED_CHARS = 500_000
FINGERPRINT_CHARS = 100_000
# Words per shingle, and how many of the smallest shingle hashes make the fingerprint (a bottom-k sketch: two texts
# sharing most of their shingles share most of their smallest hashes).
SHINGLE_WORDS = 4
FINGERPRINT_SIZE = 16
# Texts shorter than this many words ("Thank you!", "More please") are said by many people in good faith; they get
# no fingerprint, so they are never taken for a copied text.
MIN_FINGERPRINT_WORDS = 12

_HREF = re.compile(r"""\bhref\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
_BARE_URL = re.compile(r"""\b(?:https?://|www\.)[^\s<>"'\u3000]+""", re.IGNORECASE)
# Scripts written without spaces (Thai and Lao, CJK radicals, Kana and Han, Hangul syllables, compatibility and
# supplementary ideographs): each letter is a word, as in the word count; their punctuation is none.
_UNSPACED = "[\u0e00-\u0eff\u2e80-\u2fff\u3040-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff]"
_WORD = re.compile(rf"(?=\w){_UNSPACED}|(?:(?!{_UNSPACED})\w)+")


def links(markup: str) -> list[str]:
    """The distinct web addresses an item links to or spells out, in the order they first appear; links to this
    archive, mail and relative links are not counted."""
    found = [html.unescape(href) for href in _HREF.findall(markup)]
    found += [match.rstrip(".,;:!?)]") for match in _BARE_URL.findall(html_to_text(markup))]
    seen: dict[str, None] = {}
    for url in found:
        address = f"http://{url}" if url.lower().startswith("www.") else url
        host = domain_of(address) if address.lower().startswith(("http://", "https://")) else ""
        if host and not is_this_archive(host):
            seen.setdefault(address.strip(), None)
    return list(seen)


def domain_of(url: str) -> str:
    """A link's host, lower case, without a leading "www." (the same site either way); "" when it has none."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    host = host.rstrip(".").lower()
    return host.removeprefix("www.")


def domains(urls: list[str]) -> list[str]:
    return sorted({domain for domain in map(domain_of, urls) if domain})


def words(markup: str) -> list[str]:
    """The item's words, folded so that case, width and compatibility forms do not tell copies apart; in scripts
    written without spaces (Han, Kana, Thai, ...) each character is a word, as in the word count."""
    text = unicodedata.normalize("NFKC", html_to_text(markup)[:FINGERPRINT_CHARS]).casefold()
    return _WORD.findall(text)


def fingerprint(markup: str) -> list[str]:
    """The hex hashes of the text's FINGERPRINT_SIZE smallest shingles (runs of SHINGLE_WORDS words), or [] for a
    text too short to tell copies from coincidence."""
    folded = words(markup)
    if len(folded) < MIN_FINGERPRINT_WORDS:
        return []
    hashes = {
        hashlib.blake2b(" ".join(folded[start : start + SHINGLE_WORDS]).encode(), digest_size=8).hexdigest()
        for start in range(len(folded) - SHINGLE_WORDS + 1)
    }
    return sorted(hashes)[:FINGERPRINT_SIZE]


def shared_needed(size: int) -> int:
    """How many fingerprint values two texts must share to count as nearly the same: half of the fingerprint."""
    return max(1, (min(size, FINGERPRINT_SIZE) + 1) // 2)
