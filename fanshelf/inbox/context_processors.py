from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.http import HttpRequest

from fanshelf.core.prepared import Prepared
from fanshelf.inbox.models import InboxEntry


def _unread_of(shape: str, user_id: int) -> QuerySet[Any]:
    unread = InboxEntry.objects.filter(user_id=user_id, read=False).order_by()
    return unread.values("user_id").annotate(count=Count("pk")).values_list("count")


# Every signed-in page asks: compiled once (core/prepared.py).
_unread = Prepared(_unread_of)


def unread(request: HttpRequest) -> dict[str, int]:
    """`inbox_unread` for the header's inbox link: one indexed count, for signed-in people only."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    rows = _unread.rows("unread", user.pk)
    return {"inbox_unread": rows[0][0] if rows else 0}
