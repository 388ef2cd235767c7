from __future__ import annotations

from django.http import HttpRequest

from fanshelf.accounts.models import is_moderator


def moderator(request: HttpRequest) -> dict[str, bool]:
    """`is_moderator` in every template, from the one predicate (no query: it reads the loaded user)."""
    return {"is_moderator": is_moderator(request.user)}
