"""Looking tags up by name reads an index, never every tag: a listing filtered by tags looks its names up on every
first view, and at 2 million works (200,000 tags) a scan of the tag table cost 10 to 23 ms of each one."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import QuerySet

from fanshelf.tags.models import Tag, TagType


def _plan(queryset: QuerySet[Any, Any]) -> str:
    """The database's plan for the queryset. PostgreSQL would scan a table this small whatever its indexes, so
    it is told to avoid scans; it still scans when no index can answer."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
        return queryset.explain()


@pytest.mark.django_db
@pytest.mark.parametrize("lookup", ["name", "name__in"])
def test_a_tag_is_found_by_its_exact_name_through_an_index(lookup: str) -> None:
    for number in range(30):
        Tag.objects.create(name=f"Lighthouse keeper {number} 灯台守 שומר", type=TagType.FREEFORM)
    names = ["Lighthouse keeper 7 灯台守 שומר", "Lighthouse keeper 21 灯台守 שומר"]
    value: object = names if lookup == "name__in" else names[0]
    queryset = Tag.objects.filter(**{lookup: value}).values_list("pk", "name")
    plan = _plan(queryset)
    assert "SCAN tags_tag" not in plan  # SQLite reading every row
    assert "Seq Scan" not in plan  # PostgreSQL doing the same
    assert "tags_tag_name" in plan  # the index on the name as written
    assert len(queryset) == len(names) if lookup == "name__in" else 1
