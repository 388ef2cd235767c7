"""The invitation code on the sign-up page, so its form posts it back (accounts/invitation_views.py)."""

from __future__ import annotations

from django import template

from fanshelf.accounts.invitation_views import invitation_code

register = template.Library()


@register.simple_tag(takes_context=True)
def signup_invitation(context: template.Context) -> str:
    """The code of the invitation link this sign-up page was opened with, or ""."""
    return invitation_code(context["request"])
