"""Every write of the moderation app."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from fanshelf.accounts.models import User, is_moderator
from fanshelf.core.switches import Switches, publish
from fanshelf.moderation.models import AuditEntry, SiteSettings

SWITCH_NAMES = tuple(f.name for f in fields(Switches))


def record(actor: User, action: str, target: str = "", reason: str = "", **details: Any) -> AuditEntry:
    """Write one audit entry; call it inside the transaction of the change it records."""
    return AuditEntry.objects.create(
        actor=actor, actor_name=actor.username, action=action, target=target[:300], reason=reason, details=details
    )


def change_site_settings(actor: User, changes: Mapping[str, Any], reason: str = "") -> Switches:
    """Change some switches; each change is one audit entry with the value before and after. Every process sees
    the new values from its next request."""
    if not is_moderator(actor):
        raise PermissionDenied("Only moderators change the site settings.")
    unknown = set(changes) - set(SWITCH_NAMES)
    if unknown:
        raise ValueError(f"Not a site setting: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        row, _ = SiteSettings.objects.select_for_update().get_or_create(pk=1)
        changed = [name for name in SWITCH_NAMES if name in changes and getattr(row, name) != changes[name]]
        for name in changed:
            record(actor, "site setting", name, reason, before=getattr(row, name), after=changes[name])
            setattr(row, name, changes[name])
        if changed:
            row.save(update_fields=changed)
        switches = Switches(**{name: getattr(row, name) for name in SWITCH_NAMES})
        transaction.on_commit(lambda: publish(switches))
    return switches
