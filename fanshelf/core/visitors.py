from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's address; behind FANSHELF_TRUSTED_PROXY_COUNT proxies, read from X-Forwarded-For."""
    proxies = int(getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0))
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return str(forwarded[-proxies])
    return str(request.META.get("REMOTE_ADDR", ""))


def visitor_key(request: HttpRequest) -> str:
    """A stable, non-reversible key for one visitor: the account, or a hash of a guest's address and browser."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    address = client_address(request)
    agent = request.META.get("HTTP_USER_AGENT", "")
    return "guest:" + hashlib.sha256(f"{address}|{agent}".encode()).hexdigest()[:40]
