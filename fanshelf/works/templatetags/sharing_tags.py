"""The work page's sharing parts: "For X, Y", chapter bylines, and the invitee's, recipient's and co-creator's
buttons (works/sharing.py has the actions behind them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import template
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from fanshelf.accounts.models import Pseud
from fanshelf.core.prepared import Prepared
from fanshelf.works import blurbs, sharing
from fanshelf.works.models import Chapter, CreatorInvitation, Work

if TYPE_CHECKING:
    from fanshelf.works.models import Viewer

register = template.Library()


def _invitation_of(shape: str, work_id: int, user_id: int) -> QuerySet[Any]:
    return CreatorInvitation.objects.filter(work_id=work_id, pseud__user_id=user_id).values_list("pk")[:1]


# Every signed-in reader's work page asks: compiled once (core/prepared.py).
_invitation = Prepared(_invitation_of)


@register.simple_tag
def gift_line(work: Work) -> SafeString:
    return blurbs.for_line(work, '<p class="gifts">For {}.</p>')


def _chapter_credits(work: Work) -> dict[int, list[Pseud]]:
    """Every chapter's own creators, in one query for the page, kept on the work for the other chapters."""
    cached: dict[int, list[Pseud]] | None = getattr(work, "_chapter_credits", None)
    if cached is None:
        cached = {}
        links = Chapter.creators.through.objects.filter(chapter__work=work).select_related("pseud__user")
        for link in links.order_by("pseud__name", "pk"):
            cached.setdefault(link.chapter_id, []).append(link.pseud)
        work._chapter_credits = cached  # type: ignore[attr-defined]
    return cached


@register.simple_tag(takes_context=True)
def chapter_byline(context: template.Context, work: Work, chapter: Chapter) -> SafeString:
    return chapter_byline_html(work, chapter, context["request"].user)


def chapter_byline_html(work: Work, chapter: Chapter, viewer: Viewer) -> SafeString:
    """ "by A, B" under a chapter heading when the chapter names creators other than the work's; nothing for a
    reader who may not know an anonymous work's creators."""
    pseuds = _chapter_credits(work).get(chapter.pk, [])
    if not pseuds or not work.shows_creators_to(viewer):
        return SafeString()
    if {p.pk for p in pseuds} == {p.pk for p in work.creator_pseuds}:
        return SafeString()
    links = format_html_join(
        ", ",
        '<a rel="author" href="{}" dir="auto">{}</a>',
        ((reverse("discovery:pseud_works", args=[p.user.username, p.name]), str(p)) for p in pseuds),
    )
    return format_html('<p class="byline chapter-byline">by {}</p>', links)


@register.inclusion_tag("works/sharing/_work_sharing.html", takes_context=True)
def sharing_buttons(context: template.Context, work: Work) -> dict[str, Any]:
    user = context["request"].user
    if not user.is_authenticated:
        return {"work": work, "sharing": {}}
    creators = {p.user_id for p in work.creator_pseuds}
    state = {
        "gift_to_viewer": any(g.pseud is not None and g.pseud.user_id == user.pk for g in sharing.shown_gifts(work)),
        "may_leave": user.pk in creators and len(creators) > 1,
        "invited": user.pk not in creators and bool(_invitation.rows("invited", work.pk, user.pk)),
    }
    return {"work": work, "sharing": state, "request": context["request"]}
