"""Template helpers for showing works: the byline (with anonymity) and tags by type."""

from __future__ import annotations

from django import template
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from fanshelf.tags.models import Tag
from fanshelf.works.models import Work

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


def render_blurb(work: Work, request: HttpRequest) -> SafeString:
    """A work's blurb for this reader (listings memoise these: fanshelf/discovery/listing.py)."""
    return mark_safe(render_to_string("works/blurb.html", {"work": work, "user": request.user}, request))


@register.simple_tag(takes_context=True)
def blurb(context: template.Context, work: Work) -> SafeString:
    return render_blurb(work, context["request"])
