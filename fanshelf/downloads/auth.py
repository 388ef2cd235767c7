"""Authentication for e-reader apps (OPDS catalogues and their EPUB links), over the same accounts.

Browsers keep using the session; a request that carries an Authorization header and no session is
authenticated for that request only (no session is created), with either
- HTTP Basic: the archive username and password (django.contrib.auth.authenticate), or any username and a
  personal token as the password (apps that only know Basic), or
- `Authorization: Bearer <personal token>`.
Failed attempts are counted per client address like logins are, so the header is no way around the login rate
limit. Revoked tokens, and tokens of suspended accounts, are refused like wrong passwords.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import patch_vary_headers

from fanshelf.accounts.actions import user_for_token
from fanshelf.accounts.models import User

View = Callable[..., HttpResponseBase]
MAX_FAILURES = 5
FAILURE_WINDOW_SECONDS = 20


def _credentials(header: str) -> tuple[str, str] | None:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, separator, password = decoded.partition(":")
    return (username, password) if separator else None


def _failure_key(request: HttpRequest) -> str:
    return f"downloads:basic-auth-failures:{request.META.get('REMOTE_ADDR', '')}"


def authorization_user(request: HttpRequest) -> User | None:
    """The active user the request's Authorization header names (Basic or Bearer), or None."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return user_for_token(value.strip())
    credentials = _credentials(header)
    if credentials is None:
        return None
    username, password = credentials
    # A token is tried first: it needs no username, and a made-up username must not count as a failed login.
    token_user = user_for_token(password)
    if token_user is not None or not username:
        return token_user
    user = authenticate(request, username=username, password=password)
    return user if isinstance(user, User) and user.is_active else None


def _count_failure(key: str) -> None:
    if not cache.add(key, 1, FAILURE_WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.set(key, 1, FAILURE_WINDOW_SECONDS)


def challenge(status: int = 401) -> HttpResponse:
    response = HttpResponse(
        "Log in with your archive username and password, or a personal access token as the password.",
        status=status,
        content_type="text/plain",
    )
    response["WWW-Authenticate"] = f'Basic realm="{settings.SITE_NAME}", charset="UTF-8"'
    return response


def accepts_basic_auth(view: View) -> View:
    """Let the view see the user named by HTTP Basic credentials or a bearer token; wrong ones get a challenge."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        if "HTTP_AUTHORIZATION" in request.META and not request.user.is_authenticated:
            key = _failure_key(request)
            if cache.get(key, 0) >= MAX_FAILURES:
                return HttpResponse("Too many failed logins; wait a little.", status=429, content_type="text/plain")
            user = authorization_user(request)
            if user is None:
                _count_failure(key)
                return challenge()
            request.user = user
        response = view(request, *args, **kwargs)
        patch_vary_headers(response, ["Authorization", "Cookie"])
        return response

    return wrapped
