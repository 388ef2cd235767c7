"""The database's plan for a query, to check a lookup reads an index rather than every row of a table."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet


def plan(queryset: QuerySet[Any, Any]) -> str:
    """PostgreSQL would scan the small tables of a test whatever their indexes, so it is told to avoid scans;
    it still scans when no index can answer."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
        return queryset.explain()


def scans(plan_text: str, table: str) -> bool:
    """Whether the plan reads every row of `table` (SQLite's SCAN, PostgreSQL's Seq Scan)."""
    return f"SCAN {table}" in plan_text or f"Seq Scan on {table}" in plan_text
