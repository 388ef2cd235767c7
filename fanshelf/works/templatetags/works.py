"""Template helpers for showing works: the byline (with anonymity) and tags by type."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import QuerySet
from django.template.defaultfilters import pluralize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from fanshelf.core.numbers import grouped
from fanshelf.core.prepared import Prepared
from fanshelf.tags.models import Tag
from fanshelf.works import blurbs, page_parts
from fanshelf.works.models import Work
from fanshelf.works.series import SeriesPlace

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


@register.simple_tag
def work_information(work: Work, series_places: list[SeriesPlace], stats_mark: str = "") -> SafeString:
    """The work page's information list (works/page_parts.py); a memoised body has `stats_mark` for its stats."""
    return page_parts.information(work, series_places, stats_mark or page_parts.stats(work))


@register.simple_tag
def work_stats(work: Work) -> SafeString:
    return page_parts.stats(work)


@register.simple_tag(takes_context=True)
def blurb(context: template.Context, work: Work) -> SafeString:
    return blurbs.render_blurb(work, context["request"].user)


# Names listed in the kudos line; AO3 folds the rest into "and N more users".
KUDOS_NAMES_SHOWN = 50


def _kudos_names(shape: str, work_id: int) -> QuerySet[Any]:
    """The first KUDOS_NAMES_SHOWN users to leave kudos, oldest first."""
    kudos: QuerySet[Any] = Work._meta.get_field("kudos").related_model._default_manager.all()
    by_users = kudos.filter(work_id=work_id, user__isnull=False).order_by("created_at", "pk")
    names: QuerySet[Any] = by_users.values_list("user__username")[:KUDOS_NAMES_SHOWN]
    return names


# A work with kudos from users names them (core/prepared.py: compiled once).
_kudos_named = Prepared(_kudos_names)


@register.simple_tag
def kudos_line(work: Work, counts: tuple[int, int]) -> SafeString:
    """AO3's line: "Alice, Bob as well as 2 guests left kudos on this work!" (guests are counted, not listed).
    `counts`: the work's kudos from users and from guests, as the page's probe read them (works/page_memo.py)."""
    users, guests = counts
    names = [name for (name,) in _kudos_named.rows("names", work.pk)] if users else []
    more_users = users - len(names)
    if not names and not guests:
        return format_html("{}", "No kudos yet.")
    parts = [format_html_join(", ", "<bdi>{}</bdi>", ((name,) for name in names))] if names else []
    if more_users:
        parts.append(format_html("and {} more user{}", grouped(more_users), pluralize(more_users)))
    if guests:
        counted = format_html("{} guest{}", grouped(guests), pluralize(guests))
        parts.append(format_html("as well as {}", counted) if parts else counted)
    return format_html("{} left kudos on this work!", format_html_join(" ", "{}", ((part,) for part in parts)))
