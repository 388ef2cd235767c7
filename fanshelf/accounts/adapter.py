from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.formats import date_format

from fanshelf.accounts import invitation_views, invitations, limits
from fanshelf.accounts.actions import end_suspension_if_over
from fanshelf.accounts.models import USERNAME_VALIDATOR, User


def _login(credentials: dict[str, Any]) -> str:
    return str(credentials.get("username") or credentials.get("email") or "")


def _end_or_explain_suspension(request: HttpRequest, credentials: dict[str, Any]) -> None:
    """A suspension for a set time ends at the first sign-in after it is over, so no scheduled job is needed. While
    it lasts, the person who gives the right password is told until when; anyone else learns nothing about it."""
    name = _login(credentials)
    user = User.objects.filter(Q(username__iexact=name) | Q(email__iexact=name), is_active=False).first()
    if user is None or end_suspension_if_over(user) or not user.check_password(credentials.get("password", "")):
        return
    if user.suspended_until is not None:
        until = date_format(timezone.localtime(user.suspended_until), "DATETIME_FORMAT")
        messages.error(request, f"Your account is suspended until {until} (UTC). You can sign in again then.")
    else:
        messages.error(request, "Your account is suspended until a moderator reinstates it.")
    raise ImmediateHttpResponse(redirect("account_login"))


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

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Open, by invitation with a usable code, or closed: the moderators' switch (docs/signups.md).
        return invitations.signup_allowed(invitation_views.invitation_code(request))

    def save_user(self, request: HttpRequest, user: User, form: forms.Form, commit: bool = True) -> User:
        # One transaction for the account and the invitation it spends, so a code is never used twice.
        with transaction.atomic():
            saved: User = super().save_user(request, user, form, commit=commit)
            if commit:
                invitation_views.account_made(request, saved)
        return saved

    def format_email_subject(self, subject: str) -> str:
        # Without django.contrib.sites allauth would prefix the host name ("[127.0.0.1:8000]").
        return f"[{settings.SITE_NAME}] {subject}"

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        wait = limits.check(request, _login(credentials))
        if wait:
            # allauth's AccountMiddleware answers with this response: a 429 page with Retry-After.
            raise ImmediateHttpResponse(limits.refusal(request, wait))
        _end_or_explain_suspension(request, credentials)

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        limits.record_failure(request, _login(credentials))
