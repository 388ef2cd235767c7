"""Querysets compiled once and run again with new values (core/prepared.py): they must answer exactly what the ORM
answers, and refuse a queryset whose SQL holds more than the values given (a frozen "now" would go stale)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, connection
from django.db.models import QuerySet
from django.db.models.functions import Length
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fanshelf.accounts.actions import PseudFields, create_pseud
from fanshelf.accounts.models import User
from fanshelf.core.prepared import NotPreparable, Prepared, all_fields, fetch_all, instances, loaded
from fanshelf.tags.models import Tag, typed_names
from fanshelf.works.models import Creatorship, Work
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


def _tags_of_names(count: int, *typed: str) -> QuerySet[Any]:
    return Tag.objects.named_in(typed).values_list("lower_name", "pk")  # type: ignore[misc]


def test_names_go_in_as_text_and_find_what_the_orm_finds(author: User) -> None:
    make_work(author, fandoms=["Lantern “Cycle” 灯", "מגדלור"], characters=["Ade"])
    prepared = Prepared(_tags_of_names, text=True)
    for names in (["ADE "], ["Lantern “Cycle” 灯", "מגדלור", "no such tag"], [" ade", "Zebra"], ["ade"]):
        typed = typed_names(names)
        found = prepared.rows(len(typed), *typed)
        assert sorted(found) == sorted(Tag.objects.named_in(typed).values_list("lower_name", "pk"))  # type: ignore[misc]
        assert found  # each finds a tag, so the comparison holds something


def _titles_of(shape: object, *work_ids: int) -> QuerySet[Any]:
    return Work.objects.filter(pk__in=work_ids).order_by("pk").values_list("pk", "title")


def test_a_list_of_values_finds_what_the_orm_finds_with_few_statements_compiled(author: User) -> None:
    works = [make_work(author, title=f"Tide {number} “潮” גאות") for number in range(21)]
    ids = [work.pk for work in works]
    prepared = Prepared(_titles_of)
    for count in range(1, 22):
        chosen = ids[:count]
        expected = list(Work.objects.filter(pk__in=chosen).order_by("pk").values_list("pk", "title"))
        assert prepared.rows_in("titles", chosen) == expected
    assert prepared.rows_in("titles", []) == []
    # Counts 1 to 21 compiled the sizes 1, 2, 4, 8, 16 and 32 only.
    assert len(prepared._compiled) == 6
    with pytest.raises(NotPreparable):
        prepared.rows_in("titles", list(range(1, 102)))


def test_an_instance_loaded_with_some_fields_reads_the_others_when_first_used(author: User) -> None:
    work = make_work(author, title="Salt “and” 灯")
    instance = loaded(Work, ("title", "id"), ("Salt “and” 灯", work.pk))
    assert instance.get_deferred_fields() == set(all_fields(Work)) - {"id", "title"}
    assert (instance._state.adding, instance._state.db) == (False, "default")
    with CaptureQueriesContext(connection) as asked:
        assert instance.word_count == work.word_count > 0
    assert len(asked.captured_queries) == 1
    assert instance == work
    assert instance.title == "Salt “and” 灯"


def test_a_statement_the_database_refuses_fails_with_djangos_error() -> None:
    """Run on the driver's own connection, its error still comes out as Django's (which the 503 for a lock
    timeout, core/middleware.py, looks for)."""
    with pytest.raises(DatabaseError):
        fetch_all("SELECT no_such_column FROM works_work", [])


def test_a_literal_percent_sign_reaches_the_database_as_one() -> None:
    assert fetch_all("SELECT %s + 1, '50%%'", [41]) == [(42, "50%")]


def test_prepared_statements_show_in_the_query_log_while_one_is_kept(author: User) -> None:
    work = make_work(author, title="Counted")
    prepared = Prepared(_guest_row)
    prepared.rows("guest", work.pk)
    with CaptureQueriesContext(connection) as queries:
        (row,) = prepared.rows("guest", work.pk)
    assert row[0] == work.pk
    assert len(queries) == 1


def _creatorships_of(shape: str, work_id: int) -> QuerySet[Any]:
    rows = Creatorship.objects.filter(work_id=work_id).select_related("pseud__user", "work")
    return rows.annotate(title_length=Length("work__title")).order_by("pk")


def test_model_instances_come_with_their_related_ones_and_annotations_as_the_orm_gives_them(author: User) -> None:
    second = create_pseud(author, PseudFields(name="Wavecrest"))
    work = make_work(author, title="Tide-line “notes” 潮 גאות", pseuds=[author.default_pseud(), second])
    prepared = Prepared(_creatorships_of)
    expected = list(_creatorships_of("all", work.pk))
    assert len(expected) == 2
    for _ in range(2):  # compiled, then run again
        made = prepared.objects("all", work.pk)
        assert [row.pk for row in made] == [row.pk for row in expected]
        for row, orm in zip(made, expected, strict=True):
            with CaptureQueriesContext(connection) as read:
                assert row.pseud.user.username == orm.pseud.user.username
                assert row.work.title == "Tide-line “notes” 潮 גאות"
            assert len(read) == 0, "read with the row, as select_related reads them"
            assert row.title_length == orm.title_length == len("Tide-line “notes” 潮 גאות")
    assert prepared.objects("all", work.pk + 1000) == []
