from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from django import forms
from django.conf import settings
from django.db.models.functions import Lower
from django.http import HttpRequest

from fanshelf.accounts import limits
from fanshelf.accounts.models import USERNAME_VALIDATOR, User


def _login(credentials: dict[str, Any]) -> str:
    return str(credentials.get("username") or credentials.get("email") or "")


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    """Usernames: 3-40 characters, letters/numbers/underscores, unique ignoring case. Emails carry the site name.
    Sign-in attempts count against the limit every way in shares (accounts/limits.py), not allauth's own."""

    def clean_username(self, username: str, shallow: bool = False) -> str:
        username = super().clean_username(username, shallow=shallow)
        if len(username) > 40:
            raise forms.ValidationError("Usernames can be at most 40 characters.")
        USERNAME_VALIDATOR(username)
        if not shallow and User.objects.annotate(lower=Lower("username")).filter(lower=username.lower()).exists():
            raise forms.ValidationError("That username is taken.")
        return username

    def format_email_subject(self, subject: str) -> str:
        # Without django.contrib.sites allauth would prefix the host name ("[127.0.0.1:8000]").
        return f"[{settings.SITE_NAME}] {subject}"

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        wait = limits.check(request, _login(credentials))
        if wait:
            # allauth's AccountMiddleware answers with this response: a 429 page with Retry-After.
            raise ImmediateHttpResponse(limits.refusal(request, wait))

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        limits.record_failure(request, _login(credentials))
