"""The notices that tell creators their work or comment is waiting for a moderator's review as possible spam. The
work page and its comment section load these (as they load other apps' tags), so works and comments import nothing
of spam."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import QuerySet

from fanshelf.core.prepared import Prepared
from fanshelf.spam.models import ItemKind, SpamCheck
from fanshelf.works.models import Work

register = template.Library()


def _held_comments_of(shape: str, work_id: int, account_id: int) -> QuerySet[Any]:
    held = SpamCheck.objects.awaiting_review().filter(kind=ItemKind.COMMENT, work_id=work_id, account_id=account_id)
    return held.values_list("pk")


# Every signed-in reader's work page asks: compiled once (core/prepared.py).
_held_comments = Prepared(_held_comments_of)


@register.simple_tag
def held_for_spam_review(work: Work) -> bool:
    """Whether scoring hid this work and no moderator has decided yet. Only its creators and moderators can open a
    hidden work, so only they ask (one query, on hidden works only)."""
    if not work.hidden_by_moderator:
        return False
    return SpamCheck.objects.awaiting_review().filter(kind=ItemKind.WORK, item_id=work.pk).exists()


@register.simple_tag(takes_context=True)
def comments_held_for_review(context: dict[str, Any], work: Work) -> int:
    """How many of the signed-in reader's comments on this work wait for review (shown to nobody else meanwhile);
    0 without a query for guests, whose held comments cannot be told apart."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return len(_held_comments.rows("held", work.pk, user.pk))
