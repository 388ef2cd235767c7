from __future__ import annotations

import hashlib

from django.http import HttpRequest


def visitor_key(request: HttpRequest) -> str:
    """A stable, non-reversible key for one visitor: the account, or a hash of a guest's address and browser."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    address = request.META.get("REMOTE_ADDR", "")
    agent = request.META.get("HTTP_USER_AGENT", "")
    return "guest:" + hashlib.sha256(f"{address}|{agent}".encode()).hexdigest()[:40]
