from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from fanshelf.core.prepared import Prepared
from fanshelf.tags.models import WranglingAssignment


def _assignment_of(shape: str, user_id: int) -> QuerySet[Any]:
    return WranglingAssignment.objects.filter(wrangler_id=user_id).values_list("pk")[:1]


# The header asks on every signed-in page: compiled once (core/prepared.py).
_assignment = Prepared(_assignment_of)


def _has_assignments(user_id: int) -> bool:
    return bool(_assignment.rows("assigned", user_id))


def wrangler(request: HttpRequest) -> dict[str, Callable[[], bool]]:
    """`is_wrangler` for the header's Wrangling link: whether the signed-in person has a fandom assigned. A
    template calls it only where it asks (a moderator's header never does), so most pages read nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"is_wrangler": functools.partial(_has_assignments, user.pk)}
