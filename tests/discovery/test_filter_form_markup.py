"""The filter form's widgets are rendered in Python (discovery/forms.py) for speed; the markup must stay exactly
what Django's own widget templates give, whatever the reader typed."""

from __future__ import annotations

import pytest
from django import forms as django_forms
from django.http import QueryDict
from django.template.loader import render_to_string

from fanshelf.discovery import forms

TYPED = [
    "",
    "q=sea+%3Cb%3E&sort=kudos&direction=asc",
    "rating=Explicit&rating=Mature&warning=No+Archive+Warnings+Apply&crossover=only&complete=1",
    "single_chapter=on&otp=1&language=ar&words_from=1%2C000&posted_to=2026-01-01",
    "otp=no&ai=none&ai_exclude=some&shelf=reading&hide_shelf=finished&kudos_from=%22%3E%27",
    # CJK, Hebrew and curly quotes, as a reader may type them into the search box
    "q=%E7%81%AF%E5%8F%B0+%D7%99%D7%9D+%E2%80%9Cquoted%E2%80%9D&language=he",
]


def _form_html(typed: str) -> str:
    context = {"form": forms.FilterForm(QueryDict(typed)), "include": ["Tag “A”"], "exclude": [], "signed_in": True}
    return render_to_string("discovery/_filter_form.html", context)


@pytest.mark.parametrize("typed", TYPED)
def test_the_filter_form_is_the_markup_djangos_widget_templates_give(
    typed: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = _form_html(typed)
    monkeypatch.setattr(forms._Rendered, "render", django_forms.Widget.render)
    assert fast == _form_html(typed)
