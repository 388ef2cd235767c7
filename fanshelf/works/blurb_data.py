"""What a blurb and a work page show of works besides their rows, read by SQL compiled once (core/prepared.py).

`for_blurbs` prefetches the same: tags in the order typed, credits with their pseuds and accounts, gifts not
refused. Django builds and compiles those three queries for every page (about 1 ms of CPU for one work), so the
pages every visitor opens (a work page seen for the first time, a listing's blurbs) read them here instead, by the
same filters, and leave them where the prefetch would have: `work.tags.all()`, `work.creatorships.all()` and
`work.gifts.all()` give them without a query, and a queryset made from one still filters in the database.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet, prefetch_related_objects

from fanshelf.accounts.models import Pseud, User
from fanshelf.core.prepared import MAX_VALUES, Prepared, all_fields, attach, instances, loaded
from fanshelf.tags.models import Tag
from fanshelf.works.models import SHOWN_TAG_FIELDS, Creatorship, Gift, Work, WorkTag

_CREDIT_FIELDS = ("id", "work_id", "pseud_id", "position")
_PSEUD_FIELDS = ("id", "name", "user_id")
_USER_FIELDS = ("id", "username")


def _tags_of(shape: int, *work_ids: int) -> QuerySet[Any]:
    tagged = WorkTag.objects.filter(work_id__in=work_ids).order_by("work_id", "position", "tag_id")
    return tagged.values_list("work_id", *(f"tag__{name}" for name in SHOWN_TAG_FIELDS))


def _credits_of(shape: int, *work_ids: int) -> QuerySet[Any]:
    pseud = (f"pseud__{name}" for name in _PSEUD_FIELDS[1:])
    credits = Creatorship.objects.filter(work_id__in=work_ids)
    return credits.values_list(*_CREDIT_FIELDS, *pseud, "pseud__user__username")


def _gifts_of(shape: int, *work_ids: int) -> QuerySet[Any]:
    return Gift.objects.filter(work_id__in=work_ids, refused=False).values_list(*all_fields(Gift))


# By the number of works (shape): one compiled statement per page size.
_tags, _credits, _gifts = Prepared(_tags_of), Prepared(_credits_of), Prepared(_gifts_of)


# One instance per tag, and per pseud as credited, for every page this process shows, keyed by all the fields read:
# a tag renamed (or a pseud) is a new key, so an instance never shows an old name. A listing page's blurbs hold
# ~150; most are the same tags and people as other pages'. Only the fields read are used of them.
@functools.lru_cache(maxsize=65_536)
def _tag(row: tuple[Any, ...]) -> Tag:
    return loaded(Tag, SHOWN_TAG_FIELDS, row)


@functools.lru_cache(maxsize=16_384)
def _credited(row: tuple[Any, ...]) -> Pseud:
    """The pseud and its account from a credit's (pseud id, name, account id, username)."""
    pseud = loaded(Pseud, _PSEUD_FIELDS, row[:3])
    Pseud.user.field.set_cached_value(pseud, loaded(User, _USER_FIELDS, row[2:]))
    return pseud


def attach_blurb_data(works: Sequence[Work], gifts: bool = True) -> None:
    """Read the tags, credits and gifts of these works (three statements per MAX_VALUES works) and attach them.
    `gifts=False`: the caller knows there are none (works/page_memo.py's probe), and none is read."""
    for start in range(0, len(works), MAX_VALUES):
        _attach_some(works[start : start + MAX_VALUES], gifts)


def _attach_some(works: Sequence[Work], read_gifts: bool) -> None:
    ids = [work.pk for work in works]
    tags: dict[int, list[Tag]] = defaultdict(list)
    for work_id, *values in _tags.rows(len(ids), *ids):
        tags[work_id].append(_tag(tuple(values)))
    credits: dict[int, list[Creatorship]] = defaultdict(list)
    for row in _credits.rows(len(ids), *ids):
        credit = loaded(Creatorship, _CREDIT_FIELDS, row[:4])
        credited = (row[2], *row[4:])  # the pseud's id, its name, its account's id and username
        Creatorship.pseud.field.set_cached_value(credit, _credited(credited))
        credits[credit.work_id].append(credit)
    gifts = instances(Gift, _gifts.rows(len(ids), *ids)) if read_gifts else []
    if any(gift.pseud_id for gift in gifts):  # rare: their pseuds read by the ORM, only then
        prefetch_related_objects(gifts, "pseud__user")
    given: dict[int, list[Gift]] = defaultdict(list)
    for gift in gifts:
        given[gift.work_id].append(gift)
    for work in works:
        attach(work, "tags", tags[work.pk])
        attach(work, "creatorships", credits[work.pk])
        attach(work, "gifts", given[work.pk])
