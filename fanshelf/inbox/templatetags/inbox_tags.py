"""The Subscribe / Unsubscribe button on work, series and user pages (signed-in readers only)."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import QuerySet
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.core.prepared import Prepared
from fanshelf.inbox.models import Subscription
from fanshelf.works.models import Series, Work

register = template.Library()


def _subscription_to(shape: str, user_id: int, work_id: int) -> QuerySet[Any]:
    return Subscription.objects.filter(user_id=user_id, work_id=work_id).values_list("pk")[:1]


# Every signed-in reader's work page asks: compiled once (core/prepared.py).
_work_subscription = Prepared(_subscription_to)


@register.inclusion_tag("inbox/_subscribe_button.html", takes_context=True)
def subscribe_button(context: dict[str, Any], target: Work | Series | User) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return {}
    if isinstance(target, Work):
        # Not on drafts or hidden works (nothing to hear about), nor on one's own work.
        if not target.posted or target.hidden_by_moderator or target.unrevealed or target.is_created_by(user):
            return {}
        url = reverse("inbox:subscribe_work", args=[target.pk])
        subscribed = bool(_work_subscription.rows("work", user.pk, target.pk))
        return {"request": request, "subscribe_url": url, "subscribed": subscribed}
    if isinstance(target, Series):
        if target.is_created_by(user):
            return {}
        found, url = (
            Subscription.objects.filter(user=user, series=target),
            reverse("inbox:subscribe_series", args=[target.pk]),
        )
    else:
        if target.pk == user.pk:
            return {}
        found, url = (
            Subscription.objects.filter(user=user, creator=target),
            reverse("inbox:subscribe_creator", args=[target.username]),
        )
    return {"request": request, "subscribe_url": url, "subscribed": found.exists()}
