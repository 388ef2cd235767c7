"""What a blurb and a work page show of works besides their rows, read with the rows themselves.

`for_blurbs` prefetches the same: tags in the order typed, credits with their pseuds and accounts, gifts not
refused. That is three more statements (and on PostgreSQL three more round trips) for every page that shows works,
and Django builds and compiles them for each page. The pages every visitor opens (a work page seen for the first
time, a listing's blurbs) instead add `blurb_columns()` to the statement that reads the works' rows: each work's
tags and credits as JSON text, and whether it has gifts, which are then read (rarely) by a statement of their own.
`attach_read` leaves them where the prefetch would have: `work.tags.all()`, `work.creatorships.all()` and
`work.gifts.all()` give them without a query, and a queryset made from one still filters in the database.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Field, QuerySet, TextField, prefetch_related_objects
from django.db.models.expressions import RawSQL

from fanshelf.accounts.models import Pseud, User
from fanshelf.core.prepared import MAX_VALUES, Prepared, all_fields, attach, instances, loaded
from fanshelf.tags.models import Tag
from fanshelf.works.models import SHOWN_TAG_FIELDS, Creatorship, Gift, Work, WorkTag

_CREDIT_FIELDS = ("id", "work_id", "pseud_id", "position")
_PSEUD_FIELDS = ("id", "name", "user_id")
_USER_FIELDS = ("id", "username")
# The names `blurb_columns` annotates, in the order `attach_read` takes their values.
BLURB_COLUMNS = ("blurb_tags", "blurb_credits", "blurb_gifts")


def blurb_columns() -> dict[str, RawSQL]:
    """Subqueries of the works' own rows (`works_work`, unaliased as Django leaves a queryset's own table): the
    tags, as a JSON list of [position, tag id, name, type, banned]; the credits, as a JSON list of [credit id, pseud
    id, position, pseud name, account id, username]; whether a gift not refused is there. JSON is built by each
    database's own functions, which escape every name. Read in one statement with the rows, the tags' names are as
    new as the rows: no wrangling outbox to watch."""
    postgresql = connection.vendor == "postgresql"
    listed = "json_agg(json_build_array({}))::text" if postgresql else "json_group_array(json_array({}))"
    work = f'"{Work._meta.db_table}"."id"'
    credits, pseuds, users = (model._meta.db_table for model in (Creatorship, Pseud, User))
    tagged, tags, gifts = (model._meta.db_table for model in (WorkTag, Tag, Gift))
    credited = (
        f"FROM {credits} c JOIN {pseuds} p ON p.id = c.pseud_id JOIN {users} u ON u.id = p.user_id "
        f"WHERE c.work_id = {work}"
    )
    # Nothing but the models' own table and column names goes into them.
    sql = (
        # In typed order, as the index works_tags_in_order holds them: read from the index alone.
        f"(SELECT {listed.format('w.position, t.id, t.name, t.type, t.banned')} FROM (SELECT position, tag_id "  # noqa: S608
        f"FROM {tagged} WHERE work_id = {work} ORDER BY position, tag_id) w JOIN {tags} t ON t.id = w.tag_id)",
        f"(SELECT {listed.format('c.id, c.pseud_id, c.position, p.name, p.user_id, u.username')} {credited})",
        f"EXISTS (SELECT 1 FROM {gifts} WHERE work_id = {work} AND NOT refused)",  # noqa: S608
    )
    kinds: tuple[Field[Any, Any], ...] = (TextField(), TextField(), BooleanField())
    return {
        name: RawSQL(text, (), output_field=kind)  # noqa: S611
        for name, text, kind in zip(BLURB_COLUMNS, sql, kinds, strict=True)
    }


def _with_columns(shape: object, *work_ids: int) -> QuerySet[Any]:
    return Work.objects.filter(pk__in=work_ids).annotate(**blurb_columns()).values_list("pk", *BLURB_COLUMNS)


def _gifts_of(shape: object, *work_ids: int) -> QuerySet[Any]:
    return Gift.objects.filter(work_id__in=work_ids, refused=False).values_list(*all_fields(Gift))


# Each compiled once per size of its list of ids (Prepared.rows_in).
_columns, _gifts = Prepared(_with_columns), Prepared(_gifts_of)


# One instance per tag as shown, for every page this process shows, keyed by all the fields read: a tag renamed or
# banned is a new key, so an instance never shows an old name. Only the fields read are used of them.
@functools.lru_cache(maxsize=65_536)
def _shown_tag(row: tuple[int, str, str, bool]) -> Tag:
    return loaded(Tag, SHOWN_TAG_FIELDS, row)


# One instance per pseud as credited, for every page this process shows, keyed by all the fields read: a pseud
# renamed is a new key, so an instance never shows an old name. Only the fields read are used of them.
@functools.lru_cache(maxsize=16_384)
def _credited(row: tuple[Any, ...]) -> Pseud:
    """The pseud and its account from a credit's (pseud id, name, account id, username)."""
    pseud = loaded(Pseud, _PSEUD_FIELDS, row[:3])
    Pseud.user.field.set_cached_value(pseud, loaded(User, _USER_FIELDS, row[2:]))
    return pseud


def attach_blurb_data(works: Sequence[Work]) -> None:
    """Read the tags, credits and gifts of these works (one statement per MAX_VALUES works, and one for their gifts
    when any has some) and attach them: for works whose rows were read without `blurb_columns`."""
    for start in range(0, len(works), MAX_VALUES):
        some = works[start : start + MAX_VALUES]
        read = {row[0]: row[1:] for row in _columns.rows_in("columns", [work.pk for work in some])}
        present = [work for work in some if work.pk in read]  # a work deleted meanwhile shows none
        attach_read(present, [read[work.pk] for work in present])


def attach_read(works: Sequence[Work], columns: Sequence[Sequence[Any]]) -> None:
    """Attach to each work its tags, credits and gifts from the values of `blurb_columns` read with it (in
    BLURB_COLUMNS' order, one tuple per work, all from one statement). Tags are shown in the order typed, credits by
    their position; the gifts of works that have any are read now."""
    if not works:
        return
    given = _gifts_by_work([work.pk for work, values in zip(works, columns, strict=True) if values[2]])
    for work, values in zip(works, columns, strict=True):
        typed = sorted(json.loads(values[0] or "[]"))  # by position, then id
        attach(work, "tags", [_shown_tag((pk, name, kind, bool(banned))) for _, pk, name, kind, banned in typed])
        attach(work, "creatorships", _credits(work.pk, values[1]))
        attach(work, "gifts", given.get(work.pk, []))


def _credits(work_id: int, listed: str | None) -> list[Creatorship]:
    made = []
    for credit_id, pseud_id, position, name, user_id, username in json.loads(listed or "[]"):
        credit = loaded(Creatorship, _CREDIT_FIELDS, (credit_id, work_id, pseud_id, position))
        Creatorship.pseud.field.set_cached_value(credit, _credited((pseud_id, name, user_id, username)))
        made.append(credit)
    return sorted(made, key=lambda credit: (credit.position, credit.pk))


def _gifts_by_work(work_ids: list[int]) -> dict[int, list[Gift]]:
    gifts = [
        gift
        for start in range(0, len(work_ids), MAX_VALUES)
        for gift in instances(Gift, _gifts.rows_in("gifts", work_ids[start : start + MAX_VALUES]))
    ]
    if any(gift.pseud_id for gift in gifts):  # rare: their pseuds read by the ORM, only then
        prefetch_related_objects(gifts, "pseud__user")
    given: dict[int, list[Gift]] = defaultdict(list)
    for gift in gifts:
        given[gift.work_id].append(gift)
    return given
