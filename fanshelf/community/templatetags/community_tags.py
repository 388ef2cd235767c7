"""What the work page's kudos section asks the community app."""

from __future__ import annotations

from typing import Any

from django import template

from fanshelf.community.actions import may_leave_kudos

register = template.Library()


@register.filter
def offers_kudos_to(work: Any, user: Any) -> bool:
    """`{% if work|offers_kudos_to:request.user %}`: whether to show the Kudos button (leave_kudos decides again)."""
    return may_leave_kudos(work, user)
