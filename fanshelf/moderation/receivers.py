from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from fanshelf.core.audit import acted
from fanshelf.moderation.actions import record


@receiver(acted, dispatch_uid="moderation.audit")
def write_audit_entry(
    sender: object, actor: Any, action: str, target: str, reason: str, details: dict[str, Any], **_: Any
) -> None:
    record(actor, action, target, reason, **details)
