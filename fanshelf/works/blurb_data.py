"""What a blurb and a work page show of works besides their rows, read with the rows themselves.

`for_blurbs` prefetches the same: tags in the order typed, credits with their pseuds and accounts, gifts not
refused. That is three more statements (and on PostgreSQL three more round trips) for every page that shows works,
and Django builds and compiles them for each page. The pages every visitor opens (a work page seen for the first
time, a listing's blurbs) instead add `blurb_columns()` to the statement that reads the works' rows: each work's
tag ids and credits as JSON text, the wrangling outbox's top, and whether it has gifts, which are then read (rarely)
by a statement of their own. `attach_read` leaves them where the prefetch would have: `work.tags.all()`,
`work.creatorships.all()` and `work.gifts.all()` give them without a query, and a queryset made from one still
filters in the database.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import BooleanField, Field, IntegerField, QuerySet, TextField, prefetch_related_objects
from django.db.models.expressions import RawSQL

from fanshelf.accounts.models import Pseud, User
from fanshelf.core.prepared import MAX_VALUES, Prepared, all_fields, attach, instances, loaded
from fanshelf.tags.models import Tag, TagChange
from fanshelf.works.models import SHOWN_TAG_FIELDS, Creatorship, Gift, Work, WorkTag

_CREDIT_FIELDS = ("id", "work_id", "pseud_id", "position")
_PSEUD_FIELDS = ("id", "name", "user_id")
_USER_FIELDS = ("id", "username")
# The names `blurb_columns` annotates, in the order `attach_read` takes their values.
BLURB_COLUMNS = ("blurb_tags", "blurb_credits", "blurb_tags_top", "blurb_gifts")


def blurb_columns() -> dict[str, RawSQL]:
    """Subqueries of the works' own rows (`works_work`, unaliased as Django leaves a queryset's own table): the tag
    ids with their places, as a JSON list of [position, tag id]; the credits, as a JSON list of [credit id, pseud
    id, position, pseud name, account id, username]; the wrangling outbox's top (`_known_tags`); whether a gift
    not refused is there. JSON is built by each database's own functions, which escape every name."""
    postgresql = connection.vendor == "postgresql"
    listed = "json_agg(json_build_array({}))::text" if postgresql else "json_group_array(json_array({}))"
    work = f'"{Work._meta.db_table}"."id"'
    credits, pseuds, users = (model._meta.db_table for model in (Creatorship, Pseud, User))
    tags, changes, gifts = (model._meta.db_table for model in (WorkTag, TagChange, Gift))
    credited = (
        f"FROM {credits} c JOIN {pseuds} p ON p.id = c.pseud_id JOIN {users} u ON u.id = p.user_id "
        f"WHERE c.work_id = {work}"
    )
    # Nothing but the models' own table and column names goes into them.
    sql = (
        f"(SELECT {listed.format('position, tag_id')} FROM {tags} WHERE work_id = {work})",  # noqa: S608
        f"(SELECT {listed.format('c.id, c.pseud_id, c.position, p.name, p.user_id, u.username')} {credited})",
        f"COALESCE((SELECT MAX(id) FROM {changes}), 0)",  # noqa: S608
        f"EXISTS (SELECT 1 FROM {gifts} WHERE work_id = {work} AND NOT refused)",  # noqa: S608
    )
    kinds: tuple[Field[Any, Any], ...] = (TextField(), TextField(), IntegerField(), BooleanField())
    return {
        name: RawSQL(text, (), output_field=kind)  # noqa: S611
        for name, text, kind in zip(BLURB_COLUMNS, sql, kinds, strict=True)
    }


def _with_columns(shape: object, *work_ids: int) -> QuerySet[Any]:
    return Work.objects.filter(pk__in=work_ids).annotate(**blurb_columns()).values_list("pk", *BLURB_COLUMNS)


def _gifts_of(shape: object, *work_ids: int) -> QuerySet[Any]:
    return Gift.objects.filter(work_id__in=work_ids, refused=False).values_list(*all_fields(Gift))


def _tags_named(shape: object, *tag_ids: int) -> QuerySet[Any]:
    return Tag.objects.filter(pk__in=tag_ids).order_by().values_list(*SHOWN_TAG_FIELDS)


# Each compiled once per size of its list of ids (Prepared.rows_in).
_columns, _gifts, _named = Prepared(_with_columns), Prepared(_gifts_of), Prepared(_tags_named)


class _KnownTags(NamedTuple):
    """Tags by id as read once the wrangling outbox's top was `top`. A tag's name or ban changes only through a
    wrangling action, which writes an outbox row in its transaction (tags/signals.py), so tags read at `top` are
    current until the top moves; the statement that reads a page's tag ids reads the top with them."""

    top: int
    tags: dict[int, Tag]


_known = _KnownTags(-1, {})
KNOWN_TAGS_LIMIT = 65_536  # a listing page's blurbs hold ~150 tags, most of them other pages' too


def _known_tags(top: int, tag_ids: set[int]) -> dict[int, Tag]:
    """These tags as of `top`: those not known yet read by id (one statement per MAX_VALUES). What is read is kept
    for every request only outside a transaction: a tag read inside one may be rolled back and its id given to
    another tag, while committed ids are never reused (sequences, SQLite's AUTOINCREMENT)."""
    global _known
    known = _known
    kept = known.tags if known.top == top else {}
    found = {tag_id: kept[tag_id] for tag_id in tag_ids if tag_id in kept}
    missing = sorted(tag_ids.difference(found))
    read: dict[int, Tag] = {}
    for start in range(0, len(missing), MAX_VALUES):
        some = missing[start : start + MAX_VALUES]
        read.update((row[0], loaded(Tag, SHOWN_TAG_FIELDS, row)) for row in _named.rows_in("named", some))
    if read and not connection.in_atomic_block:
        if known.top == top and len(kept) < KNOWN_TAGS_LIMIT:
            kept.update(read)
        else:
            _known = _KnownTags(top, read)
    return found | read


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
    typed = [sorted(json.loads(values[0] or "[]")) for values in columns]
    known = _known_tags(int(columns[0][2]), {tag_id for pairs in typed for _, tag_id in pairs})
    given = _gifts_by_work([work.pk for work, values in zip(works, columns, strict=True) if values[3]])
    for work, pairs, values in zip(works, typed, columns, strict=True):
        # A tag deleted since the ids were read is no longer shown.
        attach(work, "tags", [known[tag_id] for _, tag_id in pairs if tag_id in known])
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
