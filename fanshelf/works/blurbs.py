"""A work's blurb (its summary card in listings), built in Python: a listing page shows twenty, and Django's
template engine took ~1.5 ms for each, most of a page whose blurbs were not memoised yet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from fanshelf.core.durations import duration
from fanshelf.tags.models import Tag, TagType
from fanshelf.works.models import Gift, Work
from fanshelf.works.reuse import ai_use_label, discloses_ai_use, permissions_line
from fanshelf.works.sharing import shown_gifts

if TYPE_CHECKING:
    from fanshelf.works.models import Viewer

# One date format in a blurb, AO3's ("02 Dec 2026"), for both its updated and its published date.
DATE_FORMAT = "d M Y"


def byline(work: Work, viewer: Viewer) -> SafeString:
    """Creator links, or "Anonymous" for anyone who may not know who made an anonymous work."""
    if not work.shows_creators_to(viewer):
        return format_html('<span class="anonymous">{}</span>', "Anonymous")
    links = format_html_join(
        ", ",
        '<a rel="author" href="{}" dir="auto">{}</a>',
        ((reverse("discovery:pseud_works", args=[p.user.username, p.name]), str(p)) for p in work.creator_pseuds),
    )
    if work.anonymous:
        return format_html("{} (Anonymous to others)", links)
    return links


def _recipient(gift: Gift) -> SafeString:
    if gift.pseud is None:
        return format_html("<bdi>{}</bdi>", gift.recipient_name)
    url = reverse("user_gifts", args=[gift.pseud.user.username])
    return format_html('<a href="{}" dir="auto">{}</a>', url, str(gift.pseud))


def recipients(work: Work) -> SafeString:
    """A gift's recipients, "Alice, Bob": a pseud links to its person's gifts page, a plain name is text."""
    return format_html_join(", ", "{}", ((_recipient(gift),) for gift in shown_gifts(work)))


def for_line(work: Work, template: str) -> SafeString:
    """`template` ("For {}", " for {}") around the recipients, or nothing when the work is no gift."""
    names = recipients(work)
    return format_html(template, names) if names else SafeString()


def _tag_items(tags: list[Tag], css_class: str) -> SafeString:
    return format_html_join(
        "",
        '<li class="{}"><a class="tag" href="{}" dir="auto">{}</a></li>',
        ((css_class, t.get_absolute_url(), t.name) for t in tags),
    )


def _tag_list(work: Work, viewer: Viewer) -> SafeString:
    tags = work.tags_by_type
    member = viewer.is_authenticated
    if member and not getattr(viewer, "show_warnings", True):
        hidden = "Warnings hidden by your preference"
        warnings = format_html('<li class="warnings"><a href="{}">{}</a></li>', work.get_absolute_url(), hidden)
    else:
        warnings = _tag_items(tags.get(TagType.WARNING, []), "warnings")
    freeforms = SafeString()
    if not member or getattr(viewer, "show_freeforms", True):
        freeforms = _tag_items(tags.get(TagType.FREEFORM, []), "freeforms")
    relationships = _tag_items(tags.get(TagType.RELATIONSHIP, []), "relationships")
    characters = _tag_items(tags.get(TagType.CHARACTER, []), "characters")
    return format_html("{}{}{}{}", warnings, relationships, characters, freeforms)


def _stats(work: Work) -> SafeString:
    audio = format_html("<dt>Audio:</dt><dd>{}</dd>", duration(work.audio_seconds)) if work.audio_seconds else ""
    published = format_date(work.published_on, DATE_FORMAT) if work.published_on else ""
    # Comment threads, shown when there are any, as AO3 does.
    comments = format_html("<dt>Comments:</dt><dd>{}</dd>", intcomma(work.comment_count)) if work.comment_count else ""
    return format_html(
        '<dl class="stats"><dt>Language:</dt><dd lang="{}">{}</dd><dt>Words:</dt><dd>{}</dd>'
        "<dt>Chapters:</dt><dd>{}</dd>{}{}<dt>Kudos:</dt><dd>{}</dd><dt>Hits:</dt><dd>{}</dd>"
        "<dt>Published:</dt><dd>{}</dd></dl>",
        work.language, work.language_name, intcomma(work.word_count), work.chapter_display, audio, comments,
        intcomma(work.kudos_count), intcomma(work.hit_count), published,
    )  # fmt: skip


def render_blurb(work: Work, viewer: Viewer) -> SafeString:
    """The blurb as `viewer` may see it (their tag preferences; creators of anonymous works only if allowed)."""
    tags = work.tags_by_type
    rating = work.rating
    rating_name = rating.name if rating is not None else ""
    fandoms = format_html_join(
        ", ",
        '<a class="tag" href="{}" dir="auto">{}</a>',
        ((t.get_absolute_url(), t.name) for t in tags.get(TagType.FANDOM, [])),
    )
    categories = ", ".join(t.name for t in tags.get(TagType.CATEGORY, [])) or "No category"
    complete = work.is_complete
    revised = format_date(timezone.localtime(work.revised_at), DATE_FORMAT) if work.revised_at else ""
    summary = format_html(
        '<blockquote class="userstuff summary" lang="{}" dir="{}">{}</blockquote>',
        work.language, work.direction, mark_safe(work.summary),
    )  # fmt: skip
    pk = work.pk
    return format_html(
        '<li class="blurb work" id="work_{}" aria-labelledby="work_{}_title">'
        '<p class="datetime">{}</p>'
        '<h3 class="heading" id="work_{}_title"><a href="{}" lang="{}" dir="auto">{}</a> by {}{}</h3>'
        '<p class="fandoms"><span class="visually-hidden">Fandoms:</span>{}</p>'
        '<ul class="required-tags" aria-label="Required tags">'
        '<li class="rating-{}" title="Rating: {}"><span aria-hidden="true">{}</span>'
        '<span class="visually-hidden">Rating: {}</span></li>'
        '<li title="Categories">{}</li><li title="{}">{}</li></ul>'
        '<ul class="tags commas" aria-label="Tags">{}</ul>{}{}{}</li>',
        pk, pk, revised, pk, work.get_absolute_url(), work.language, work.title, byline(work, viewer),
        for_line(work, " for {}"), fandoms,
        work.rating_code, rating_name, work.rating_code, rating_name, categories,
        "Complete Work" if complete else "Work in Progress", "Complete" if complete else "In progress",
        _tag_list(work, viewer), summary if work.summary else "", _reuse(work), _stats(work),
    )  # fmt: skip


def _reuse(work: Work) -> SafeString:
    """AI use (only when some was disclosed: "No AI used" is the usual case and would crowd every blurb) and the
    reuse permissions in short words (docs/reuse.md)."""
    ai_use = format_html('<strong class="ai-use">{}</strong> · ', ai_use_label(work)) if discloses_ai_use(work) else ""
    return format_html(
        '<p class="reuse">{}<span class="visually-hidden">Permissions: </span>{}</p>',
        ai_use,
        permissions_line(work, short=True),
    )


# Where a blurb's per-reader marker goes: right after its opening tag, before the date.
_MARKER_SLOT = '<p class="datetime">'


def with_updated_marker(blurb: SafeString) -> SafeString:
    """The blurb with "Updated since you last read". Added per request around a memoised blurb, which stays the
    same for every reader of its variant (discovery/listing.py), so the marker never goes into the memo."""
    head, slot, rest = blurb.partition(_MARKER_SLOT)
    marker = format_html('<p class="updated-since-read">{}</p>', "Updated since you last read")
    return mark_safe(head + marker + slot + rest)  # parts of safe HTML, cut at a tag boundary
