from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from fanshelf.works.drafts import expire_drafts


class Command(BaseCommand):
    help = (
        "Delete drafts older than FANSHELF_DRAFT_DAYS and warn their creators a week before. Safe to rerun; run daily."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        done = expire_drafts()
        self.stdout.write(f"{done.warned} drafts warned, {done.deleted} drafts deleted")
