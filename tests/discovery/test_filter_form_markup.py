"""The filter form's widgets are rendered in Python (discovery/forms.py) for speed; the markup must stay exactly
what Django's own widget templates give, whatever the reader typed."""

from __future__ import annotations

import pytest
from django import forms as django_forms
from django.http import QueryDict
from django.template.loader import render_to_string
from django.test import Client

from fanshelf.discovery import forms
from tests.core.pages import parse

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
    context = {"form": forms.FilterForm(QueryDict(typed)), "signed_in": True}
    return render_to_string("discovery/_filter_form.html", context)


@pytest.mark.parametrize("typed", TYPED)
def test_the_filter_form_is_the_markup_djangos_widget_templates_give(
    typed: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = _form_html(typed)
    monkeypatch.setattr(forms._Rendered, "render", django_forms.Widget.render)
    assert fast == _form_html(typed)


def _tag_boxes(client: Client, url: str) -> dict[str, list[str]]:
    """The ticked tag boxes of a listing's filter form, by kind (include or exclude)."""
    form = parse(client.get(url).content.decode()).select_one("form.filters")
    assert form is not None
    boxes: dict[str, list[str]] = {"include": [], "exclude": []}
    for box in form.select("input[type=checkbox][checked]"):
        if box["name"] in boxes:
            boxes[str(box["name"])].append(str(box["value"]))
    return boxes


def test_each_listing_ticks_its_own_tags_in_a_form_shared_with_other_listings(guest: Client) -> None:
    """The form is memoised without its tags (discovery/templatetags/discovery.py): a listing that reuses another's
    form still shows its own tags, escaped, and its own search text."""
    hostile = '"><b>x “curly” 灯 שלום'
    first = _tag_boxes(guest, "/works/?include=Lamps&exclude=Gen&sort=kudos")
    second = _tag_boxes(guest, f"/works/?include={hostile}&sort=kudos")
    third = _tag_boxes(guest, "/works/?sort=kudos")

    assert first == {"include": ["Lamps"], "exclude": ["Gen"]}
    assert second == {"include": [hostile], "exclude": []}
    assert third == {"include": [], "exclude": []}
    page = guest.get(f"/works/?include={hostile}&sort=kudos&q=sea").content.decode()
    assert "<b>x" not in page
    search = parse(page).select_one("form.filters input[name=q]")
    assert search is not None
    assert search["value"] == "sea"
