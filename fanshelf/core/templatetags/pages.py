"""`{% page_links page_obj as numbers %}` for _pagination.html (fanshelf/core/pagination.py decides the numbers)."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.paginator import Page

from fanshelf.core.pagination import page_links as _page_links

register = template.Library()


@register.simple_tag
def page_links(page: Page[Any]) -> list[int | None]:
    return _page_links(page)
