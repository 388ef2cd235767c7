"""Querysets built and compiled once, then run again with new values: for the few queries every page view runs.

Django builds a queryset's filters, resolves its joins and compiles its SQL on every call: about 0.3 ms of CPU for
a one-row lookup on this project's machines, where SQLite answers the statement itself in 20 µs. A guest's work page
runs three or four such lookups. `Prepared` keeps the SQL the ORM compiled for a queryset (per database and
*shape*) and runs it with the new values, so the rules stay written once, in the queryset methods (visibility, for
one), and only their compiling is saved.

The caller passes the values as ints (ids) and everything else the queryset's SQL depends on as the shape: the
queryset is built once with stand-in values (sentinels), and the parameters holding them are the ones replaced.
It is built a second time with other stand-ins; if the SQL or any other parameter differs (a value that changes
with time, such as "now", or a shape decided by the values themselves), it is refused at once (`NotPreparable`)
rather than run with a frozen value.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Hashable, Sequence
from typing import Any, NamedTuple, TypeVar

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.sql.compiler import SQLCompiler

M = TypeVar("M", bound=Model)
MAX_VALUES = 100  # values one statement takes (a listing's page of works is 20)
# Stand-ins no real id takes: two sets, for the build and for its check.
_SENTINELS = tuple(tuple(start - 3 * n for n in range(MAX_VALUES)) for start in (-7_340_032_771, -9_110_042_113))


class NotPreparable(ValueError):
    """The queryset's SQL or parameters depend on more than the values given."""


class _Compiled(NamedTuple):
    sql: str
    params: tuple[Any, ...]
    slots: tuple[int | None, ...]  # per parameter: which value goes there, or None for the queryset's own
    compiler: SQLCompiler  # kept for its converters (dates, booleans) and the columns' order


class Prepared:
    """`build(shape, *ids)` makes a `values_list` queryset; each shape is compiled once per database. `rows` runs
    it with these ids, and gives what the queryset itself would have (converted: dates, booleans)."""

    def __init__(self, build: Callable[..., QuerySet[Any]]) -> None:
        self._build = build
        self._compiled: dict[tuple[str, Hashable], _Compiled] = {}
        self._lock = threading.Lock()

    def rows(self, shape: Hashable, *ids: int, using: str = "default") -> list[tuple[Any, ...]]:
        compiled = self._compile(shape, len(ids), using)
        params = [
            value if slot is None else ids[slot] for value, slot in zip(compiled.params, compiled.slots, strict=True)
        ]
        with connections[using].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            fetched = cursor.fetchall()
        return [tuple(row) for row in compiled.compiler.results_iter(results=[fetched])]

    def _compile(self, shape: Hashable, count: int, using: str) -> _Compiled:
        key = (connections[using].vendor, shape)
        known = self._compiled.get(key)
        if known is not None:
            return known
        if count > len(_SENTINELS[0]):
            raise NotPreparable(f"at most {len(_SENTINELS[0])} values")
        (sql, params, compiler), (check_sql, check_params, _) = (
            self._sql(shape, sentinels[:count], using) for sentinels in _SENTINELS
        )
        slots = _slots(params, _SENTINELS[0][:count])
        if sql != check_sql or _slots(check_params, _SENTINELS[1][:count]) != slots:
            raise NotPreparable(f"shape {shape!r}: the SQL depends on more than its values")
        if _fixed(params, slots) != _fixed(check_params, slots):
            raise NotPreparable(f"shape {shape!r}: a parameter changes from one build to the next (a time?)")
        if sorted({slot for slot in slots if slot is not None}) != list(range(count)):
            raise NotPreparable(f"shape {shape!r}: a value is not a parameter of the SQL")
        compiled = _Compiled(sql, tuple(params), slots, compiler)
        with self._lock:
            return self._compiled.setdefault(key, compiled)

    def _sql(self, shape: Hashable, sentinels: Sequence[int], using: str) -> tuple[str, list[Any], SQLCompiler]:
        queryset = self._build(shape, *sentinels)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        return sql, list(params), compiler


def _slots(params: Sequence[Any], sentinels: Sequence[int]) -> tuple[int | None, ...]:
    """Per parameter, which value it holds (by its sentinel), or None."""
    return tuple(sentinels.index(value) if isinstance(value, int) and value in sentinels else None for value in params)


def _fixed(params: Sequence[Any], slots: Sequence[int | None]) -> list[Any]:
    return [value for value, slot in zip(params, slots, strict=True) if slot is None]


def fits_a_column(value: int) -> bool:
    """Whether a 64-bit id column can hold it: the ORM finds nothing for any other id, without asking (a raw
    statement would fail on it)."""
    return -(2**63) <= value < 2**63


def instances(model: type[M], rows: list[tuple[Any, ...]], using: str = "default") -> list[M]:
    """Model instances from rows of every concrete field's attname, in the model's order (`all_fields`)."""
    names = all_fields(model)
    return [model.from_db(using, names, row) for row in rows]


def partial(model: type[M], names: tuple[str, ...], values: Sequence[Any], using: str = "default") -> M:
    """An instance with only these fields loaded (attnames and their values), as `.only()` would give it."""
    ordered, places = _in_model_order(model, names)
    return model.from_db(using, ordered, [values[place] for place in places])


@functools.cache
def _in_model_order(model: type[Model], names: tuple[str, ...]) -> tuple[list[str], list[int]]:
    """`names` in the order of the model's fields (which `from_db` takes them in), and where each is in `names`."""
    ordered = [field.attname for field in model._meta.concrete_fields if field.attname in names]
    return ordered, [names.index(name) for name in ordered]


def all_fields(model: type[Model]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def attach(instance: Model, name: str, objects: list[Any]) -> None:
    """Leave `objects` as `prefetch_related` leaves a relation's: `getattr(instance, name).all()` gives them without
    a query, as an evaluated queryset of the relation (a queryset made from it still asks the database)."""
    queryset: QuerySet[Model] = getattr(instance, name).all()
    queryset._result_cache = objects
    queryset._prefetch_done = True  # type: ignore[attr-defined]
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[name] = queryset
