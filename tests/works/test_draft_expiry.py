"""Drafts are deleted FANSHELF_DRAFT_DAYS after they were started, and their creators are warned a week before, once."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from fanshelf.accounts.models import User
from fanshelf.works.models import Work
from tests.factories import make_work

pytestmark = pytest.mark.django_db


def started(work: Work, days_ago: int) -> None:
    Work.objects.filter(pk=work.pk).update(created_at=timezone.now() - datetime.timedelta(days=days_ago))


def expire() -> str:
    out = StringIO()
    call_command("expire_drafts", stdout=out)
    return out.getvalue()


def test_a_draft_is_warned_once_a_week_before_then_deleted(author: User) -> None:
    fresh, due, old = (make_work(author, title=t, post=False) for t in ("Fresh", "Salt “Due” 潮", "Old"))
    posted = make_work(author, title="Posted long ago")
    for work, days in ((fresh, 3), (due, 24), (old, 31), (posted, 400)):
        started(work, days)
    assert expire() == "1 drafts warned, 1 drafts deleted\n"
    assert set(Work.objects.values_list("title", flat=True)) == {"Fresh", "Salt “Due” 潮", "Posted long ago"}
    [warning] = mail.outbox
    assert warning.to == [author.email]
    assert "Salt “Due” 潮" in warning.subject
    assert f"/works/{due.pk}/edit/" in warning.body
    assert expire() == "0 drafts warned, 0 drafts deleted\n"  # told once, however often it runs
    assert len(mail.outbox) == 1


def test_zero_days_keeps_every_draft(author: User, settings: Any) -> None:
    settings.FANSHELF_DRAFT_DAYS = 0
    draft = make_work(author, post=False)
    started(draft, 1000)
    assert expire() == "0 drafts warned, 0 drafts deleted\n"
    assert Work.objects.filter(pk=draft.pk).exists()
    assert not mail.outbox
