"""What bookmark templates need from Python: a bookmarked item's blurb, and the reader's own bookmark of a work."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from fanshelf.bookmarks.models import Bookmark
from fanshelf.works.blurbs import render_blurb
from fanshelf.works.models import Work

register = template.Library()


@register.simple_tag(takes_context=True)
def work_blurb(context: template.Context, work: Work) -> SafeString:
    """The work's blurb as this reader may see it (an anonymous work's creators stay Anonymous)."""
    return render_blurb(work, context["request"].user)


@register.simple_tag(takes_context=True)
def my_bookmark(context: template.Context, work: Work) -> Bookmark | None:
    """The signed-in reader's bookmark of the work (one query), so the work page offers to edit it."""
    user = context["request"].user
    if not user.is_authenticated:
        return None
    return Bookmark.objects.filter(user=user, work=work).only("pk").first()
