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
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import QuerySet, Subquery, prefetch_related_objects
from django.db.models.functions import Coalesce

from fanshelf.accounts.models import Pseud, User
from fanshelf.core.prepared import MAX_VALUES, Prepared, all_fields, attach, instances, loaded
from fanshelf.tags.models import Tag, TagChange
from fanshelf.works.models import SHOWN_TAG_FIELDS, Creatorship, Gift, Work, WorkTag

_CREDIT_FIELDS = ("id", "work_id", "pseud_id", "position")
_PSEUD_FIELDS = ("id", "name", "user_id")
_USER_FIELDS = ("id", "username")


def _tags_of(shape: object, *work_ids: int) -> QuerySet[Any]:
    """The works' tag ids in typed order, each row with the wrangling outbox's top (`_known_tags`)."""
    tagged = WorkTag.objects.filter(work_id__in=work_ids).order_by("work_id", "position", "tag_id")
    top = TagChange.objects.order_by("-pk").values("pk")[:1]
    return tagged.annotate(tags_changed=Coalesce(Subquery(top), 0)).values_list("work_id", "tag_id", "tags_changed")


def _tags_named(shape: object, *tag_ids: int) -> QuerySet[Any]:
    return Tag.objects.filter(pk__in=tag_ids).order_by().values_list(*SHOWN_TAG_FIELDS)


def _credits_of(shape: object, *work_ids: int) -> QuerySet[Any]:
    pseud = (f"pseud__{name}" for name in _PSEUD_FIELDS[1:])
    credits = Creatorship.objects.filter(work_id__in=work_ids)
    return credits.values_list(*_CREDIT_FIELDS, *pseud, "pseud__user__username")


def _gifts_of(shape: object, *work_ids: int) -> QuerySet[Any]:
    return Gift.objects.filter(work_id__in=work_ids, refused=False).values_list(*all_fields(Gift))


# Each compiled once per size of its list of ids (Prepared.rows_in).
_tags, _named = Prepared(_tags_of), Prepared(_tags_named)
_credits, _gifts = Prepared(_credits_of), Prepared(_gifts_of)


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


def attach_blurb_data(works: Sequence[Work], gifts: bool = True) -> None:
    """Read the tags, credits and gifts of these works (three statements per MAX_VALUES works) and attach them.
    `gifts=False`: the caller knows there are none (works/page_memo.py's probe), and none is read."""
    for start in range(0, len(works), MAX_VALUES):
        _attach_some(works[start : start + MAX_VALUES], gifts)


def _attach_some(works: Sequence[Work], read_gifts: bool) -> None:
    ids = [work.pk for work in works]
    tagged = _tags.rows_in("tags", ids)
    known = _known_tags(tagged[0][2], {row[1] for row in tagged}) if tagged else {}
    tags: dict[int, list[Tag]] = defaultdict(list)
    for work_id, tag_id, _ in tagged:
        if tag_id in known:  # a tag deleted since the ids were read is no longer shown
            tags[work_id].append(known[tag_id])
    credits: dict[int, list[Creatorship]] = defaultdict(list)
    for row in _credits.rows_in("credits", ids):
        credit = loaded(Creatorship, _CREDIT_FIELDS, row[:4])
        credited = (row[2], *row[4:])  # the pseud's id, its name, its account's id and username
        Creatorship.pseud.field.set_cached_value(credit, _credited(credited))
        credits[credit.work_id].append(credit)
    gifts = instances(Gift, _gifts.rows_in("gifts", ids)) if read_gifts else []
    if any(gift.pseud_id for gift in gifts):  # rare: their pseuds read by the ORM, only then
        prefetch_related_objects(gifts, "pseud__user")
    given: dict[int, list[Gift]] = defaultdict(list)
    for gift in gifts:
        given[gift.work_id].append(gift)
    for work in works:
        attach(work, "tags", tags[work.pk])
        attach(work, "creatorships", credits[work.pk])
        attach(work, "gifts", given[work.pk])
