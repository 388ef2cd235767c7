"""A work's blurb (its summary card in listings), built in Python: a listing page shows twenty, and Django's
template engine took ~1.5 ms for each, most of a page whose blurbs were not memoised yet. The HTML is joined from
escaped parts with f-strings rather than format_html, which cost 0.28 ms a blurb (escaping every part through
Django's lazy-aware helpers): every value from a person goes through `html_text`, and only this module's own markup
and already safe HTML (the sanitised summary) go in unescaped."""

from __future__ import annotations

import functools
from datetime import date, datetime, tzinfo
from html import escape
from typing import TYPE_CHECKING, NamedTuple

from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from fanshelf.core.addresses import address
from fanshelf.core.durations import duration
from fanshelf.core.numbers import grouped
from fanshelf.tags.models import Tag, TagType, works_url
from fanshelf.works.models import Gift, Work
from fanshelf.works.reuse import ai_use_label, discloses_ai_use, permissions_line
from fanshelf.works.sharing import shown_gifts

if TYPE_CHECKING:
    from fanshelf.works.models import Viewer

# One date format in a blurb, AO3's ("02 Dec 2026"), for both its updated and its published date.
DATE_FORMAT = "d M Y"


@functools.lru_cache(maxsize=8192)
def _day_text(day: date, language: str | None) -> str:
    """A day as a blurb writes it (DATE_FORMAT, as Django's `date` filter writes it: the month's short name
    translated), escaped: worked out once per day and language. Written here rather than by Django's formatter,
    which took ~60 µs a date: a listing page writes forty, most of them new on a first view at a million works."""
    return html_text(f"{day.day:02d} {MONTHS_3[day.month].title()} {day.year:04d}")


class Setting(NamedTuple):
    """What every blurb of one request shares: the script prefix its links start with, the reader's time zone and
    language. Read once for a page of blurbs: each is a request-local value, ~3 µs a read, and a blurb needs six."""

    prefix: str
    zone: tzinfo
    language: str | None


def setting() -> Setting:
    return Setting(get_script_prefix(), timezone.get_current_timezone(), get_language())


def day_text(moment: date | datetime | None, where: Setting | None = None) -> str:
    """The day of a date, or of a time in the reader's time zone, as a blurb writes it ("" for none)."""
    if moment is None:
        return ""
    where = where or setting()
    day = timezone.localtime(moment, where.zone).date() if isinstance(moment, datetime) else moment
    return _day_text(day, where.language)


def html_text(value: object) -> str:
    """A value as HTML text: escaped, quotes too (it may stand in an attribute)."""
    return escape(str(value))


@functools.lru_cache(maxsize=65_536)
def tag_link(prefix: str, name: str) -> str:
    """A tag's link to its works, made once per name (a listing page shows ~250; the script prefix is part of the
    address, so of the key)."""
    return f'<a class="tag" href="{html_text(works_url(prefix, name))}" dir="auto">{html_text(name)}</a>'


@functools.lru_cache(maxsize=16_384)
def _creator_link(prefix: str, username: str, pseud: str, shown: str) -> str:
    """A creator's link to their pseud's works, made once per pseud as named (`shown`: "Name (username)")."""
    url = address("discovery:pseud_works", username, pseud)
    return f'<a rel="author" href="{html_text(url)}" dir="auto">{html_text(shown)}</a>'


def _byline_html(work: Work, viewer: Viewer, prefix: str | None = None) -> str:
    if not work.shows_creators_to(viewer):
        return '<span class="anonymous">Anonymous</span>'
    prefix = get_script_prefix() if prefix is None else prefix
    links = ", ".join(_creator_link(prefix, p.user.username, p.name, str(p)) for p in work.creator_pseuds)
    return f"{links} (Anonymous to others)" if work.anonymous else links


def byline(work: Work, viewer: Viewer) -> SafeString:
    """Creator links, or "Anonymous" for anyone who may not know who made an anonymous work."""
    return mark_safe(_byline_html(work, viewer))  # built from escaped parts


def _recipient(gift: Gift) -> str:
    if gift.pseud is None:
        return f"<bdi>{html_text(gift.recipient_name)}</bdi>"
    url = reverse("user_gifts", args=[gift.pseud.user.username])
    return f'<a href="{html_text(url)}" dir="auto">{html_text(gift.pseud)}</a>'


def recipients(work: Work) -> SafeString:
    """A gift's recipients, "Alice, Bob": a pseud links to its person's gifts page, a plain name is text."""
    return mark_safe(", ".join(_recipient(gift) for gift in shown_gifts(work)))  # escaped parts


def for_line(work: Work, template: str) -> SafeString:
    """`template` (this code's own markup: "For {}", " for {}") around the recipients, or nothing when the work is
    no gift."""
    names = recipients(work)
    return mark_safe(template.format(names)) if names else SafeString()  # escaped parts


def _tag_items(prefix: str, tags: list[Tag], css_class: str) -> str:
    return "".join(f'<li class="{css_class}">{tag_link(prefix, t.name)}</li>' for t in tags)


def _tag_list(work: Work, viewer: Viewer, prefix: str) -> str:
    tags = work.tags_by_type
    member = viewer.is_authenticated
    if member and not getattr(viewer, "show_warnings", True):
        url = html_text(work.get_absolute_url())
        warnings = f'<li class="warnings"><a href="{url}">Warnings hidden by your preference</a></li>'
    else:
        warnings = _tag_items(prefix, tags.get(TagType.WARNING, []), "warnings")
    freeforms = ""
    if not member or getattr(viewer, "show_freeforms", True):
        freeforms = _tag_items(prefix, tags.get(TagType.FREEFORM, []), "freeforms")
    relationships = _tag_items(prefix, tags.get(TagType.RELATIONSHIP, []), "relationships")
    characters = _tag_items(prefix, tags.get(TagType.CHARACTER, []), "characters")
    return f"{warnings}{relationships}{characters}{freeforms}"


def _stats(work: Work, where: Setting) -> str:
    audio = f"<dt>Audio:</dt><dd>{html_text(duration(work.audio_seconds))}</dd>" if work.audio_seconds else ""
    # Comment threads, shown when there are any, as AO3 does.
    comments = f"<dt>Comments:</dt><dd>{html_text(grouped(work.comment_count))}</dd>" if work.comment_count else ""
    return (
        f'<dl class="stats"><dt>Language:</dt><dd lang="{html_text(work.language)}">'
        f"{html_text(work.language_name)}</dd>"
        f"<dt>Words:</dt><dd>{html_text(grouped(work.word_count))}</dd>"
        f"<dt>Chapters:</dt><dd>{html_text(work.chapter_display)}</dd>{audio}{comments}"
        f"<dt>Kudos:</dt><dd>{html_text(grouped(work.kudos_count))}</dd>"
        f"<dt>Hits:</dt><dd>{html_text(grouped(work.hit_count))}</dd>"
        f"<dt>Published:</dt><dd>{day_text(work.published_on, where)}</dd></dl>"
    )


def render_blurb(work: Work, viewer: Viewer, where: Setting | None = None) -> SafeString:
    """The blurb as `viewer` may see it (their tag preferences; creators of anonymous works only if allowed).
    `where`: the request's `setting()`, when the caller renders many."""
    where = where or setting()
    tags = work.tags_by_type
    rating = work.rating
    rating_name = html_text(rating.name if rating is not None else "")
    rating_code = html_text(work.rating_code)
    prefix = where.prefix
    fandoms = ", ".join(tag_link(prefix, t.name) for t in tags.get(TagType.FANDOM, []))
    categories = html_text(", ".join(t.name for t in tags.get(TagType.CATEGORY, [])) or "No category")
    complete = work.is_complete
    language = html_text(work.language)
    summary = (
        f'<blockquote class="userstuff summary" lang="{language}" dir="{html_text(work.direction)}">'
        f"{work.summary}</blockquote>"  # sanitised HTML, kept as it is
        if work.summary
        else ""
    )
    pk = work.pk
    names = f"{_byline_html(work, viewer, prefix)}{for_line(work, ' for {}')}"
    html = (
        f'<li class="blurb work" id="work_{pk}" aria-labelledby="work_{pk}_title">'
        f'<p class="datetime">{day_text(work.revised_at, where)}</p>'
        f'<h3 class="heading" id="work_{pk}_title"><a href="{html_text(work.get_absolute_url())}" lang="{language}"'
        f' dir="auto">{html_text(work.title)}</a> by {names}</h3>'
        f'<p class="fandoms"><span class="visually-hidden">Fandoms:</span>{fandoms}</p>'
        '<ul class="required-tags" aria-label="Required tags">'
        f'<li class="rating-{rating_code}" title="Rating: {rating_name}"><span aria-hidden="true">{rating_code}</span>'
        f'<span class="visually-hidden">Rating: {rating_name}</span></li>'
        f'<li title="Categories">{categories}</li>'
        f'<li title="{"Complete Work" if complete else "Work in Progress"}">'
        f"{'Complete' if complete else 'In progress'}</li></ul>"
        f'<ul class="tags commas" aria-label="Tags">{_tag_list(work, viewer, prefix)}</ul>{summary}{_reuse(work)}'
        f"{_stats(work, where)}</li>"
    )
    return mark_safe(html)  # built from escaped parts and the sanitised summary


def _reuse(work: Work) -> str:
    """AI use (only when some was disclosed: "No AI used" is the usual case and would crowd every blurb) and the
    reuse permissions in short words (docs/reuse.md)."""
    ai_use = f'<strong class="ai-use">{html_text(ai_use_label(work))}</strong> · ' if discloses_ai_use(work) else ""
    return (
        f'<p class="reuse">{ai_use}<span class="visually-hidden">Permissions: </span>'
        f"{html_text(permissions_line(work, short=True))}</p>"
    )


# Where a blurb's per-reader marker goes: right after its opening tag, before the date.
_MARKER_SLOT = '<p class="datetime">'


def with_updated_marker(blurb: SafeString) -> SafeString:
    """The blurb with "Updated since you last read". Added per request around a memoised blurb, which stays the
    same for every reader of its variant (discovery/listing.py), so the marker never goes into the memo."""
    head, slot, rest = blurb.partition(_MARKER_SLOT)
    marker = '<p class="updated-since-read">Updated since you last read</p>'
    return mark_safe(head + marker + slot + rest)  # parts of safe HTML, cut at a tag boundary
