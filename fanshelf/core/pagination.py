"""Page-number parsing: a page past the end shows the last page; a page number that is not one is a 400."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

from fanshelf.core.numbers import number_param

MAX_PAGE = 100_000


def paginate(request: HttpRequest, items: QuerySet[Any] | Sequence[Any], per_page: int) -> Page[Any]:
    number = number_param(request.GET, "page", default=1, minimum=1, maximum=MAX_PAGE)
    return Paginator(items, per_page).get_page(number)


def page_links(page: Page[Any]) -> list[int | None]:
    """The page numbers a pager shows: the first, the last and two either side of the current one, with None
    where a run is left out ("1 … 4 5 6 7 8 … 40"), so a reader can jump anywhere in two clicks."""
    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return [number if isinstance(number, int) else None for number in numbers]
