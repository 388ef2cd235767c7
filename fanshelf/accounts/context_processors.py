from __future__ import annotations

from django.http import HttpRequest

from fanshelf.accounts.models import is_moderator


def moderator(request: HttpRequest) -> dict[str, bool]:
    """`is_moderator` in every template, from the one predicate (no query: it reads the loaded user). A request
    refused before authentication (a Host header not in ALLOWED_HOSTS gets a 400 page) has no user."""
    user = getattr(request, "user", None)
    return {"is_moderator": user is not None and is_moderator(user)}
