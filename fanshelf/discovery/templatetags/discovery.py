"""The listing sidebar's filter form, rendered once per distinct state of the form.

Django renders each of the form's ~30 widgets through its own templates, which cost more than the rest of a
listing page together; the form's HTML depends only on what it shows, so it is memoised by exactly that.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

from django import template
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from fanshelf.discovery.forms import FilterForm

register = template.Library()

_CACHE_SIZE = 1024
_forms: OrderedDict[tuple[object, ...], SafeString] = OrderedDict()
_lock = threading.Lock()


@register.simple_tag
def filter_form(form: FilterForm, include: Sequence[str], exclude: Sequence[str], error: str | None) -> SafeString:
    """The filter form's HTML for this bound data, these tag lists and whether an error is shown beside it."""
    data = form.data
    shown = sorted(data.lists()) if isinstance(data, QueryDict) else sorted((k, [str(v)]) for k, v in data.items())
    key = (
        tuple((name, tuple(values)) for name, values in shown),
        tuple(include or ()),
        tuple(exclude or ()),
        bool(error),
    )
    with _lock:
        cached = _forms.get(key)
        if cached is not None:
            _forms.move_to_end(key)
            return cached
    context = {"form": form, "include": include, "exclude": exclude, "error": error}
    html = mark_safe(render_to_string("discovery/_filter_form.html", context))
    with _lock:
        _forms[key] = html
        if len(_forms) > _CACHE_SIZE:
            _forms.popitem(last=False)
    return html
