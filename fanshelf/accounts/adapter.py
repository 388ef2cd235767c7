from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.conf import settings
from django.db.models.functions import Lower

from fanshelf.accounts.models import USERNAME_VALIDATOR, User


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    """Usernames: 3-40 characters, letters/numbers/underscores, unique ignoring case. Emails carry the site name."""

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
