"""The comment box. It only shapes input; who may comment and the limits live in comments.actions."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from fanshelf.accounts.models import Pseud, User
from fanshelf.comments.models import MAX_COMMENT
from fanshelf.core.numbers import IdChoiceField


class CommentForm(forms.Form):
    pseud = IdChoiceField(queryset=Pseud.objects.none(), empty_label=None, label="Comment as")
    guest_name = forms.CharField(max_length=100, label="Your name")
    guest_email = forms.EmailField(label="Your email", help_text="Never shown; only for replies you ask for.")
    guest_wants_replies = forms.BooleanField(required=False, label="Email me replies to this comment")
    # No max_length here: the action says how long the comment is and what the limit is (works/cleaning.py).
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Comment",
        strip=False,
        help_text=f"Up to {MAX_COMMENT:,} characters; some HTML is allowed.",
    )

    def __init__(self, *args: Any, user: User | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is None:
            del self.fields["pseud"]
        else:
            del self.fields["guest_name"], self.fields["guest_email"], self.fields["guest_wants_replies"]
            pseuds = cast(forms.ModelChoiceField, self.fields["pseud"])  # type: ignore[type-arg]
            pseuds.queryset = user.pseuds.all()
            self.initial.setdefault("pseud", user.default_pseud().pk)


class EditCommentForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), label="Comment", strip=False)
