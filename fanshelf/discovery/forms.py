"""The listing sidebar's filter form: a plain GET form whose field names are the URL parameters WorkQuery parses.

Parsing and validation belong to `WorkQuery.from_params` alone (one parser for listings, the API and the CLI); this
form only renders the fields, bound to the parsed query (or, after an error, to what the reader typed). Included
and excluded tag names are rendered by the template: each current one as a checked box (untick to remove) plus
one empty text box; those boxes offer completions through static/fanshelf/tags.js when scripts run.

Its widgets render in Python (`_Rendered`), exactly as Django's widget templates would: each listing never seen
before renders this form afresh, and through the templates its ~30 widgets cost more than the rest of the page.

The form offers only what works: a sort or range goes in NOT_YET_OFFERED while its count is not kept (the parser
still reads it, for links written elsewhere). Comment and bookmark counts are real (comments.actions and
bookmarks.actions keep them), so both are offered.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.safestring import SafeString, mark_safe

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


def _escape(value: Any) -> str:
    """django.utils.html.conditional_escape, without its lazy-string wrapper (a form renders ~1,000 values)."""
    return str(value.__html__()) if hasattr(value, "__html__") else html.escape(str(value))


def _attrs(attrs: Mapping[str, Any]) -> str:
    """django/forms/widgets/attrs.html: False leaves an attribute out, True writes its name alone."""
    return "".join(
        f" {_escape(name)}" if value is True else f' {_escape(name)}="{_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


# Each of Django's widget templates ends in a newline: kept inside a widget (an option's), stripped around it.


def _input(widget: Mapping[str, Any]) -> str:
    """django/forms/widgets/input.html."""
    value = "" if widget["value"] is None else f' value="{_escape(widget["value"])}"'
    return (
        f'<input type="{_escape(widget["type"])}" name="{_escape(widget["name"])}"{value}{_attrs(widget["attrs"])}>\n'
    )


def _option(option: Mapping[str, Any]) -> str:
    """django/forms/widgets/select_option.html, or input_option.html for a checkbox or radio button."""
    if option["type"] == "select":
        value, label = _escape(option["value"]), _escape(option["label"])
        return f'<option value="{value}"{_attrs(option["attrs"])}>{label}</option>\n'
    # checkbox_option.html and radio_option.html add a newline to input_option.html's.
    if not option["wrap_label"]:
        return _input(option) + "\n\n"
    for_id = option["attrs"].get("id")
    label_for = f' for="{_escape(for_id)}"' if for_id else ""
    return f"<label{label_for}>{_input(option)} {_escape(option['label'])}</label>\n\n"


def _choices(widget: Mapping[str, Any], select: bool) -> str:
    """django/forms/widgets/select.html and multiple_input.html (the filter form has no option groups)."""
    options = [option for _, group, _ in widget["optgroups"] for option in group]
    if select:
        inner = "".join(f"\n  {_option(option)}" for option in options)
        return f'<select name="{_escape(widget["name"])}"{_attrs(widget["attrs"])}>{inner}\n</select>'
    box_id, css = widget["attrs"].get("id"), widget["attrs"].get("class")
    opening = "<div" + (f' id="{_escape(box_id)}"' if box_id else "")
    opening += f' class="{_escape(css)}"' if css else ""
    return opening + ">" + "".join(f"<div>\n    {_option(option)}</div>" for option in options) + "\n</div>"


class _Rendered(forms.Widget):
    """A widget whose HTML is built here rather than by its template: the same markup, without the engine."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        html = _choices(widget, isinstance(self, forms.Select)) if "optgroups" in widget else _input(widget)
        return mark_safe(html.strip())  # as Django's renderer strips a widget's; every value went through _escape


class TextInput(_Rendered, forms.TextInput):
    pass


class DateInput(_Rendered, forms.DateInput):
    pass


class CheckboxInput(_Rendered, forms.CheckboxInput):
    pass


class Select(_Rendered, forms.Select):
    pass


class CheckboxSelectMultiple(_Rendered, forms.CheckboxSelectMultiple):
    pass


class RadioSelect(_Rendered, forms.RadioSelect):
    pass


def _count_input() -> TextInput:
    # Text, not type=number: the parser accepts "1,000", and a browser would refuse it.
    return TextInput(attrs={"inputmode": "numeric", "size": 8})


def _range_fields() -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {}
    for name, label in RANGE_LABELS.items():
        fields[f"{name}_from"] = forms.CharField(label=f"{label} from", required=False, widget=_count_input())
        fields[f"{name}_to"] = forms.CharField(label=f"{label} to", required=False, widget=_count_input())
    for name, label in DATE_LABELS.items():
        date = DateInput(attrs={"type": "date"})
        fields[f"{name}_from"] = forms.CharField(label=f"{label} from", required=False, widget=date)
        fields[f"{name}_to"] = forms.CharField(label=f"{label} to", required=False, widget=date)
    return fields


class FilterForm(forms.Form):
    """Every filter of PRODUCT.md "Finding works" except included and excluded tags (see the module docstring)."""

    q = forms.CharField(label="Search text", required=False, widget=TextInput(attrs={"type": "search"}))
    sort = forms.ChoiceField(label="Sort by", required=False, choices=SORT_CHOICES, widget=Select)
    direction = forms.ChoiceField(
        label="Direction",
        required=False,
        widget=Select,
        choices=[("", "Default"), ("desc", "Descending"), ("asc", "Ascending")],
    )
    rating = forms.MultipleChoiceField(
        label="Rating", required=False, choices=[(n, n) for n in RATINGS], widget=CheckboxSelectMultiple
    )
    warning = forms.MultipleChoiceField(
        label="Archive warnings",
        required=False,
        choices=[(n, n) for n in WARNINGS],
        widget=CheckboxSelectMultiple,
    )
    category = forms.MultipleChoiceField(
        label="Categories", required=False, choices=[(n, n) for n in CATEGORIES], widget=CheckboxSelectMultiple
    )
    crossover = forms.ChoiceField(
        label="Crossovers",
        required=False,
        choices=[("include", "Include crossovers"), ("exclude", "Exclude crossovers"), ("only", "Only crossovers")],
        widget=RadioSelect,
    )
    complete = forms.ChoiceField(
        label="Completion status",
        required=False,
        choices=[("", "All works"), ("1", "Complete works only"), ("0", "Works in progress only")],
        widget=RadioSelect,
    )
    single_chapter = forms.BooleanField(label=FIELD_LABELS["single_chapter"], required=False, widget=CheckboxInput)
    otp = forms.BooleanField(
        label="Works with exactly one relationship (OTP)",
        required=False,
        help_text="A relationship and its synonyms count as one. In the search text: otp:true.",
        widget=CheckboxInput(attrs={"aria-describedby": "otp-hint"}),
    )
    language = forms.ChoiceField(
        label="Language", required=False, choices=[("", "Any language"), *LANGUAGES], widget=Select
    )
    # The works' AI-use disclosure (docs/reuse.md): show only some, or hide some.
    ai = forms.MultipleChoiceField(
        label="AI use: only works that say",
        required=False,
        choices=list(AI_USES.items()),
        widget=CheckboxSelectMultiple,
    )
    ai_exclude = forms.MultipleChoiceField(
        label="AI use: hide works that say",
        required=False,
        choices=[(value, label) for value, label in AI_USES.items() if value != "none"],
        widget=CheckboxSelectMultiple,
    )
    # The reader's own shelves; the template shows these to signed-in readers only.
    shelf = forms.ChoiceField(
        label=FIELD_LABELS["shelf"],
        required=False,
        choices=[("", "Any shelf or none"), *SHELF_LABELS.items()],
        widget=Select,
    )
    hide_shelf = forms.MultipleChoiceField(
        label=FIELD_LABELS["hide_shelf"],
        required=False,
        choices=list(SHELF_LABELS.items()),
        widget=CheckboxSelectMultiple,
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
