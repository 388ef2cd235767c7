"""A deleted account's names and words leave the discovery engine: the process's in-memory index (creator and title
sort keys) and the database's text index, SQLite's FTS5 segments included."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from fanshelf.accounts.actions import PseudFields, create_pseud, delete_account, update_pseud
from fanshelf.accounts.models import User
from fanshelf.discovery import text
from fanshelf.discovery.index import DiscoveryIndex
from fanshelf.discovery.live import ensure_fresh
from fanshelf.discovery.query import WorkQuery, with_text
from fanshelf.discovery.search import execute
from tests.factories import make_user, make_work

pytestmark = pytest.mark.django_db
Capture = Callable[..., AbstractContextManager[object]]


def held_keys(index: DiscoveryIndex) -> bytes:
    """Every sort key the index holds, creators' and titles', with the creator lookups."""
    creators = index.creator_rank
    parts = [creators.table.keys.tobytes(), creators.base_keys.tobytes(), b" ".join(creators.added)]
    return b" ".join([*parts, index.title_rank.keys.tobytes()])


def by_creator() -> list[int]:
    return execute(WorkQuery(sort="creator"), AnonymousUser(), ensure_fresh()).work_ids


def test_a_deleted_accounts_pseud_names_and_titles_leave_the_in_memory_index(author: User) -> None:
    leaver = make_user("Zephyrine")
    tidepool = create_pseud(leaver, PseudFields(name="Tidepool"))
    make_work(leaver, title="Quietharbour", pseuds=[tidepool])
    make_work(leaver, title="Second Quietharbour")
    kept = [make_work(make_user("Marram"), title="Dunes").pk, make_work(author, title="Salt").pk]
    assert b"tidepool" in held_keys(ensure_fresh())

    delete_account(leaver, works="delete")

    held = held_keys(ensure_fresh())
    assert b"tidepool" not in held
    assert b"zephyrine" not in held
    assert b"quietharbour" not in held
    assert sorted(by_creator()) == sorted(kept)  # the rest still sorts by creator


def test_an_orphaned_works_old_byline_leaves_the_index_and_it_sorts_by_the_new_one(author: User) -> None:
    leaver = make_user("Zephyrine")
    orphaned = make_work(leaver, title="Foghorn Nights")
    other = make_work(make_user("Aalto"), title="Pines")
    assert by_creator() == [other.pk, orphaned.pk]  # Aalto, Zephyrine

    delete_account(leaver, works="orphan")

    assert b"zephyrine" not in held_keys(ensure_fresh())
    assert by_creator() == [other.pk, orphaned.pk]  # Aalto, orphan_account


def test_a_renamed_pseuds_old_name_is_forgotten_and_the_new_one_sorts(author: User) -> None:
    writer = make_user("Willowherb")
    pseud = create_pseud(writer, PseudFields(name="Zephyrine"))
    work = make_work(writer, title="Foghorn Nights", pseuds=[pseud])
    other = make_work(make_user("Marram"), title="Dunes")
    assert by_creator() == [other.pk, work.pk]
    update_pseud(pseud, PseudFields(name="Alder"))

    assert b"zephyrine" not in held_keys(ensure_fresh())
    assert by_creator() == [work.pk, other.pk]  # Alder, Marram


def test_a_fresh_build_keeps_no_name_of_a_pseud_without_listed_works(author: User) -> None:
    make_work(author, title="Salt")
    make_work(make_user("Quietpen"), title="A draft", post=False)
    built = DiscoveryIndex.build()
    assert b"quietpen" not in held_keys(built)
    assert author.username.lower().encode() in held_keys(built)


def test_the_text_index_forgets_a_deleted_accounts_words_on_disk_too(
    author: User, django_capture_on_commit_callbacks: Capture
) -> None:
    leaver = make_user("Zephyrine")
    make_work(leaver, title="Quietharbour", pseuds=[create_pseud(leaver, PseudFields(name="Tidepool"))])
    orphaned = make_work(leaver, title="Foghorn Nights")
    make_work(author, title="Salt")
    ensure_fresh()
    assert text.search(["tidepool"]).ids.size == 1

    with django_capture_on_commit_callbacks(execute=True):  # the task is queued when the deletion commits
        delete_account(leaver, works="orphan", keep_names=False)

    for name in ("tidepool", "zephyrine"):
        found = execute(with_text(WorkQuery(), name), AnonymousUser(), ensure_fresh()).work_ids
        assert found == [], name
    assert execute(with_text(WorkQuery(), "foghorn"), AnonymousUser(), ensure_fresh()).work_ids == [orphaned.pk]
    if connection.vendor == "sqlite":  # FTS5 keeps deleted terms in its segments until they are merged
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT block FROM {text.TABLE}_data")  # noqa: S608 - fixed name
            stored = b"".join(bytes(block) for (block,) in cursor.fetchall() if block is not None)
        assert b"tidepool" not in stored
        assert b"zephyrine" not in stored
        assert b"foghorn" in stored


def test_merging_the_text_segments_is_a_task_that_keeps_search_working(author: User) -> None:
    work = make_work(author, title="Lanterns over Brightwater")
    result = text.forget_deleted_text.enqueue()
    assert result.return_value is not None
    assert text.search(["brightwater"]).ids.tolist() == [work.pk]


def test_many_pseuds_orphaned_at_once_are_all_forgotten(author: User) -> None:
    leaver = make_user("Zephyrine")
    pseuds = [create_pseud(leaver, PseudFields(name=f"Gullwing{n}")) for n in range(12)]
    works = [make_work(leaver, title=f"Tide {n}", pseuds=[pseud]).pk for n, pseud in enumerate(pseuds)]
    assert b"gullwing11" in held_keys(ensure_fresh())

    delete_account(leaver, works="orphan")

    assert b"gullwing" not in held_keys(ensure_fresh())
    assert sorted(by_creator()) == sorted(works)
