from __future__ import annotations

from typing import Any

from django import forms

from fanshelf.accounts.models import Pseud, User
from fanshelf.bookmarks.actions import BookmarkFields, ExternalFields
from fanshelf.bookmarks.models import Bookmark
from fanshelf.core.numbers import IdChoiceField
from fanshelf.tags.models import RATINGS


def split_names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


class BookmarkForm(forms.Form):
    pseud = IdChoiceField(queryset=Pseud.objects.none(), empty_label=None, label="Bookmark as")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False)
    tags = forms.CharField(required=False, label="Your tags", help_text="Separate tags with commas.")
    rec = forms.BooleanField(required=False, label="Rec (recommend it to others)")
    private = forms.BooleanField(required=False, label="Private bookmark (only you will see it)")

    def __init__(self, user: User, *args: Any, bookmark: Bookmark | None = None, **kwargs: Any) -> None:
        if bookmark is not None:
            kwargs["initial"] = {
                "pseud": bookmark.pseud_id,
                "notes": bookmark.notes,
                "tags": ", ".join(tag.name for tag in bookmark.tags.all()),
                "rec": bookmark.rec,
                "private": bookmark.private,
            }
        else:
            kwargs["initial"] = {"pseud": user.default_pseud().pk}
        super().__init__(*args, **kwargs)
        pseud_field = self.fields["pseud"]
        if isinstance(pseud_field, forms.ModelChoiceField):  # always: declared above
            pseud_field.queryset = user.pseuds.all()

    def to_fields(self) -> BookmarkFields:
        data = self.cleaned_data
        return BookmarkFields(
            pseud=data["pseud"], notes=data["notes"], tags=split_names(data["tags"]), rec=data["rec"],
            private=data["private"],
        )  # fmt: skip


class ExternalWorkForm(forms.Form):
    url = forms.CharField(label="URL", widget=forms.URLInput)
    title = forms.CharField()
    creator = forms.CharField()
    fandoms = forms.CharField(help_text="At least one; separate fandoms with commas.")
    rating = forms.ChoiceField(required=False, choices=[("", "No rating"), *((name, name) for name in RATINGS)])
    relationships = forms.CharField(required=False)
    characters = forms.CharField(required=False)

    def to_fields(self) -> ExternalFields:
        data = self.cleaned_data
        return ExternalFields(
            url=data["url"], title=data["title"], creator=data["creator"], fandoms=split_names(data["fandoms"]),
            rating=data["rating"], relationships=split_names(data["relationships"]),
            characters=split_names(data["characters"]),
        )  # fmt: skip


class BookmarkFilterForm(forms.Form):
    """A bookmark listing's filters and sorts, as GET parameters."""

    type = forms.ChoiceField(
        required=False,
        label="Type",
        choices=[("", "All"), ("work", "Works"), ("series", "Series"), ("external", "External works")],
    )
    rec = forms.BooleanField(required=False, label="Recs only")
    with_notes = forms.BooleanField(required=False, label="With notes only")
    tag = forms.CharField(required=False, max_length=150, label="Bookmarker's tag")
    work_tag = forms.CharField(
        required=False, max_length=150, label="Tag of the bookmarked work", help_text="Its synonyms and subtags too."
    )
    sort = forms.ChoiceField(
        required=False, label="Sort by", choices=[("", "Date bookmarked"), ("updated", "Date updated")]
    )
