"""The shelf version: what per-reader caches of shelf contents are keyed by."""

from __future__ import annotations

import uuid

from fanshelf.accounts.models import User
from fanshelf.reading.models import ShelfVersion


def shelves_changed(user: User) -> None:
    """Call inside the transaction that changes the reader's shelves."""
    ShelfVersion.objects.update_or_create(user=user, defaults={"token": uuid.uuid4().hex})
