"""A listing's body built in Python: what discovery/listing_body.html gives for a page of results shown as they are
(no filter error, no exclusion line, no names searched as text), which is nearly every listing a guest opens. The
template took ~0.4 ms of CPU for it, a tenth of a listing seen for the first time: its includes, conditions and
context processors, around parts that are already HTML (the blurbs, the facets, the filter form, the page links).
Other pages, and the pages that extend the template (a tag's, a creator's), use the template;
tests/discovery/test_listing_body.py holds the two to the same HTML. The heading is escaped unless it is already
safe HTML, as the template's `{{ heading }}` does.
"""

from __future__ import annotations

from typing import Any

from django.utils.html import conditional_escape

from fanshelf.core.numbers import grouped
from fanshelf.core.templatetags.pages import pagination_html
from fanshelf.discovery.templatetags.discovery import filter_form

TEMPLATE = "discovery/listing_body.html"


def listing_body(template: str, context: dict[str, Any]) -> str | None:
    """The body as `template` renders it from this context (discovery/views.py's), or None when this does not
    build that page."""
    page = context.get("page_obj")
    total = context.get("total")
    if (
        template != TEMPLATE
        or page is None
        or total is None
        or context.get("error")
        or context.get("exclusion_line")
        or context.get("other_names")
    ):
        return None
    signed_in = context["user"].is_authenticated
    form = filter_form(context["form_data"], context["include"], context["exclude"], None, signed_in)
    filters = (
        '<details class="filters-toggle">\n  <summary>Filter</summary>\n'
        '  <aside class="listing-filters" aria-labelledby="filters-heading">\n'
        f'    <h2 id="filters-heading">Filter and sort</h2>\n    \n    {context["facets_html"]}\n'
        '    <details class="filter-form-toggle">\n      <summary>Sort and filter form</summary>\n'
        f"      {form}\n    </details>\n  </aside>\n</details>\n"
    )
    prefix = context.get("query_prefix") or ""
    blurbs = "".join(page.object_list)
    shown = (
        f'\n    <ol class="blurbs" aria-label="Works">{blurbs}</ol>\n    '
        if page.object_list
        else "<p>No works here yet.</p>"
    )
    top, bottom = pagination_html(page, prefix, "top"), pagination_html(page, prefix)
    # Line for line what the template leaves between its tags: the empty includes (exclusion line, names searched
    # as text) and each include's closing newline.
    return (
        f"<h1>{conditional_escape(context['heading'])}</h1>\n\n"
        f'<div class="listing">\n  {filters}\n'
        '  <section class="listing-results" aria-labelledby="results-heading">\n'
        f'    \n    <h2 class="count" id="results-heading">{grouped(total)} Work{"" if total == 1 else "s"}</h2>\n'
        f"    \n    \n\n    \n\n    \n    {top}\n\n    {shown}\n    {bottom}\n\n    \n    \n  </section>\n</div>\n"
    )
