"""The listing sidebar's filter form, rendered once per distinct state of the form.

Django renders each of the form's ~30 widgets through its own templates, which cost more than the rest of a
listing page together; the form's HTML depends only on what it shows, so it is memoised by exactly that, and the
form object itself is only built when its HTML is not memoised yet. Two parts are the exception, put in for each
request where the memoised form has marks for them: the search text (nearly every search is a text never searched
before, and rendering the form for it cost ~4 ms, a sixth of a search) and the included and excluded tags (nearly
every listing seen for the first time differs from the others in its tags, so a form keyed by them was rendered
again for most first views; the rest of the form takes few values: sorts, ratings, ranges).
"""

from __future__ import annotations

import html
import secrets
from collections.abc import Sequence

from django import template
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from fanshelf.core.memo import Memo
from fanshelf.discovery.forms import FilterForm

register = template.Library()

_forms: Memo[SafeString] = Memo(1024)
# The search box's value in a memoised form: random per process, so no text a reader searches for can stand for it.
_SEARCH_MARK = f"search-{secrets.token_hex(8)}"
# Where the included and excluded tags' fieldsets go: HTML no tag name can put there (its `<` is escaped).
_TAGS_MARK = f"<tags-{secrets.token_hex(8)}>"
# Query parameters the memoised form leaves to be put in (`page` is not in the form at all).
_PUT_IN: tuple[str, ...] = ("page", "q", "include", "exclude")


@register.simple_tag
def filter_form(
    data: QueryDict, include: Sequence[str], exclude: Sequence[str], error: str | None, signed_in: bool = False
) -> SafeString:
    """The filter form's HTML for this data, these tag lists, whether an error is shown beside it and whether the
    reader is signed in (then it offers filters on their shelves)."""
    key = (
        tuple((name, tuple(values)) for name, values in sorted(data.lists()) if name not in _PUT_IN),
        bool(error),
        signed_in,
    )

    def render() -> SafeString:
        marked = data.copy()
        marked["q"] = _SEARCH_MARK
        context = {
            "form": FilterForm(marked),
            "tag_filters": mark_safe(_TAGS_MARK),  # this module's own mark
            "error": error,
            "signed_in": signed_in,
            "exclusions_off": data.get("exclusions") == "off",  # kept, so filtering again keeps them off
        }
        return mark_safe(render_to_string("discovery/_filter_form.html", context))

    text = data.get("q") or ""
    value = f' value="{html.escape(text)}"' if text else ""  # Django's text input has no value when it is empty
    form = _forms.get_or_make(key, render).replace(f' value="{_SEARCH_MARK}"', value, 1)
    completions = html.escape(reverse("discovery:tag_names"))
    tags = "".join(
        _tag_filter(kind, names, legend, completions)
        for kind, names, legend in (("include", include, "Include tags"), ("exclude", exclude, "Exclude tags"))
    )
    return mark_safe(form.replace(_TAGS_MARK, tags, 1))  # the memoised form with escaped parts put in


def _tag_filter(kind: str, names: Sequence[str], legend: str, completions: str) -> str:
    """The fieldset of the tags included (or excluded): a ticked box for each, untick to remove it, and a box for
    another, which offers completions from the address `completions` when scripts run (static/fanshelf/tags.js)."""
    boxes = "".join(
        f'\n  <p><label><input type="checkbox" name="{kind}" value="{html.escape(name)}" checked>'
        f" {html.escape(name)}</label></p>"
        for name in names
    )
    hint = '\n  <p class="hint">Untick a tag to remove it.</p>' if names else ""
    return (
        f"<fieldset>\n  <legend>{legend}</legend>{boxes}{hint}\n"
        f'  <p><label for="id_{kind}_new">Another tag to {kind}</label> <input type="text" name="{kind}"'
        f' id="id_{kind}_new" maxlength="150" autocomplete="off" data-tag-complete="{completions}"'
        f' aria-describedby="id_{kind}_hint"></p>\n'
        f'  <p class="hint" id="id_{kind}_hint">A name that is no tag is searched for as text.</p>\n</fieldset>\n'
    )
