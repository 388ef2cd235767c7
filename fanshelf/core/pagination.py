"""Page-number parsing that never fails on bad input."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest


def paginate(request: HttpRequest, queryset: QuerySet[Model], per_page: int) -> Page:  # type: ignore[type-arg]
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))
