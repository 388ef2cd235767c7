"""Cheap, linear looks at markup before (or instead of) building a tree.

HTML parsers spend time that grows with the square of the nesting depth (html5ever, under nh3, checks the stack
of open elements at every start tag: 100,000 nested <div>s take minutes), and a Python tree costs a lot per
element. So every file's markup is measured first, and refused past a depth or element budget; the ordinary page
is then sanitized by nh3 alone, and only AO3 downloads, whose structure we must read, are built into a tree.
"""

from __future__ import annotations

import html
import re

import nh3

from fanshelf.imports.parsers.base import UnreadableFile, one_line

MAX_DEPTH = 512
MAX_ELEMENTS = 300_000

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^>]*?(/?)>")
# Elements that never nest (void) or that the parser closes by itself when the next one opens.
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
_SELF_CLOSING = {"p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot", "rb", "rt",
                 "rtc", "rp", "colgroup", "caption", "html", "head", "body"}  # fmt: skip
_NOT_NESTING = _VOID | _SELF_CLOSING
_BODY = re.compile(r"<body\b[^>]*>(.*)</body\s*>", re.IGNORECASE | re.DOTALL)
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_HEADING = re.compile(r"<(h[1-3])\b[^>]*>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.IGNORECASE | re.DOTALL)
_PREFACE = re.compile(r"""<div\b[^>]*\bid\s*=\s*["']?preface\b""", re.IGNORECASE)
_TAGS_LIST = re.compile(r"""<dl\b[^>]*\bclass\s*=\s*["']?tags\b""", re.IGNORECASE)
# Fanshelf's own downloads (downloads/templates/downloads/parts/preface.html) open with a title page in a
# <section id="preface">, where AO3's use a <div>.
_FANSHELF_PREFACE = re.compile(r"""<section\b[^>]*\bid\s*=\s*["']?preface\b""", re.IGNORECASE)


def check_markup(markup: str) -> None:
    """Refuse markup nested deeper than MAX_DEPTH or with more than MAX_ELEMENTS tags, in one linear pass."""
    depth = 0
    for count, match in enumerate(_TAG.finditer(markup), start=1):
        if count > MAX_ELEMENTS:
            raise UnreadableFile(f"The file has too many HTML elements (more than {MAX_ELEMENTS:,}).")
        closing, name, self_closing = match.groups()
        if self_closing or name.lower() in _NOT_NESTING:
            continue
        if closing:
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > MAX_DEPTH:
                raise UnreadableFile(f"The file's HTML is nested too deeply (more than {MAX_DEPTH} levels).")


def text_of(fragment: str) -> str:
    """The visible text of a small piece of HTML, on one line."""
    return one_line(html.unescape(nh3.clean(fragment, tags=set())))


def body_of(markup: str) -> str:
    match = _BODY.search(markup)
    return match.group(1) if match else markup


def title_of(markup: str) -> str:
    for pattern in (_TITLE, _H1):
        match = pattern.search(markup)
        if match and text_of(match.group(1)):
            return text_of(match.group(1))
    return ""


def first_heading(markup: str) -> str:
    match = _HEADING.search(markup)
    return text_of(match.group(2)) if match else ""


def has_text(fragment: str) -> bool:
    return bool(text_of(fragment))


def looks_like_ao3(markup: str) -> bool:
    return bool(_PREFACE.search(markup) and _TAGS_LIST.search(markup))


def looks_like_fanshelf(markup: str) -> bool:
    return bool(_FANSHELF_PREFACE.search(markup) and _TAGS_LIST.search(markup))
