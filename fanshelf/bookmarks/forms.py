from __future__ import annotations

from typing import Any

from django import forms

from fanshelf.accounts.models import Pseud, User
from fanshelf.bookmarks.actions import BookmarkFields, ExternalFields
from fanshelf.bookmarks.models import Bookmark
from fanshelf.bookmarks.work_filters import MAX_TAGS, WorkFilters, filterable_name, resolve_tag_names
from fanshelf.core.numbers import IdChoiceField, NotANumber, number_message, parse_digits
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


class TagNamesInput(forms.TextInput):
    """Comma-separated names; a repeated parameter (include=A&include=B, as the works listings write) adds more."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> str:
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name) or ""]
        return ", ".join(value for value in values if value.strip())


def _tag_names_field(label: str) -> forms.CharField:
    return forms.CharField(
        required=False, max_length=2000, label=label, widget=TagNamesInput, help_text="Canonical tags, separated "
        "with commas; their synonyms and subtags count too.",
    )  # fmt: skip


def _count_field(label: str) -> forms.CharField:
    # Text, not type=number, as on the works listings: "1,000" is accepted there too.
    return forms.CharField(required=False, max_length=40, label=label, widget=forms.TextInput({"inputmode": "numeric"}))


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
    include = _tag_names_field("Bookmarked works' tags: all of")
    exclude = _tag_names_field("Bookmarked works' tags: none of")
    rating = forms.MultipleChoiceField(
        required=False, label="Rating", choices=[(n, n) for n in RATINGS], widget=forms.CheckboxSelectMultiple
    )
    complete = forms.ChoiceField(
        required=False,
        label="Completion status",
        choices=[("", "All"), ("1", "Complete works only"), ("0", "Works in progress only")],
    )
    words_from = _count_field("Words from")
    words_to = _count_field("Words to")
    sort = forms.ChoiceField(
        required=False, label="Sort by", choices=[("", "Date bookmarked"), ("updated", "Date updated")]
    )

    def _tags(self, name: str) -> tuple[str, ...]:
        """The canonical names of the tags typed in `name` (a synonym gives its canonical's)."""
        names = split_names(self.cleaned_data.get(name) or "")
        if len(names) > MAX_TAGS:
            self.add_error(name, f"Choose at most {MAX_TAGS} tags.")
            return ()
        tags, unknown = resolve_tag_names(names)
        if unknown:
            self.add_error(name, "No canonical tag is named " + ", ".join(f"“{n}”" for n in unknown) + ".")
        return tuple(tag.name for tag in tags)

    def _count(self, name: str) -> int | None:
        raw = (self.cleaned_data.get(name) or "").strip().replace(",", "")
        if not raw:
            return None
        try:
            return parse_digits(raw)
        except NotANumber:
            self.add_error(name, number_message(str(self.fields[name].label), raw))
            return None

    def clean(self) -> dict[str, Any]:
        """The bookmarked works' filters, resolved once, as `works` (a WorkFilters)."""
        data = super().clean() or {}
        include, exclude = self._tags("include"), self._tags("exclude")
        # One tag of the bookmarked works, as any tag's name (wrangled or not): another include; none if unknown.
        work_tag = (data.get("work_tag") or "").strip()
        work_tag_name = filterable_name(work_tag) if work_tag else None
        if work_tag_name is not None:
            include = tuple(dict.fromkeys((*include, work_tag_name)))
        complete = {"1": True, "0": False}.get(data.get("complete") or "")
        data["works"] = WorkFilters(
            include=include,
            exclude=exclude,
            unmatched=bool(work_tag) and work_tag_name is None,
            ratings=tuple(data.get("rating") or ()),
            complete=complete,
            words_from=self._count("words_from"),
            words_to=self._count("words_to"),
        )
        return data
