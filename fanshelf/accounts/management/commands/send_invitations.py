from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from fanshelf.accounts.invitations import send_due_invitations


class Command(BaseCommand):
    help = (
        "Invite the oldest requests in the queue when a batch is due (sign-ups by invitation: invitations_per_batch "
        "every invitation_hours). Sends nothing otherwise, so run it every few minutes; safe on several servers."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_due_invitations()
        self.stdout.write(f"{sent} invitation{'s' if sent != 1 else ''} sent")
