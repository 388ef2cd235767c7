"""Template helpers for showing works: the byline (with anonymity) and tags by type."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from fanshelf.accounts.models import User
from fanshelf.tags.models import Tag
from fanshelf.works.models import Work

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

register = template.Library()


@register.simple_tag(takes_context=True)
def byline(context: template.Context, work: Work) -> SafeString:
    """Creator links, or "Anonymous" for anyone who may not know who made an anonymous work."""
    user = context["request"].user
    if not work.shows_creators_to(user):
        return format_html('<span class="anonymous">{}</span>', "Anonymous")
    links = format_html_join(
        ", ",
        '<a rel="author" href="{}">{}</a>',
        ((reverse("discovery:pseud_works", args=[p.user.username, p.name]), str(p)) for p in work.creator_pseuds),
    )
    if work.anonymous:
        return format_html("{} (Anonymous to others)", links)
    return links


@register.simple_tag(takes_context=True)
def creator_names(context: template.Context, work: Work) -> str:
    """Plain-text creators, for page titles."""
    if not work.shows_creators_to(context["request"].user):
        return "Anonymous"
    return ", ".join(p.name for p in work.creator_pseuds)


@register.filter
def tags_of(work: Work, tag_type: str) -> list[Tag]:
    return work.tags_by_type.get(tag_type, [])


# Rendered blurbs, memoised by everything a blurb shows (so an entry can never be stale or shown to the wrong
# reader): the work's fields and counts, its tags' and creators' names, and the viewer's variant (whether they
# may see an anonymous work's creators, their tag preferences, their time zone). Per process, bounded.
_BLURB_CACHE_SIZE = 4096
_blurbs: OrderedDict[tuple[object, ...], SafeString] = OrderedDict()
_blurbs_lock = threading.Lock()


def _blurb_key(work: Work, user: User | AnonymousUser) -> tuple[object, ...]:
    shown = [getattr(work, name) for name in _BLURB_FIELDS]
    tags = tuple((tag.pk, tag.name, tag.type) for tag in work.tags.all())
    creators = tuple((p.pk, p.name, p.user.username) for p in work.creator_pseuds)
    preferences = (user.show_warnings, user.show_freeforms) if user.is_authenticated else None
    variant = (user.is_authenticated, preferences, work.shows_creators_to(user), timezone.get_current_timezone_name())
    return (*shown, tags, creators, variant)


_BLURB_FIELDS = (
    "pk", "title", "summary", "language", "word_count", "posted_chapter_count", "expected_chapters", "kudos_count",
    "hit_count", "comment_count", "bookmark_count", "audio_seconds", "published_on", "revised_at", "anonymous",
)  # fmt: skip


@register.simple_tag(takes_context=True)
def blurb(context: template.Context, work: Work) -> SafeString:
    """A work's blurb for listings, rendered once per distinct content and viewer variant."""
    request = context["request"]
    key = _blurb_key(work, request.user)
    with _blurbs_lock:
        cached = _blurbs.get(key)
        if cached is not None:
            _blurbs.move_to_end(key)
            return cached
    html = mark_safe(render_to_string("works/blurb.html", {"work": work, "user": request.user}, request))
    with _blurbs_lock:
        _blurbs[key] = html
        if len(_blurbs) > _BLURB_CACHE_SIZE:
            _blurbs.popitem(last=False)
    return html
