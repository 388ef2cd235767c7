"""Receivers for signals from the apps below reading. Imported by ReadingConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from fanshelf.accounts.models import User
from fanshelf.reading.actions import record_reading
from fanshelf.works.models import Chapter, Work
from fanshelf.works.reading import work_viewed


@receiver(work_viewed, dispatch_uid="reading.record_history")
def record_history(sender: object, work: Work, chapter: Chapter | None, user: User, **kwargs: Any) -> None:
    record_reading(user, work, chapter)
