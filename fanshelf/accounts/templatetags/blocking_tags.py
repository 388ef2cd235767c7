"""The Block / Mute buttons on another person's profile (signed-in readers only)."""

from __future__ import annotations

from typing import Any

from django import template

from fanshelf.accounts.blocking import block_refusal, mute_refusal, relation_to
from fanshelf.accounts.models import User

register = template.Library()


@register.inclusion_tag("accounts/blocking/_buttons.html", takes_context=True)
def block_mute_buttons(context: dict[str, Any], target: User) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, User) or user.pk == target.pk:
        return {}
    blocked, muted = relation_to(user, target)
    return {
        "request": request,
        "target": target,
        "may_block": not block_refusal(user, target),
        "may_mute": not mute_refusal(user, target),
        "blocked": blocked,
        "muted": muted,
    }
