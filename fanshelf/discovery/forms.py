"""The listing sidebar's filter form: a plain GET form whose field names are the URL parameters WorkQuery parses.

Parsing and validation belong to `WorkQuery.from_params` alone (one parser for listings, the API and the CLI); this
form only renders the fields, bound to the parsed query (or, after an error, to what the reader typed). Included
and excluded tag names are rendered by the template: each current one as a checked box (untick to remove) plus
one empty text box; those boxes offer completions through static/fanshelf/tags.js when scripts run.

The form offers only what works: a sort or range goes in NOT_YET_OFFERED while its count is not kept (the parser
still reads it, for links written elsewhere). Comment and bookmark counts are real (comments.actions and
bookmarks.actions keep them), so both are offered.
"""

from __future__ import annotations

from django import forms
from django.http import QueryDict

from fanshelf.discovery.query import AI_USES, DATE_LABELS, FALSE_WORDS, FIELD_LABELS, SORT_LABELS
from fanshelf.discovery.query import RANGE_LABELS as ALL_RANGE_LABELS
from fanshelf.discovery.reader_sets import SHELF_LABELS
from fanshelf.tags.models import CATEGORIES, RATINGS, WARNINGS
from fanshelf.works.languages import LANGUAGES

NOT_YET_OFFERED: frozenset[str] = frozenset()
SORT_CHOICES = [("", "Default (best match for searches, else date updated)")] + [
    (sort, "Best match (searches)" if sort == "best_match" else label) for sort, label in SORT_LABELS.items()
]
RANGE_LABELS = {name: label for name, label in ALL_RANGE_LABELS.items() if name not in NOT_YET_OFFERED}


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
    single_chapter = forms.BooleanField(label=FIELD_LABELS["single_chapter"], required=False)
    otp = forms.BooleanField(
        label="Works with exactly one relationship (OTP)",
        required=False,
        help_text="A relationship and its synonyms count as one. In the search text: otp:true.",
        widget=forms.CheckboxInput(attrs={"aria-describedby": "otp-hint"}),
    )
    language = forms.ChoiceField(label="Language", required=False, choices=[("", "Any language"), *LANGUAGES])
    # The works' AI-use disclosure (docs/reuse.md): show only some, or hide some.
    ai = forms.MultipleChoiceField(
        label="AI use: only works that say",
        required=False,
        choices=list(AI_USES.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    ai_exclude = forms.MultipleChoiceField(
        label="AI use: hide works that say",
        required=False,
        choices=[(value, label) for value, label in AI_USES.items() if value != "none"],
        widget=forms.CheckboxSelectMultiple,
    )
    # The reader's own shelves; the template shows these to signed-in readers only.
    shelf = forms.ChoiceField(
        label=FIELD_LABELS["shelf"], required=False, choices=[("", "Any shelf or none"), *SHELF_LABELS.items()]
    )
    hide_shelf = forms.MultipleChoiceField(
        label=FIELD_LABELS["hide_shelf"],
        required=False,
        choices=list(SHELF_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, data: QueryDict) -> None:
        data = data.copy()
        for name, default in (("crossover", "include"), ("complete", "")):
            if not data.get(name):  # an unset radio group shows its default as chosen
                data.setlist(name, [default])
        if data.get("otp", "").strip().lower() in FALSE_WORDS:  # a checkbox reads any non-empty value as ticked
            data.pop("otp")
        super().__init__(data)
        self.fields.update(_range_fields())

    def choice_groups(self) -> list[forms.BoundField]:
        """The checkbox and radio groups, each shown as a fieldset with its label as legend."""
        return [self[name] for name in ("rating", "warning", "category", "crossover", "complete", "ai", "ai_exclude")]

    def range_pairs(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        """(label, from field, to field) for every count and date range, in sidebar order."""
        names = [*RANGE_LABELS.items(), *DATE_LABELS.items()]
        return [(label, self[f"{name}_from"], self[f"{name}_to"]) for name, label in names]
