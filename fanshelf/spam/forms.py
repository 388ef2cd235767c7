from __future__ import annotations

from django import forms


class VerdictForm(forms.Form):
    verdict = forms.ChoiceField(choices=[("spam", "Spam"), ("not_spam", "Not spam"), ("suspend", "Suspend for spam")])
    reason = forms.CharField(required=False, max_length=1000, label="Why (kept in the audit log)")
