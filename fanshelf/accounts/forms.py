from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from fanshelf.accounts.actions import (
    PREFERENCE_FIELDS,
    PSEUD_NAME_MAX,
    TOKEN_NAME_MAX,
    USERNAME_MAX,
    USERNAME_MIN,
    LeavingWorks,
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


# Preferences for features that do not exist yet: the model keeps them, but the page does not offer a choice
# that changes nothing until those features land. (Co-creators, gifts and citing are built: docs/sharing.md.)
NOT_YET_OFFERED: frozenset[str] = frozenset()
OFFERED_PREFERENCES = tuple(field for field in PREFERENCE_FIELDS if field not in NOT_YET_OFFERED)


class PreferencesForm(forms.ModelForm[User]):
    time_zone = forms.ChoiceField(label="Time zone", choices=time_zone_choices, help_text="Dates are shown in it.")

    class Meta:
        model = User
        fields = OFFERED_PREFERENCES
        help_texts = {
            "reuse_ai_training": "Each new work starts with these four answers; you can change them on any work.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in _REUSE_PREFERENCES:  # a form posted without them (an older page, a script) keeps them
            self.fields[name].required = False

    def changes(self) -> dict[str, object]:
        kept = {name for name in _REUSE_PREFERENCES if not self.cleaned_data.get(name)}
        return {field: self.cleaned_data[field] for field in OFFERED_PREFERENCES if field not in kept}


_REUSE_PREFERENCES = ("reuse_podfic", "reuse_translation", "reuse_remix", "reuse_ai_training")


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


_KEEP_NAMES_LABEL = "Keep showing my pseud’s name on orphaned works (as “name (orphan_account)”)"


class DeletePseudForm(forms.Form):
    """What becomes of a pseud's works (and where its bookmarks and comments go) when it is deleted."""

    works = forms.ChoiceField(
        label="Its works",
        choices=[(value, label) for value, label in LeavingWorks.choices],
        widget=forms.RadioSelect,
    )
    target = forms.ModelChoiceField(
        label="Move them to",
        queryset=Pseud.objects.none(),
        required=False,
        help_text="Also where the pseud's bookmarks and comments go; otherwise they go to your default pseud.",
    )
    keep_names = forms.BooleanField(label=_KEEP_NAMES_LABEL, required=False)

    def __init__(self, *args: Any, pseud: Pseud, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = pseud.user.pseuds.exclude(pk=pseud.pk)
        target = cast("forms.ModelChoiceField[Pseud]", self.fields["target"])
        target.queryset = others
        target.initial = others.filter(is_default=True).first()


class DeleteAccountForm(forms.Form):
    works = forms.ChoiceField(
        label="Your works",
        choices=[(value, label) for value, label in LeavingWorks.choices if value != LeavingWorks.MOVE],
        widget=forms.RadioSelect,
        help_text="Works you made with others lose only your credit either way; your drafts are deleted.",
    )
    keep_names = forms.BooleanField(label=_KEEP_NAMES_LABEL, required=False)
    delete_comments = forms.BooleanField(
        label="Delete my comments too",
        required=False,
        help_text="Otherwise they stay, signed “(deleted account)”.",
    )
    password = forms.CharField(
        label="Current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label="I understand that deleting my account cannot be undone.",
        error_messages={"required": "Tick the box to confirm: deleting your account cannot be undone."},
    )


class InvitationRequestForm(forms.Form):
    """Asking for an invitation while sign-ups are by invitation (accounts/invitations.request_invitation)."""

    email = forms.EmailField(
        max_length=254, help_text="We email your invitation here when your turn comes, and use it for nothing else."
    )


class InviteNowForm(forms.Form):
    """A moderator inviting someone at once (accounts/invitations.invite_now)."""

    email = forms.EmailField(max_length=254, label="Invite this address now")
