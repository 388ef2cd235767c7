"""CSRF secrets drawn from one read of the system's random source.

Every page with a form gives a visitor without a CSRF cookie a new secret and a masked token (a new guest's work page
does, for its kudos and comment forms: most work pages of a busy archive). Django draws each of the 64 characters of
the secret and its mask by `secrets.choice`, one read of the random source each: ~66 µs a page, about 6 % of a
memoised work page. `install` gives Django's CSRF module a function that draws the same 32 characters of the same
alphabet, each uniform over it, from one read (bytes past the largest multiple of the alphabet's size are dropped, so
no character is likelier than another).
"""

from __future__ import annotations

import secrets

from django.core.exceptions import ImproperlyConfigured
from django.middleware import csrf


def new_csrf_string() -> str:
    """A secret or mask as Django's CSRF module draws them: CSRF_SECRET_LENGTH characters of CSRF_ALLOWED_CHARS."""
    alphabet, length = csrf.CSRF_ALLOWED_CHARS, csrf.CSRF_SECRET_LENGTH
    limit = 256 - 256 % len(alphabet)
    drawn: list[str] = []
    while len(drawn) < length:
        drawn += [alphabet[byte % len(alphabet)] for byte in secrets.token_bytes(length + 8) if byte < limit]
    return "".join(drawn[:length])


def install() -> None:
    """Draw Django's CSRF secrets and masks with `new_csrf_string` (core/apps.py, at start-up)."""
    if not callable(getattr(csrf, "_get_new_csrf_string", None)):
        raise ImproperlyConfigured("django.middleware.csrf no longer draws its secrets in _get_new_csrf_string")
    csrf._get_new_csrf_string = new_csrf_string
