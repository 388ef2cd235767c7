from __future__ import annotations

from django import forms

from fanshelf.moderation.models import SiteSettings


class SiteSettingsForm(forms.ModelForm[SiteSettings]):
    reason = forms.CharField(
        required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), help_text="Kept in the audit log."
    )

    class Meta:
        model = SiteSettings
        fields = [
            "read_only",
            "notice",
            "guest_comments",
            "downloads",
            "default_comment_permission",
            "signups",
            "invitations_per_batch",
            "invitation_hours",
        ]
