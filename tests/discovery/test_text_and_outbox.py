"""Text search through the database's engine, visibility in text results, and changes arriving via the outbox."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

import numpy as np
import pytest
from django.contrib.auth.models import AnonymousUser

from fanshelf.accounts.models import User
from fanshelf.discovery import kept_hits
from fanshelf.discovery import text as text_search
from fanshelf.discovery.index import DiscoveryIndex
from fanshelf.discovery.live import current_index, ensure_fresh
from fanshelf.discovery.query import WorkQuery, with_text
from fanshelf.discovery.search import execute
from fanshelf.works.actions import (
    ChapterFields,
    WorkFields,
    add_chapter,
    delete_work,
    set_hidden_by_moderator,
    update_work,
)
from fanshelf.works.models import Work
from tests.factories import make_user, make_work, retitle_work

if TYPE_CHECKING:
    from fanshelf.works.models import Viewer

pytestmark = pytest.mark.django_db


def found(text: str, viewer: Viewer | None = None, **filters: object) -> list[int]:
    query = with_text(WorkQuery(**filters), text)  # type: ignore[arg-type]
    return execute(query, viewer or AnonymousUser(), ensure_fresh()).work_ids


def test_text_search_covers_title_summary_notes_tags_creators_and_chapter_text(author: User) -> None:
    work = make_work(
        author,
        title="Lanterns over Brightwater",
        summary="<p>A <em>ferrywoman</em> waits.</p>",
        notes="Written for the cartographers exchange.",
        freeforms=["Marzipan"],
        chapters=["The heron stood in the shallows all morning, unbothered by the boats."],
    )
    make_work(make_user("Inkwell"), title="Something else entirely")
    for text in ("brightwater", "ferrywoman", "cartographers", "marzipan", "quillfeather", "heron", '"heron stood"'):
        assert found(text) == [work.pk], text


def test_anonymous_works_are_never_found_by_their_creators_name(author: User) -> None:
    shown = make_work(author, title="Signed harbour")
    make_work(author, title="Unsigned harbour", anonymous=True)
    assert found("quillfeather") == [shown.pk]
    assert len(found("harbour")) == 2


def test_drafts_hidden_and_restricted_works_stay_out_of_text_results(author: User, reader: User) -> None:
    make_work(author, title="Draft tern", post=False)
    hidden = make_work(author, title="Hidden tern")
    set_hidden_by_moderator(hidden, True)
    locked = make_work(author, title="Locked tern", restricted=True)
    assert found("tern") == []
    assert found("tern", reader) == [locked.pk]


def test_minus_words_and_phrases_exclude_and_filters_combine_with_text(author: User) -> None:
    calm = make_work(author, title="Calm sea", chapters=["A calm sea, a long walk, a pier."])
    stormy = make_work(author, title="Stormy sea", chapters=["The storm broke the pier in two and nobody slept."])
    assert found("sea -storm") == [calm.pk]
    assert found('sea -"long walk"') == [stormy.pk]
    assert found("sea complete:true words<9") == [calm.pk]


def test_best_match_puts_title_hits_above_passing_mentions(author: User) -> None:
    mention = make_work(author, title="Ordinary day", chapters=["Somewhere a gull cried; otherwise, nothing."])
    titled = make_work(author, title="Gull")
    assert found("gull") == [titled.pk, mention.pk]


def test_edits_reach_filters_and_text_through_the_outbox(author: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kept_hits, "MANY_TEXT_HITS", 0)  # every search's hits kept, as a common word's are
    index = ensure_fresh()
    work = make_work(author, title="First light", freeforms=["Fluff"])
    assert execute(WorkQuery(include=("Fluff",)), AnonymousUser(), ensure_fresh()).work_ids == [work.pk]
    # Searched before each change too: text hits are kept by the index's state, and every change moves it on.
    assert found("first") == [work.pk]
    assert found("last") == found("evening") == []
    fields = WorkFields(
        title="Last light", pseuds=[author.default_pseud()], rating="Explicit",
        warnings=["No Archive Warnings Apply"], fandoms=["Tidewater Chronicles"], freeforms=["Angst"],
    )  # fmt: skip
    update_work(work, author, fields)
    assert ensure_fresh() is index, "applied in place, not rebuilt"
    assert execute(WorkQuery(include=("Fluff",)), AnonymousUser(), index).total == 0
    assert execute(WorkQuery(include=("Angst",), ratings=("Explicit",)), AnonymousUser(), index).total == 1
    assert found("last") == [work.pk]
    assert found("first") == []
    add_chapter(work, ChapterFields(content="More words arrive with the evening tide here."), post=True)
    assert execute(WorkQuery(words=WorkQuery().words.narrowed(20)), AnonymousUser(), ensure_fresh()).total == 1
    assert found("evening") == found("last") == [work.pk]
    delete_work(Work.objects.get(pk=work.pk))
    assert execute(WorkQuery(), AnonymousUser(), ensure_fresh()).total == 0
    assert found("last") == found("evening") == []


def test_the_same_words_in_another_order_or_twice_read_the_hits_kept_for_them(
    author: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kept_hits, "MANY_TEXT_HITS", 0)
    both = make_work(author, title="Harbour lantern")
    make_work(author, title="Harbour only")
    ensure_fresh()
    kept_hits.clear()
    asked: list[list[str]] = []
    read = text_search.search_terms

    def counted(terms: list[str]) -> text_search.TextHits:
        asked.append(list(terms))
        return read(terms)

    monkeypatch.setattr(text_search, "search_terms", counted)
    assert found("Harbour Lantern") == found("Lantern Harbour") == found("Lantern Harbour Lantern") == [both.pk]
    assert len(found("Harbour")) == 2
    # Each word read once on its own, kept, and every search of them made from the kept hits.
    assert asked == [["harbour"], ["lantern"]]
    assert found("Gull") == []
    assert asked[-1] == ["gull"], "a new term is read"


def test_kept_hits_follow_posts_edits_and_deletions_by_reading_only_the_works_changed(
    author: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kept_hits, "MANY_TEXT_HITS", 0)
    calm = make_work(author, title="Harbour at dawn")
    busy = make_work(author, title="Harbour market")
    make_work(author, title="Inland fields")
    ensure_fresh()
    kept_hits.clear()
    reads: list[tuple[list[str], list[int] | None]] = []
    read = text_search.search_terms

    def counted(terms: list[str], among: list[int] | None = None) -> text_search.TextHits:
        reads.append((list(terms), None if among is None else sorted(among)))
        return read(terms, among)

    monkeypatch.setattr(text_search, "search_terms", counted)
    assert sorted(found("harbour")) == [calm.pk, busy.pk]
    assert reads == [(["harbour"], None)]

    retitle_work(busy, author, "Market day")  # no longer says "harbour"
    posted = make_work(author, title="A harbour wall in winter")
    assert sorted(found("harbour")) == sorted(found("harbour", sort="title")) == [calm.pk, posted.pk]
    assert reads[1:] == [(["harbour"], sorted([busy.pk, posted.pk]))], "only the two works changed are read again"

    delete_work(Work.objects.get(pk=calm.pk))
    assert found("harbour") == [posted.pk]
    assert reads[-1] == (["harbour"], [calm.pk])

    monkeypatch.setattr(kept_hits, "REREAD_AFTER", 0)  # past it, the term is read whole again
    make_work(author, title="Harbour lights")
    assert len(found("harbour")) == 2
    assert reads[-1:] == [(["harbour"], None)]


def test_hits_made_from_each_terms_own_equal_the_search_of_them_all(author: User) -> None:
    texts = [
        "The harbour lantern swung; the harbour slept.",
        "A lantern, a harbour, a gull over the harbour wall and the lantern again.",
        "Gull and lantern only. Gull, gull, gull.",
        "Harbour gull lantern “ゼロの港” שלום",
        "Nothing here to find at all.",
    ]
    for number, story in enumerate(texts):
        make_work(author, title=f"Tide log {number}", chapters=[story])
    ensure_fresh()
    for phrases in (["harbour", "lantern"], ["gull", "lantern", "harbour"], ['"harbour wall"', "gull"], ["ゼロの港"]):
        terms = text_search.terms_of(phrases)
        together = text_search.search_terms(terms)
        made = text_search.all_of([text_search.search_terms((term,)) for term in terms])
        assert made.ids.tolist() == together.ids.tolist(), phrases
        assert len(together.ids) > 0, phrases
        assert np.allclose(made.scores, together.scores, rtol=1e-12, atol=0), phrases


def test_an_index_applied_change_by_change_equals_a_fresh_build(author: User) -> None:
    ensure_fresh()
    other = make_user("Inkwell")
    works = [make_work(u, title=f"Tide {i}", freeforms=[f"Mood {i % 3}"]) for i, u in enumerate([author, other] * 4)]
    set_hidden_by_moderator(works[0], True)
    delete_work(works[1])
    live = ensure_fresh()
    fresh = DiscoveryIndex.build()
    assert live.listed == fresh.listed
    assert {k: v for k, v in live.tag_bitmaps.items() if v} == {k: v for k, v in fresh.tag_bitmaps.items() if v}
    ids = list(fresh.listed)
    assert list(live.title_rank.rank[ids].argsort()) == list(fresh.title_rank.rank[ids].argsort())


def test_current_index_refreshes_once_the_interval_has_passed(author: User, settings: object) -> None:
    settings.DISCOVERY_REFRESH_SECONDS = 3600  # type: ignore[attr-defined]
    index = current_index()
    make_work(author)
    assert len(current_index()) == 0, "within the interval the index is not re-checked"
    assert len(ensure_fresh()) == 1
    assert index is current_index()


def test_dates_and_counts_in_the_index_equal_the_database(author: User) -> None:
    from fanshelf.discovery.loader import day_number, micros

    works = [make_work(author, title=f"Tide {i}", published_on=datetime.date(2024, 5, i + 1)) for i in range(3)]
    index = DiscoveryIndex.build()
    for work in works:
        assert index.columns["revised"][work.pk] == micros(work.revised_at)
        assert index.columns["published"][work.pk] == day_number(work.published_on)
        assert index.columns["words"][work.pk] == work.word_count


@pytest.mark.parametrize("span", [60, 900, 10**9], ids=["dense", "dense-wide", "sparse"])
def test_combining_terms_hits_keeps_exactly_the_works_in_all_with_their_scores_added(span: int) -> None:
    rng = np.random.default_rng(span)

    def hits(count: int) -> text_search.TextHits:
        ids = np.sort(rng.choice(span, size=min(count, span), replace=False)).astype(np.int64) + 7
        return text_search.TextHits(ids=ids, scores=rng.random(len(ids)))

    def expected(parts: list[text_search.TextHits]) -> dict[int, float]:
        common = set.intersection(*(set(part.ids.tolist()) for part in parts))
        return {i: sum(float(p.scores[p.ids.tolist().index(i)]) for p in parts) for i in common}

    cases = [[hits(40), hits(25)], [hits(30), hits(30), hits(12)], [hits(1), hits(50)], [hits(3), hits(45)]]
    apart = text_search.TextHits(ids=np.array([1, 2], np.int64), scores=np.array([0.5, 0.25]))
    cases.append([apart, text_search.TextHits(ids=apart.ids + span + 10, scores=apart.scores)])
    for parts in cases:
        made = text_search.all_of(parts)
        want = expected(parts)
        assert made.ids.tolist() == sorted(want)
        assert np.allclose(made.scores, [want[i] for i in sorted(want)], rtol=1e-12, atol=0)


def test_a_search_of_two_words_puts_the_work_that_says_both_most_first_in_either_order(author: User) -> None:
    filler = " ".join(["The quay was quiet and the boats lay still in the grey morning."] * 6)
    once = make_work(author, title="Notes from the quay", chapters=[f"A harbour, a lantern. {filler}"])
    both = make_work(
        author,
        title="Harbour lantern",
        chapters=["The harbour lantern swung; the harbour slept under the lantern, “harbour” and lantern again."],
    )
    one_word = make_work(author, title="Harbour harbour", chapters=["Harbour walls, harbour bells, harbour gulls."])
    ensure_fresh()
    for words in ("harbour lantern", "Lantern HARBOUR"):
        assert found(words) == [both.pk, once.pk], words  # best match first; a work without "lantern" is not found
    assert one_word.pk in found("harbour")
