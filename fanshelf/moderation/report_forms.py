from __future__ import annotations

from typing import Any

from django import forms

from fanshelf.core.numbers import WholeNumberField
from fanshelf.moderation.models import ReportCategory, ReportKind
from fanshelf.moderation.reports import MAX_REPORT_TEXT, MAX_SUSPENSION_DAYS, QUEUE_ACTIONS


class ReportForm(forms.Form):
    category = forms.ChoiceField(label="What is wrong?", choices=ReportCategory.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label="Tell the moderators more",
        required=False,
        # The action refuses what is too long with a message; the browser's own cap keeps typing honest.
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_REPORT_TEXT, "dir": "auto"}),
        help_text=f"Plain text, up to {MAX_REPORT_TEXT:,} characters. The person you report is not told who you are.",
    )
    guest_email = forms.CharField(
        label="Your email",
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="We send a confirmation there, and the moderators may write to you about the report.",
    )

    def __init__(self, *args: Any, guest: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not guest:
            del self.fields["guest_email"]


class QueueFilterForm(forms.Form):
    """The queue's tab, kind and age filters, read from the query string; anything unknown falls back."""

    tab = forms.ChoiceField(
        choices=[("open", "Open"), ("in_progress", "In progress"), ("resolved", "Resolved")], required=False
    )
    kind = forms.ChoiceField(label="Kind", choices=[("", "Any"), *ReportKind.choices], required=False)
    older_than = WholeNumberField(label="Older than (days)", required=False, min_value=0, max_value=3650)
    order = forms.ChoiceField(
        label="Order", choices=[("oldest", "Oldest first"), ("newest", "Newest first")], required=False
    )


class HandleReportForm(forms.Form):
    action = forms.ChoiceField(choices=[(name, name) for name in QUEUE_ACTIONS])
    reason = forms.CharField(
        label="Why",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
        help_text="Kept in the audit log; a warning or suspension shows it to the person.",
    )
    days = WholeNumberField(
        label="Suspend for (days)",
        required=False,
        min_value=1,
        max_value=MAX_SUSPENSION_DAYS,
        help_text="Empty suspends until a moderator reinstates the account.",
    )
