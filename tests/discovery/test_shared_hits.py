"""Text hits one process read whole, stored for the archive's other processes (fanshelf/discovery/shared_hits.py)."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager

import numpy as np
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from fanshelf.accounts.actions import PseudFields, create_pseud, delete_account
from fanshelf.accounts.models import User
from fanshelf.discovery import kept_hits, shared_hits
from fanshelf.discovery import text as text_search
from fanshelf.discovery.live import ensure_fresh, reset_shared_index
from fanshelf.discovery.models import SharedTextHits
from fanshelf.discovery.query import WorkQuery, with_text
from fanshelf.discovery.search import execute
from fanshelf.works.models import WorkChange
from tests.factories import make_user, make_work, retitle_work

pytestmark = pytest.mark.django_db

Read = tuple[list[str], "list[int] | None"]
Capture = Callable[..., AbstractContextManager[object]]


def found(text: str) -> list[int]:
    return execute(with_text(WorkQuery(), text), AnonymousUser(), ensure_fresh()).work_ids


def counted_reads(monkeypatch: pytest.MonkeyPatch) -> list[Read]:
    """Every read of the text table from now on: its terms, and the works it was limited to (None: all)."""
    reads: list[Read] = []
    read = text_search.search_terms

    def counted(terms: list[str], among: list[int] | None = None) -> text_search.TextHits:
        reads.append((list(terms), None if among is None else sorted(among)))
        return read(terms, among)

    monkeypatch.setattr(text_search, "search_terms", counted)
    return reads


def another_process() -> None:
    """What a process started now has: no kept hits, and an index of its own built from the database."""
    kept_hits.clear()
    reset_shared_index()


@pytest.fixture
def common(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kept_hits, "MANY_TEXT_HITS", 0)  # every term counts as common
    another_process()


def test_another_process_starts_from_the_stored_hits_and_reads_only_the_works_changed_since(
    author: User, common: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    calm = make_work(author, title="Harbour at dawn")
    busy = make_work(author, title="Harbour market")
    make_work(author, title="Inland fields")
    reads = counted_reads(monkeypatch)
    assert sorted(found("harbour")) == [calm.pk, busy.pk]
    assert reads == [(["harbour"], None)]
    stored = SharedTextHits.objects.get()
    assert stored.mark == WorkChange.objects.latest("pk").pk, "read with every outbox row so far in the text table"

    another_process()
    assert sorted(found("harbour")) == [calm.pk, busy.pk]
    assert reads[1:] == [(["harbour"], [])], "started from the stored hits: nothing changed, nothing read"

    retitle_work(busy, author, "Market day")  # no longer says "harbour"
    posted = make_work(author, title="A harbour wall in winter, harbour lights")
    another_process()
    assert sorted(found("harbour")) == [calm.pk, posted.pk]
    assert reads[2:] == [(["harbour"], sorted([busy.pk, posted.pk]))], "only the two works changed are read again"
    fresh = text_search.search(["harbour"])
    kept = kept_hits._text_memo.get(("harbour",))
    assert kept is not None
    assert kept.hits.ids.tolist() == fresh.ids.tolist()
    at_posted = kept.hits.ids.tolist().index(posted.pk)
    assert kept.hits.scores[at_posted] == fresh.scores[fresh.ids.tolist().index(posted.pk)]


def test_stored_hits_older_than_a_reindex_or_too_far_behind_are_read_again(
    author: User, common: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = make_work(author, title="Lantern row")
    reads = counted_reads(monkeypatch)
    assert found("lantern") == [work.pk]
    call_command("reindex", "--skip-text", stdout=io.StringIO())  # stores no common words (they would be read)
    another_process()
    assert found("lantern") == [work.pk]
    assert reads == [(["lantern"], None), (["lantern"], None)], "a reindex since: read whole"
    assert SharedTextHits.objects.get().mark == WorkChange.objects.latest("pk").pk, "and stored again"

    monkeypatch.setattr(kept_hits, "REREAD_AFTER", 1)
    second = make_work(author, title="Lantern row again")
    third = make_work(author, title="Lantern row once more")
    another_process()
    assert sorted(found("lantern")) == [work.pk, second.pk, third.pk]
    assert reads[-1] == (["lantern"], None), "two works changed since, past REREAD_AFTER: read whole"


def test_no_hits_are_stored_past_the_budget_and_a_deleted_account_leaves_none(
    author: User, common: None, settings: object, django_capture_on_commit_callbacks: Capture
) -> None:
    leaver = make_user("Zephyrine")
    make_work(leaver, title="Gull over the harbour", pseuds=[create_pseud(leaver, PseudFields(name="Tidepool"))])
    settings.FANSHELF_TEXT_SHARED_MB = 0  # type: ignore[attr-defined]
    assert len(found("gull")) == 1
    assert not SharedTextHits.objects.exists()
    settings.FANSHELF_TEXT_SHARED_MB = 1  # type: ignore[attr-defined]
    assert len(found("tidepool")) == 1
    assert SharedTextHits.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        delete_account(leaver, works="orphan")
    assert not SharedTextHits.objects.exists(), "the pseud's works are no longer stored under its name"
    assert found("tidepool") == []
    assert len(found("gull")) == 1
    text_search.forget_deleted_text.enqueue()
    assert not SharedTextHits.objects.exists()


def test_a_term_that_matched_few_works_is_read_again_at_once_and_stored_once_it_matches_many(
    author: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kept_hits, "MANY_TEXT_HITS", 2)
    looked_up: list[tuple[str, ...]] = []
    load = shared_hits.load

    def counted_load(terms: tuple[str, ...]) -> tuple[text_search.TextHits, int] | None:
        looked_up.append(tuple(terms))
        return load(terms)

    monkeypatch.setattr(shared_hits, "load", counted_load)
    first = make_work(author, title="Gull at noon")
    assert found("gull") == [first.pk]
    assert looked_up == [("gull",)]
    assert found("gull") == [first.pk]
    assert looked_up == [("gull",)], "known to match few works: no turn taken, nothing stored looked up"
    assert not SharedTextHits.objects.exists()

    more = [make_work(author, title=f"Gull log {n}").pk for n in range(2)]
    assert sorted(found("gull")) == sorted([first.pk, *more])
    assert looked_up == [("gull",)]
    assert SharedTextHits.objects.count() == 1, "matching many works now: stored for the other processes"


def test_readers_of_the_same_terms_take_turns() -> None:
    others_turn = threading.Event()

    def other_reader() -> None:
        with shared_hits.one_reader(("harbour",)):
            others_turn.set()

    with shared_hits.one_reader(("harbour",)):
        other = threading.Thread(target=other_reader)
        other.start()
        assert not others_turn.wait(0.3), "the other reader waits while the first reads"
    other.join(timeout=10)
    assert others_turn.is_set(), "and reads once the first is done"


def test_stored_hits_come_back_as_they_were_stored(author: User, common: None) -> None:
    hits = text_search.TextHits(ids=np.array([3, 8, 21], np.int64), scores=np.array([1.5, -0.25, 7.0]))
    shared_hits.save(("tide", "gull"), hits, mark=41)
    loaded = shared_hits.load(("tide", "gull"))
    assert loaded is not None
    assert loaded[0].ids.tolist() == [3, 8, 21]
    assert loaded[0].scores.tolist() == [1.5, -0.25, 7.0]
    assert loaded[1] == 41
    assert shared_hits.load(("gull", "tide")) is None, "terms are kept in their sorted order by terms_of"


def test_a_reindex_stores_the_common_words_so_the_first_searches_after_it_read_none_whole(
    author: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kept_hits, "MANY_TEXT_HITS", 2)  # a word in two works or more counts as common
    lit = [make_work(author, title=f"Lantern {n}", summary="“Quiet” harbour, 灯台") for n in range(3)]
    alone = make_work(author, title="Lantern alone at sea")
    make_work(author, title="Inland fields")
    output = io.StringIO()
    call_command("reindex", stdout=output)
    assert "Common words: the works of" in output.getvalue()
    another_process()
    reads = counted_reads(monkeypatch)
    assert sorted(found("LANTERN")) == sorted(found("lantern")) == sorted([work.pk for work in [*lit, alone]])
    assert reads, "the stored hits were brought up to date"
    assert all(among == [] for _, among in reads), "stored by the reindex: nothing changed since, nothing read"
    assert sorted(found("Quiet harbour")) == [work.pk for work in lit]
    assert all(among == [] for _, among in reads), "a search of two words is made from each word's hits"
    stored = SharedTextHits.objects.get(key=shared_hits._key(("lantern",)))
    assert np.frombuffer(stored.ids, np.int64).tolist() == sorted(found("lantern"))


def test_a_reindex_stores_no_common_words_where_there_is_no_room(
    author: User, monkeypatch: pytest.MonkeyPatch, settings: pytest.FixtureRequest
) -> None:
    monkeypatch.setattr(kept_hits, "MANY_TEXT_HITS", 2)
    settings.FANSHELF_TEXT_SHARED_MB = 0  # type: ignore[attr-defined]
    for n in range(2):
        make_work(author, title=f"Gull {n}")
    output = io.StringIO()
    call_command("reindex", stdout=output)
    assert "left out: no room" in output.getvalue()
    assert not SharedTextHits.objects.exists()


def test_a_word_in_ascii_is_the_same_search_in_any_case_and_other_scripts_keep_theirs() -> None:
    assert text_search.terms_of(["Salt Tide"]) == text_search.terms_of(["salt TIDE"]) == ("salt tide",)
    assert text_search.terms_of(["Ŝalt"]) == ("Ŝalt",)
