"""Authentication for e-reader apps (OPDS catalogues and their EPUB links), over the same accounts.

Browsers keep using the session; a request that carries an Authorization header and no session is
authenticated for that request only (no session is created), with either
- HTTP Basic: the archive username and password (django.contrib.auth.authenticate), or any username and a
  personal token as the password (apps that only know Basic), or
- `Authorization: Bearer <personal token>`.
Failed attempts count against the sign-in limit every way in shares (accounts/limits.py: per client address and
per account name), so the header is no way around the login limit. Revoked tokens, and tokens of suspended
accounts, are refused like wrong passwords; an account whose email is not confirmed is refused, as at the site login.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from functools import wraps

from allauth.account.utils import has_verified_email
from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import patch_vary_headers

from fanshelf.accounts import limits
from fanshelf.accounts.actions import user_for_token
from fanshelf.accounts.models import User

View = Callable[..., HttpResponseBase]


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


def _login_name(header: str) -> str:
    """The account a header names, for the per-account count: the Basic username (a bearer token names none)."""
    credentials = _credentials(header)
    return credentials[0] if credentials else ""


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
    # A token is tried first: apps that only know Basic send it with whatever username they were given.
    token_user = user_for_token(password)
    if token_user is not None or not username:
        return token_user
    user = authenticate(request, username=username, password=password)
    return user if isinstance(user, User) and user.is_active else None


def challenge(status: int = 401) -> HttpResponse:
    response = HttpResponse(
        "Log in with your archive username and password, or a personal access token as the password.",
        status=status,
        content_type="text/plain",
    )
    response["WWW-Authenticate"] = f'Basic realm="{settings.SITE_NAME}", charset="UTF-8"'
    return response


def _too_many(seconds: int) -> HttpResponse:
    # Plain text, as for the challenge: e-reader apps show the body as it is, if at all.
    response = HttpResponse(
        f"Too many failed logins from your address or for this account. Try again in {seconds} seconds.",
        status=429,
        content_type="text/plain",
    )
    response["Retry-After"] = str(seconds)
    return response


def accepts_basic_auth(view: View) -> View:
    """Let the view see the user named by HTTP Basic credentials or a bearer token; wrong ones get a challenge."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        if "HTTP_AUTHORIZATION" in request.META and not request.user.is_authenticated:
            login = _login_name(request.META["HTTP_AUTHORIZATION"])
            wait = limits.check(request, login)
            if wait:
                return _too_many(wait)
            user = authorization_user(request)
            if user is None:
                limits.record_failure(request, login)
                return challenge()
            if not has_verified_email(user):
                return HttpResponse(
                    "Confirm your email address first: log in on the archive's website to get the email again.",
                    status=403,
                    content_type="text/plain",
                )
            request.user = user
        response = view(request, *args, **kwargs)
        patch_vary_headers(response, ["Authorization", "Cookie"])
        return response

    return wrapped
