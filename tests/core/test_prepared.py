"""Querysets compiled once and run again with new values (core/prepared.py): they must answer exactly what the ORM
answers, and refuse a queryset whose SQL holds more than the values given (a frozen "now" would go stale)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone

from fanshelf.accounts.models import User
from fanshelf.core.prepared import NotPreparable, Prepared, all_fields, instances
from fanshelf.works.models import Work
from tests.factories import make_work

pytestmark = pytest.mark.django_db


def _guest_row(shape: str, work_id: int) -> QuerySet[Any]:
    return Work.objects.visible_to(AnonymousUser()).filter(pk=work_id).values_list(*all_fields(Work))


def test_a_prepared_lookup_gives_the_orms_work_field_for_field(author: User) -> None:
    shown = make_work(author, title="Salt and “lantern” 灯台 מגדלור")
    restricted = make_work(author, title="Members only", restricted=True)
    prepared = Prepared(_guest_row)
    for _ in range(2):  # compiled, then run again
        (work,) = instances(Work, prepared.rows("guest", shown.pk))
        expected = Work.objects.get(pk=shown.pk)
        for name in all_fields(Work):
            assert getattr(work, name) == getattr(expected, name), name
        assert work.created_at.tzinfo is not None
        assert isinstance(work.posted, bool)
        # The queryset's own rule still decides: a restricted work is not a guest's.
        assert prepared.rows("guest", restricted.pk) == []


def test_a_queryset_holding_the_time_is_refused(author: User) -> None:
    def recent(shape: str, work_id: int) -> QuerySet[Any]:
        return Work.objects.filter(pk=work_id, created_at__lte=timezone.now()).values_list("pk")

    with pytest.raises(NotPreparable):
        Prepared(recent).rows("recent", make_work(author).pk)


def test_a_value_that_is_not_a_parameter_is_refused(author: User) -> None:
    def sliced(shape: str, count: int) -> QuerySet[Any]:  # a slice's bound is written into the SQL
        return Work.objects.values_list("pk")[: abs(count)]

    with pytest.raises(NotPreparable):
        Prepared(sliced).rows("sliced", 3)
