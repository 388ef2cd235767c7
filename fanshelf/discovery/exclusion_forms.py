"""The exclusions page's form: it only collects what the reader typed and ticked; `actions.save_exclusion_profile`
resolves the names and refuses what cannot be saved, with messages shown by the field they concern."""

from __future__ import annotations

from django import forms

from fanshelf.discovery.actions import ExclusionChoices
from fanshelf.discovery.exclusions import PROFILE_SHELVES
from fanshelf.tags.models import RATINGS, WARNINGS
from fanshelf.works.languages import LANGUAGES


class ExclusionForm(forms.Form):
    tags = forms.CharField(
        label="Tags to hide",
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3, "data-tag-complete": "/autocomplete/tags/"}),
        help_text="Comma-separated tag names of any type. A tag's synonyms and subtags are hidden with it.",
    )
    creators = forms.CharField(
        label="Creators to hide",
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Comma-separated: a username hides all of that account's pseuds; “pseud (username)” one pseud. "
        "Anonymous works are never hidden by creator.",
    )
    languages = forms.MultipleChoiceField(
        label="Languages to hide", required=False, choices=LANGUAGES, widget=forms.CheckboxSelectMultiple
    )
    ratings = forms.MultipleChoiceField(
        label="Ratings to hide", required=False, choices=[(n, n) for n in RATINGS], widget=forms.CheckboxSelectMultiple
    )
    warnings = forms.MultipleChoiceField(
        label="Archive warnings to hide",
        required=False,
        choices=[(n, n) for n in WARNINGS],
        widget=forms.CheckboxSelectMultiple,
    )
    crossovers = forms.BooleanField(label="Hide crossovers (works in unrelated fandoms)", required=False)
    max_fandoms = forms.CharField(
        label="Hide works with more than this many fandoms",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}),
        help_text="Fandoms under one metatag count once, as for crossovers. Leave empty for no limit.",
    )
    shelves = forms.MultipleChoiceField(
        label="Hide works on my shelves",
        required=False,
        choices=list(PROFILE_SHELVES.items()),
        widget=forms.CheckboxSelectMultiple,
    )

    def choices(self) -> ExclusionChoices:
        data = self.cleaned_data
        return ExclusionChoices(
            tags=data["tags"],
            creators=data["creators"],
            languages=list(data["languages"]),
            ratings=list(data["ratings"]),
            warnings=list(data["warnings"]),
            crossovers=bool(data["crossovers"]),
            max_fandoms=data["max_fandoms"],
            shelves=list(data["shelves"]),
        )
