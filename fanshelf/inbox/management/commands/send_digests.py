from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from fanshelf.inbox.digests import send_all


class Command(BaseCommand):
    help = "Send due digest emails: hourly subscription digests, daily comment and kudos digests. Safe to rerun."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = send_all()
        self.stdout.write(", ".join(f"{kind}: {count} sent" for kind, count in counts.items()))
