"""Template helpers for showing works: the byline (with anonymity) and tags by type."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from fanshelf.tags.models import Tag
from fanshelf.works import blurbs
from fanshelf.works.models import Work

register = template.Library()


@register.simple_tag(takes_context=True)
def byline(context: template.Context, work: Work) -> SafeString:
    """Creator links, or "Anonymous" for anyone who may not know who made an anonymous work."""
    return blurbs.byline(work, context["request"].user)


@register.simple_tag(takes_context=True)
def creator_names(context: template.Context, work: Work) -> str:
    """Plain-text creators, for page titles."""
    if not work.shows_creators_to(context["request"].user):
        return "Anonymous"
    return ", ".join(p.name for p in work.creator_pseuds)


@register.filter
def tags_of(work: Work, tag_type: str) -> list[Tag]:
    return work.tags_by_type.get(tag_type, [])


@register.simple_tag(takes_context=True)
def blurb(context: template.Context, work: Work) -> SafeString:
    return blurbs.render_blurb(work, context["request"].user)
