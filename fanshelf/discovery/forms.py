"""The listing sidebar's filter form: a plain GET form whose field names are the URL parameters WorkQuery parses.

Parsing and validation belong to `WorkQuery.from_params` alone (one parser for listings, the API and the CLI); this
form only renders the fields, bound to the parsed query (or, after an error, to what the reader typed). Included
and excluded tag names are rendered by the template: each current one as a checked box (untick to remove) plus
one empty text box.
"""

from __future__ import annotations

from django import forms
from django.http import QueryDict

from fanshelf.discovery.query import SORTS
from fanshelf.tags.models import CATEGORIES, RATINGS, WARNINGS
from fanshelf.works.languages import LANGUAGES

SORT_LABELS = {
    "best_match": "Best match (searches)",
    "creator": "Creator",
    "title": "Title",
    "posted": "Date posted",
    "updated": "Date updated",
    "words": "Word count",
    "hits": "Hits",
    "kudos": "Kudos",
    "comments": "Comments",
    "bookmarks": "Bookmarks",
}
SORT_CHOICES = [("", "Default (best match for searches, else date updated)")] + [(s, SORT_LABELS[s]) for s in SORTS]

RANGE_LABELS = {
    "words": "Words",
    "hits": "Hits",
    "kudos": "Kudos",
    "comments": "Comments",
    "bookmarks": "Bookmarks",
    "audio": "Podfic minutes",
}
DATE_LABELS = {"updated": "Date updated", "posted": "Date posted"}


def _count_input() -> forms.TextInput:
    # Text, not type=number: the parser accepts "1,000", and a browser would refuse it.
    return forms.TextInput(attrs={"inputmode": "numeric", "size": 8})


def _range_fields() -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {}
    for name, label in RANGE_LABELS.items():
        fields[f"{name}_from"] = forms.CharField(label=f"{label} from", required=False, widget=_count_input())
        fields[f"{name}_to"] = forms.CharField(label=f"{label} to", required=False, widget=_count_input())
    for name, label in DATE_LABELS.items():
        date = forms.DateInput(attrs={"type": "date"})
        fields[f"{name}_from"] = forms.CharField(label=f"{label} from", required=False, widget=date)
        fields[f"{name}_to"] = forms.CharField(label=f"{label} to", required=False, widget=date)
    return fields


class FilterForm(forms.Form):
    """Every filter of PRODUCT.md "Finding works" except included and excluded tags (see the module docstring)."""

    q = forms.CharField(label="Search text", required=False, widget=forms.TextInput(attrs={"type": "search"}))
    sort = forms.ChoiceField(label="Sort by", required=False, choices=SORT_CHOICES)
    direction = forms.ChoiceField(
        label="Direction",
        required=False,
        choices=[("", "Default"), ("desc", "Descending"), ("asc", "Ascending")],
    )
    rating = forms.MultipleChoiceField(
        label="Rating", required=False, choices=[(n, n) for n in RATINGS], widget=forms.CheckboxSelectMultiple
    )
    warning = forms.MultipleChoiceField(
        label="Archive warnings",
        required=False,
        choices=[(n, n) for n in WARNINGS],
        widget=forms.CheckboxSelectMultiple,
    )
    category = forms.MultipleChoiceField(
        label="Categories", required=False, choices=[(n, n) for n in CATEGORIES], widget=forms.CheckboxSelectMultiple
    )
    crossover = forms.ChoiceField(
        label="Crossovers",
        required=False,
        choices=[("include", "Include crossovers"), ("exclude", "Exclude crossovers"), ("only", "Only crossovers")],
        widget=forms.RadioSelect,
    )
    complete = forms.ChoiceField(
        label="Completion status",
        required=False,
        choices=[("", "All works"), ("1", "Complete works only"), ("0", "Works in progress only")],
        widget=forms.RadioSelect,
    )
    single_chapter = forms.BooleanField(label="Single chapter only", required=False)
    language = forms.ChoiceField(label="Language", required=False, choices=[("", "Any language"), *LANGUAGES])

    def __init__(self, data: QueryDict) -> None:
        data = data.copy()
        for name, default in (("crossover", "include"), ("complete", "")):
            if not data.get(name):  # an unset radio group shows its default as chosen
                data.setlist(name, [default])
        super().__init__(data)
        self.fields.update(_range_fields())

    def choice_groups(self) -> list[forms.BoundField]:
        """The checkbox and radio groups, each shown as a fieldset with its label as legend."""
        return [self[name] for name in ("rating", "warning", "category", "crossover", "complete")]

    def range_pairs(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        """(label, from field, to field) for every count and date range, in sidebar order."""
        names = [*RANGE_LABELS.items(), *DATE_LABELS.items()]
        return [(label, self[f"{name}_from"], self[f"{name}_to"]) for name, label in names]
