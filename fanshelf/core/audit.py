"""What moderators do is written to the audit log (fanshelf/moderation). The apps below moderation cannot import it,
so their actions call `moderator_acted`, which sends a signal inside the action's transaction; the moderation app
writes the entry in the same transaction, so an action that rolls back leaves no entry."""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal

acted = Signal()
"""Sent with actor (the User who acted), action (a short phrase: "hid work"), target (what it was done to, as
shown at the time), reason and details (a dict of what changed)."""


def moderator_acted(actor: Any, action: str, target: str, reason: str = "", **details: Any) -> None:
    acted.send(sender=None, actor=actor, action=action, target=target, reason=reason, details=details)
