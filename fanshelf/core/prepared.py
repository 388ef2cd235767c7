"""Querysets built and compiled once, then run again with new values: for the few queries every page view runs.

Django builds a queryset's filters, resolves its joins and compiles its SQL on every call: about 0.3 ms of CPU for
a one-row lookup on this project's machines, where SQLite answers the statement itself in 20 µs. A guest's work page
runs three or four such lookups. `Prepared` keeps the SQL the ORM compiled for a queryset (per database and
*shape*) and runs it with the new values, so the rules stay written once, in the queryset methods (visibility, for
one), and only their compiling is saved.

The caller passes the values as ints (ids), or as strings (names) to a `Prepared(..., text=True)`, and
everything else the queryset's SQL depends on as the shape: the queryset is built once with stand-in values
(sentinels), and the parameters holding them are the ones replaced.
It is built a second time with other stand-ins; if the SQL or any other parameter differs (a value that changes
with time, such as "now", or a shape decided by the values themselves), it is refused at once (`NotPreparable`)
rather than run with a frozen value.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable, Hashable, Sequence
from typing import Any, NamedTuple, TypeVar

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.base import ModelState
from django.db.models.query import get_related_populators
from django.db.models.signals import post_init, pre_init
from django.db.models.sql.compiler import SQLCompiler

M = TypeVar("M", bound=Model)
MAX_VALUES = 100  # values one statement takes (a listing's page of works is 20)
# The sizes `rows_in` rounds a list of values up to: 8 statements per shape instead of one per count.
_LIST_SIZES = (1, 2, 4, 8, 16, 32, 64, MAX_VALUES)
# Stand-ins no real id takes: two sets, for the build and for its check.
_SENTINELS = tuple(tuple(start - 3 * n for n in range(MAX_VALUES)) for start in (-7_340_032_771, -9_110_042_113))
# For a statement whose values are text (names): stand-ins no name takes, already lowercase and stripped.
_TEXT_SENTINELS = tuple(tuple(f"§prepared-{run}-{n}§" for n in range(MAX_VALUES)) for run in ("a", "b"))


class NotPreparable(ValueError):
    """The queryset's SQL or parameters depend on more than the values given."""


class _Compiled(NamedTuple):
    sql: str
    params: tuple[Any, ...]
    slots: tuple[int | None, ...]  # per parameter: which value goes there, or None for the queryset's own
    compiler: SQLCompiler  # applies the converters
    converters: dict[int, Any]  # by column, what turns the database's values into Python's (dates, booleans)


class Prepared:
    """`build(shape, *ids)` makes a `values_list` queryset; each shape is compiled once per database. `rows` runs
    it with these ids, and gives what the queryset itself would have (converted: dates, booleans)."""

    def __init__(self, build: Callable[..., QuerySet[Any]], *, text: bool = False) -> None:
        """`text`: the values are strings (names), not ids."""
        self._build = build
        self._sentinels: tuple[tuple[Any, ...], ...] = _TEXT_SENTINELS if text else _SENTINELS
        self._compiled: dict[tuple[str, Hashable], _Compiled] = {}
        self._lock = threading.Lock()

    def rows(self, shape: Hashable, *values: int | str, using: str = "default") -> list[tuple[Any, ...]]:
        return self._rows(self._compile(shape, len(values), using), values, using)

    def objects(self, shape: Hashable, *values: int | str, using: str = "default") -> list[Any]:
        """For a queryset of model instances (not `values_list`): the instances it would give, with the related ones
        its `select_related` names and its annotations, made as Django's own iterator makes them."""
        compiled = self._compile(shape, len(values), using)
        compiler = compiled.compiler
        info, select = compiler.klass_info, compiler.select
        first, last = info["select_fields"][0], info["select_fields"][-1] + 1
        names = [column[0].target.attname for column in select[first:last]]
        populators = get_related_populators(info, select, using)  # type: ignore[call-arg]  # stubs of Django 6
        made = []
        for row in self._rows(compiled, values, using):
            instance = info["model"].from_db(using, names, row[first:last])
            for populator in populators:
                populator.populate(row, instance)
            for name, position in compiler.annotation_col_map.items():
                setattr(instance, name, row[position])
            made.append(instance)
        return made

    def _rows(self, compiled: _Compiled, values: Sequence[int | str], using: str) -> list[tuple[Any, ...]]:
        params = [
            fixed if slot is None else values[slot] for fixed, slot in zip(compiled.params, compiled.slots, strict=True)
        ]
        fetched = fetch_all(compiled.sql, params, using)
        if not compiled.converters:
            return [tuple(row) for row in fetched]
        return [tuple(row) for row in compiled.compiler.apply_converters(fetched, compiled.converters)]

    def rows_in(self, shape: Hashable, values: Sequence[int | str], using: str = "default") -> list[tuple[Any, ...]]:
        """`rows` for a statement whose values are one `IN (...)` list (at most MAX_VALUES; none reads nothing).
        The list is made up to the next of a few sizes by repeating its last value, which changes no answer: one
        statement per count cost every new count a compile (1 to 3 ms, some hundred times in a new process, as
        pages of 1 to 20 works and their 1 to 100 tags came), and the database's own statement caches, keyed by
        the SQL's text, held one entry per count."""
        if not values:
            return []
        return self.rows((shape, len(padded := padded_list(values))), *padded, using=using)

    def _compile(self, shape: Hashable, count: int, using: str) -> _Compiled:
        key = (connections[using].vendor, shape)
        known = self._compiled.get(key)
        if known is not None:
            return known
        first, second = self._sentinels
        if count > len(first):
            raise NotPreparable(f"at most {len(first)} values")
        (sql, params, compiler), (check_sql, check_params, _) = (
            self._sql(shape, sentinels[:count], using) for sentinels in (first, second)
        )
        slots = _slots(params, first[:count])
        if sql != check_sql or _slots(check_params, second[:count]) != slots:
            raise NotPreparable(f"shape {shape!r}: the SQL depends on more than its values")
        if _fixed(params, slots) != _fixed(check_params, slots):
            raise NotPreparable(f"shape {shape!r}: a parameter changes from one build to the next (a time?)")
        if sorted({slot for slot in slots if slot is not None}) != list(range(count)):
            raise NotPreparable(f"shape {shape!r}: a value is not a parameter of the SQL")
        columns = [selected[0] for selected in compiler.select[: compiler.col_count]]
        compiled = _Compiled(sql, tuple(params), slots, compiler, compiler.get_converters(columns))
        with self._lock:
            return self._compiled.setdefault(key, compiled)

    def _sql(self, shape: Hashable, sentinels: Sequence[Any], using: str) -> tuple[str, list[Any], SQLCompiler]:
        queryset = self._build(shape, *sentinels)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        return sql, list(params), compiler


def fetch_all(sql: str, params: Sequence[Any], using: str = "default") -> list[Any]:
    """The rows of one statement written for Django's cursors (`%s` placeholders), run on the driver's own
    connection when nothing watches Django's cursors (no query log, as tests keep, and no execute wrapper): their
    wrapping costs ~10 µs a statement, as much as SQLite's answer to a lookup by id. The same checks as Django's
    cursor are made, and the driver's errors come out as Django's."""
    db = connections[using]
    if db.queries_logged or db.execute_wrappers:
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()  # type: ignore[no-any-return]
    db.close_if_health_check_failed()
    db.ensure_connection()
    db.validate_thread_sharing()
    db.validate_no_broken_transaction()
    with db.wrap_database_errors:
        return db.connection.execute(_driver_sql(db.vendor, sql), params).fetchall()  # type: ignore[no-any-return]


_FORMAT_PLACEHOLDER = re.compile(r"(?<!%)%s")


@functools.lru_cache(maxsize=1024)
def _driver_sql(vendor: str, sql: str) -> str:
    """The statement as the driver takes it: SQLite's takes `?` where Django's cursor takes `%s` (and `%%` for a
    literal `%`); psycopg takes Django's own."""
    return sql if vendor != "sqlite" else _FORMAT_PLACEHOLDER.sub("?", sql).replace("%%", "%")


def _slots(params: Sequence[Any], sentinels: Sequence[Any]) -> tuple[int | None, ...]:
    """Per parameter, which value it holds (by its sentinel), or None."""
    kind = type(sentinels[0]) if sentinels else int
    return tuple(sentinels.index(value) if isinstance(value, kind) and value in sentinels else None for value in params)


def padded_list(values: Sequence[Any]) -> tuple[Any, ...]:
    """A list of values for an `IN (...)` made up to the next of the sizes `rows_in` compiles for, by repeating its
    last value (which changes no answer); its length names the statement's shape."""
    size = next((size for size in _LIST_SIZES if size >= len(values)), None)
    if size is None:
        raise NotPreparable(f"at most {MAX_VALUES} values")
    return (*values, *[values[-1]] * (size - len(values)))


def _fixed(params: Sequence[Any], slots: Sequence[int | None]) -> list[Any]:
    return [value for value, slot in zip(params, slots, strict=True) if slot is None]


def fits_a_column(value: int) -> bool:
    """Whether a 64-bit id column can hold it: the ORM finds nothing for any other id, without asking (a raw
    statement would fail on it)."""
    return -(2**63) <= value < 2**63


def instances(model: type[M], rows: list[tuple[Any, ...]], using: str = "default") -> list[M]:
    """Model instances from rows of every concrete field's attname, in the model's order (`all_fields`)."""
    names = all_fields(model)
    return [loaded(model, names, row, using) for row in rows]


def loaded(model: type[M], names: Sequence[str], values: Sequence[Any], using: str = "default") -> M:
    """An instance as `Model.from_db` makes it from these fields (the others deferred: read when first used), made
    without `__init__` when the model adds nothing to it: a listing page makes ~150 (tags, credits, pseuds) and
    `__init__` walked every field of each, about a third of their reading. A model with its own `__init__` or an
    init signal's receiver gets `from_db`."""
    if not _plain(model):
        ordered, places = _in_model_order(model, tuple(names))
        return model.from_db(using, ordered, [values[place] for place in places])
    instance = model.__new__(model)
    instance.__dict__.update(zip(names, values, strict=True))  # a field left out is deferred, as from_db
    state = instance._state = ModelState()
    state.adding, state.db = False, using
    return instance


@functools.cache
def _plain(model: type[Model]) -> bool:
    """Decided once per model: receivers connect as the apps load, before any request."""
    return model.__init__ is Model.__init__ and not (pre_init.has_listeners(model) or post_init.has_listeners(model))


@functools.cache
def _in_model_order(model: type[Model], names: tuple[str, ...]) -> tuple[list[str], list[int]]:
    """`names` in the order of the model's fields (which `from_db` takes them in), and where each is in `names`."""
    ordered = [field.attname for field in model._meta.concrete_fields if field.attname in names]
    return ordered, [names.index(name) for name in ordered]


@functools.cache
def all_fields(model: type[Model]) -> tuple[str, ...]:
    """Every concrete field's attname, in the model's order (worked out once per model)."""
    return tuple(field.attname for field in model._meta.concrete_fields)


def attach(instance: Model, name: str, objects: list[Any]) -> None:
    """Leave `objects` where `prefetch_related` leaves a relation's: `getattr(instance, name).all()` gives them
    without a query, and a queryset made from them (`.filter()`, `.order_by()`...) still asks the database."""
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[name] = Attached(objects, instance, name)


class Attached(list[Any]):
    """A relation's rows, read already, standing where the prefetch leaves an evaluated queryset. Building that
    queryset (the relation's manager and filter) cost ~40 µs, ten times reading the rows; this is a list that
    answers iteration, `len`, `count()` and `exists()` itself and hands any other queryset method to the
    relation's own queryset (built then), which asks the database, as the prefetched queryset's would."""

    def __init__(self, objects: list[Any], instance: Model, name: str) -> None:
        super().__init__(objects)
        self._instance, self._name = instance, name

    def all(self) -> Attached:
        return self

    def count(self) -> int:  # type: ignore[override]  # a queryset's count(), not a list's count(value)
        return len(self)

    def exists(self) -> bool:
        return bool(self)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # copy, pickle and the like ask for these: a list has none
            raise AttributeError(name)
        manager = getattr(self._instance, self._name)
        # The relation's queryset as its manager builds it when nothing is prefetched (its get_queryset would
        # give this list back).
        queryset = manager._apply_rel_filters(super(type(manager), manager).get_queryset())  # type: ignore[misc]
        return getattr(queryset, name)
