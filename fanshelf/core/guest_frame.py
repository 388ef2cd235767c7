"""A guest's page frame (base.html: the header, the search box, the site's notices, the footer), rendered once and
kept, with marks where the page's title, its head, its content and the login link's way back go.

Every guest sees the same frame but for those four, as long as the site's name, the path it is served under and
the moderators' switches (read-only, the notice) stay the same: they are its key. A request with messages to show
gets the whole template instead (`fits`), as does anyone signed in (their name, inbox and links are in it). Pages
that serve guests often use it (works/guest_page.py); the frame's HTML stays in base.html, rendered by Django.
"""

from __future__ import annotations

import copy
import re
import secrets

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.signals import setting_changed
from django.http import HttpRequest
from django.template import engines
from django.template.defaultfilters import urlencode
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe

from fanshelf.core import switches
from fanshelf.core.memo import Memo

# Random per process, so no text a creator writes can stand for them. Letters and digits only: the way back goes
# through urlencode unchanged.
_TOKEN = secrets.token_hex(8)
_SLOTS = ("title", "head", "content", "back")
_MARKS = {slot: f"zqx{slot}{_TOKEN}zqx" for slot in _SLOTS}
_SPLIT = re.compile("(" + "|".join(_MARKS.values()) + ")")
_SLOT_OF = {mark: slot for slot, mark in _MARKS.items()}
_SOURCE = (
    '{% extends "base.html" %}{% block title %}{{ marks.title }}{% endblock %}'
    "{% block head %}{{ marks.head }}{% endblock %}{% block content %}{{ marks.content }}{% endblock %}"
)

_frames: Memo[tuple[str, ...]] = Memo(8, name="core.guest_frame")
# A test that changes the URLs, the static files or the site's name gets its own frame.
setting_changed.connect(lambda **kwargs: _frames.clear(), weak=False)


def fits(request: HttpRequest) -> bool:
    """Whether this request's page may use the kept frame: a guest with no messages waiting."""
    return not request.user.is_authenticated and not len(get_messages(request))


def page(request: HttpRequest, title: SafeString, head: SafeString, content: SafeString) -> str:
    """The whole page: the kept frame with the title's, the head's and the content's HTML, and the login link
    coming back to this request's address."""
    now = switches.current()
    key = (settings.SITE_NAME, get_script_prefix(), now.read_only, now.notice)
    pieces = _frames.get_or_make(key, lambda: _render(request))
    filled = {
        "title": title,
        "head": head,
        "content": content,
        "back": urlencode(request.get_full_path()),
    }
    return "".join(filled[_SLOT_OF[piece]] if piece in _SLOT_OF else piece for piece in pieces)


def _render(request: HttpRequest) -> tuple[str, ...]:
    """base.html for a guest, cut at the marks (which stay in the tuple, to be filled in)."""
    marked = copy.copy(request)  # the same visitor, at an address that is the way back's mark
    marked.path = "/" + _MARKS["back"]
    marked.META = {**request.META, "QUERY_STRING": ""}
    marks = {slot: mark_safe(mark) for slot, mark in _MARKS.items()}  # the code's own text
    html = engines["django"].from_string(_SOURCE).render({"marks": marks}, marked)
    html = html.replace("/" + _MARKS["back"], _MARKS["back"])  # the whole way back is the request's, slash and all
    pieces = tuple(piece for piece in _SPLIT.split(html) if piece)
    if sorted(_SLOT_OF[piece] for piece in pieces if piece in _SLOT_OF) != sorted(_SLOTS):
        raise ValueError("base.html must show the title, the head, the content and the login link's way back once")
    return pieces


def clear() -> None:
    _frames.clear()
