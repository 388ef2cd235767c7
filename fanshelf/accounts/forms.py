from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from fanshelf.accounts.actions import (
    PREFERENCE_FIELDS,
    PSEUD_NAME_MAX,
    TOKEN_NAME_MAX,
    USERNAME_MAX,
    USERNAME_MIN,
    PseudFields,
)
from fanshelf.accounts.models import Pseud, User


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


def add_action_errors(form: forms.Form, error: ValidationError) -> None:
    """Show an action's refusal on the form: field errors next to their fields, the rest at the top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error)


class PseudForm(forms.Form):
    name = forms.CharField(
        max_length=PSEUD_NAME_MAX,
        help_text="1 to 40 characters: letters, numbers, spaces, dots, hyphens and underscores.",
    )
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=Pseud._meta.get_field("description").max_length,
        help_text="Shown on the pseud's page. Plain text.",
    )

    def __init__(self, *args: Any, pseud: Pseud | None = None, **kwargs: Any) -> None:
        if pseud is not None:
            kwargs.setdefault("initial", {"name": pseud.name, "description": pseud.description})
        super().__init__(*args, **kwargs)
        if pseud is not None and pseud.is_default:
            # The default pseud carries the username; it changes only with the username.
            self.fields["name"].disabled = True
            self.fields["name"].help_text = "Your default pseud is named after your username."

    def pseud_fields(self) -> PseudFields:
        return PseudFields(name=self.cleaned_data["name"], description=self.cleaned_data["description"])


# Preferences for features that do not exist yet (co-creator invitations, gifts): the model
# keeps them, but the page does not offer a choice that changes nothing until those features land.
NOT_YET_OFFERED = frozenset({"allow_cocreators", "allow_gifts"})
OFFERED_PREFERENCES = tuple(field for field in PREFERENCE_FIELDS if field not in NOT_YET_OFFERED)


class PreferencesForm(forms.ModelForm[User]):
    time_zone = forms.ChoiceField(label="Time zone", choices=time_zone_choices, help_text="Dates are shown in it.")

    class Meta:
        model = User
        fields = OFFERED_PREFERENCES

    def changes(self) -> dict[str, object]:
        return {field: self.cleaned_data[field] for field in OFFERED_PREFERENCES}


class UsernameForm(forms.Form):
    username = forms.CharField(
        label="New username",
        max_length=USERNAME_MAX,
        help_text=f"{USERNAME_MIN} to {USERNAME_MAX} characters: letters, numbers and underscores.",
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label="Current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=TOKEN_NAME_MAX,
        help_text="What the token is for, such as “KOReader on my e-reader”.",
    )
