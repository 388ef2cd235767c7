from __future__ import annotations

import hashlib
import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import salted_hmac


def client_address(request: HttpRequest) -> str:
    """The client's address; behind FANSHELF_TRUSTED_PROXY_COUNT proxies, read from X-Forwarded-For."""
    proxies = int(getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0))
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return str(forwarded[-proxies])
    return str(request.META.get("REMOTE_ADDR", ""))


def client_network(request: HttpRequest) -> str:
    """The client's address for counting: an IPv4 address, or an IPv6 address's /64, since one home or phone is
    given a whole /64 and could otherwise pose as billions of visitors."""
    address = client_address(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.IPv6Network(f"{parsed}/64", strict=False).network_address) + "/64"
    return str(parsed)


def address_key(request: HttpRequest) -> str:
    """A guest's address as a key that cannot be turned back into it: keyed with SECRET_KEY, because the whole
    IPv4 space is small enough to hash through. Used where one address may do a thing once (guest kudos)."""
    return (
        "address:"
        + salted_hmac("fanshelf.visitors.address_key", client_network(request), algorithm="sha256").hexdigest()[:40]
    )


def visitor_key(request: HttpRequest) -> str:
    """A stable, non-reversible key for one visitor: the account, or a hash of a guest's address and browser."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    address = client_address(request)
    agent = request.META.get("HTTP_USER_AGENT", "")
    return "guest:" + hashlib.sha256(f"{address}|{agent}".encode()).hexdigest()[:40]
