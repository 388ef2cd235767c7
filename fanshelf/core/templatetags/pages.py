"""`{% pagination at %}` for _pagination.html: the page links above and below a list, built in Python (a listing
shows them twice, and through the template's loop they took about a tenth of a listing page's first view).
fanshelf/core/pagination.py decides the numbers."""

from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.core.paginator import Page
from django.utils.safestring import SafeString, mark_safe

from fanshelf.core.pagination import page_links

register = template.Library()


@register.simple_tag(takes_context=True)
def pagination(context: template.Context, at: str = "") -> SafeString:
    """The page links for the context's `page_obj` (none when there is one page), each keeping the listing's other
    parameters (`query_prefix`, already encoded for a URL). `at="top"` names the upper of the two landmarks."""
    return pagination_html(context.get("page_obj"), context.get("query_prefix") or "", at)


def pagination_html(page: Page[Any] | None, prefix: str, at: str = "") -> SafeString:
    """`{% pagination %}` for this page and query prefix."""
    if page is None or not page.has_other_pages():
        return SafeString()
    start = f"?{escape(str(prefix))}&amp;page=" if prefix else "?page="
    items = []
    if page.has_previous():
        items.append(f'<li><a rel="prev" href="{start}{page.previous_page_number()}">← Previous</a></li>')
    for number in page_links(page):
        if number is None:
            items.append('<li><span class="gap">…</span></li>')
        elif number == page.number:
            items.append(
                f'<li><span class="current" aria-current="page"><span class="visually-hidden">Page </span>{number}'
                "</span></li>"
            )
        else:
            items.append(f'<li><a href="{start}{number}"><span class="visually-hidden">Page </span>{number}</a></li>')
    if page.has_next():
        items.append(f'<li><a rel="next" href="{start}{page.next_page_number()}">Next →</a></li>')
    label = "Pages (top)" if at == "top" else "Pages"
    return mark_safe(  # the numbers are ints; the prefix is escaped
        f'<nav class="pagination" aria-label="{label}">\n  <ol>{"".join(items)}</ol>\n'
        f'  <p class="page-count">Page {page.number} of {page.paginator.num_pages}</p>\n</nav>\n'
    )
