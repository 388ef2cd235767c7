"""The listing sidebar's filter form, rendered once per distinct state of the form.

Django renders each of the form's ~30 widgets through its own templates, which cost more than the rest of a
listing page together; the form's HTML depends only on what it shows, so it is memoised by exactly that, and the
form object itself is only built when its HTML is not memoised yet.
"""

from __future__ import annotations

from collections.abc import Sequence

from django import template
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from fanshelf.core.memo import Memo
from fanshelf.discovery.forms import FilterForm

register = template.Library()

_forms: Memo[SafeString] = Memo(1024)


@register.simple_tag
def filter_form(
    data: QueryDict, include: Sequence[str], exclude: Sequence[str], error: str | None, signed_in: bool = False
) -> SafeString:
    """The filter form's HTML for this data, these tag lists, whether an error is shown beside it and whether the
    reader is signed in (then it offers filters on their shelves)."""
    key = (
        tuple((name, tuple(values)) for name, values in sorted(data.lists()) if name != "page"),  # not in the form
        tuple(include or ()),
        tuple(exclude or ()),
        bool(error),
        signed_in,
    )

    def render() -> SafeString:
        context = {
            "form": FilterForm(data),
            "include": include,
            "exclude": exclude,
            "error": error,
            "signed_in": signed_in,
            "exclusions_off": data.get("exclusions") == "off",  # kept, so filtering again keeps them off
        }
        return mark_safe(render_to_string("discovery/_filter_form.html", context))

    return _forms.get_or_make(key, render)
