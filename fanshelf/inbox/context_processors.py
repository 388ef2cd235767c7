from __future__ import annotations

from django.http import HttpRequest

from fanshelf.inbox.models import InboxEntry


def unread(request: HttpRequest) -> dict[str, int]:
    """`inbox_unread` for the header's inbox link: one indexed count, for signed-in people only."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_unread": InboxEntry.objects.of(user).filter(read=False).count()}
