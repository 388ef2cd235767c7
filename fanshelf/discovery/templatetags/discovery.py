"""The listing sidebar's filter form, rendered once per distinct state of the form.

Django renders each of the form's ~30 widgets through its own templates, which cost more than the rest of a
listing page together; the form's HTML depends only on what it shows, so it is memoised by exactly that, and the
form object itself is only built when its HTML is not memoised yet. The search text is the exception: nearly every
search is a text never searched before, and rendering the form for it cost ~4 ms, a sixth of a search. The form is
memoised with a mark for its value, filled in for each request.
"""

from __future__ import annotations

import html
import secrets
from collections.abc import Sequence

from django import template
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from fanshelf.core.memo import Memo
from fanshelf.discovery.forms import FilterForm

register = template.Library()

_forms: Memo[SafeString] = Memo(1024)
# The search box's value in a memoised form: random per process, so no text a reader searches for can stand for it.
_SEARCH_MARK = f"search-{secrets.token_hex(8)}"


@register.simple_tag
def filter_form(
    data: QueryDict, include: Sequence[str], exclude: Sequence[str], error: str | None, signed_in: bool = False
) -> SafeString:
    """The filter form's HTML for this data, these tag lists, whether an error is shown beside it and whether the
    reader is signed in (then it offers filters on their shelves)."""
    key = (
        # The page is not in the form; the search text is put in below.
        tuple((name, tuple(values)) for name, values in sorted(data.lists()) if name not in ("page", "q")),
        tuple(include or ()),
        tuple(exclude or ()),
        bool(error),
        signed_in,
    )

    def render() -> SafeString:
        marked = data.copy()
        marked["q"] = _SEARCH_MARK
        context = {
            "form": FilterForm(marked),
            "include": include,
            "exclude": exclude,
            "error": error,
            "signed_in": signed_in,
            "exclusions_off": data.get("exclusions") == "off",  # kept, so filtering again keeps them off
        }
        return mark_safe(render_to_string("discovery/_filter_form.html", context))

    text = data.get("q") or ""
    value = f' value="{html.escape(text)}"' if text else ""  # Django's text input has no value when it is empty
    form = _forms.get_or_make(key, render).replace(f' value="{_SEARCH_MARK}"', value, 1)
    return mark_safe(form)  # the memoised form's HTML with an escaped value put in
