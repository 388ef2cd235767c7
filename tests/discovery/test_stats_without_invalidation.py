"""Count changes (hits, kudos, comment and bookmark counts) reach listings in batches, at most every
FANSHELF_STATS_REFRESH_SECONDS, so a memoised listing survives any number of hits in between; every other change
shows at once, and a signed-in reader sees their own kudos or comment at once (docs/discovery.md)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from fanshelf.accounts.models import User
from fanshelf.comments.actions import post_comment
from fanshelf.community.actions import leave_kudos
from fanshelf.discovery import listing, live, views
from fanshelf.works.actions import set_hidden_by_moderator
from fanshelf.works.hits import PendingHit, apply_hits
from fanshelf.works.models import Work
from tests.core.pages import listed_titles, parse
from tests.factories import make_work

WORKS = reverse("discovery:works")
BY_HITS = f"{WORKS}?sort=hits"
BY_KUDOS = f"{WORKS}?sort=kudos"


def stat_shown(page: Any, title: str, label: str) -> str:
    """The figure a blurb shows after `label` ("Kudos:", "Hits:", "Comments:"), "" when it shows none."""
    for blurb in parse(page.content.decode()).select("li.blurb"):
        heading = blurb.select_one("h3 a")
        if heading is not None and heading.get_text() == title:
            figure = blurb.select_one(f"dl.stats dt:-soup-contains('{label}') + dd")
            return "" if figure is None else figure.get_text()
    raise AssertionError(f"no blurb for {title}")


def visits(work: Work, visitors: int, first: int = 0) -> list[PendingHit]:
    today = timezone.localdate()
    return [PendingHit(work.pk, f"visitor-{n}", today) for n in range(first, first + visitors)]


def the_interval_passes() -> None:
    """As if the last stats batch was applied an interval ago (no sleeping; one test waits on the real clock)."""
    live._live().stats_applied -= live.stats_seconds()


@pytest.fixture
def bodies_rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths whose listing body was made rather than taken from the memo, in order."""
    made: list[str] = []
    make = views._listing_body

    def counted(request: Any, page: Any, index: Any) -> views.MadeBody:
        made.append(request.get_full_path())
        return make(request, page, index)

    monkeypatch.setattr(views, "_listing_body", counted)
    return made


@pytest.fixture
def blurbs_rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The titles of the blurbs rendered rather than taken from the memo."""
    made: list[str] = []
    render: Callable[..., SafeString] = listing.render_blurb  # type: ignore[attr-defined]

    def counted(work: Work, viewer: Any, *setting: Any) -> SafeString:
        made.append(work.title)
        return render(work, viewer, *setting)

    monkeypatch.setattr(listing, "render_blurb", counted)
    return made


@pytest.fixture
def stats_interval(settings: Any) -> float:
    settings.FANSHELF_STATS_REFRESH_SECONDS = 60
    return 60.0


def test_a_hundred_hits_between_two_guest_listings_leave_the_memoised_page_in_use(
    author: User, guest: Client, stats_interval: float, bodies_rendered: list[str]
) -> None:
    quiet = make_work(author, title="Quiet Harbour")
    busy = make_work(author, title="Busy Quay")
    first = guest.get(BY_HITS)
    assert bodies_rendered == [BY_HITS]

    assert apply_hits(visits(busy, 60) + visits(quiet, 40)) == 100

    second = guest.get(BY_HITS)
    assert bodies_rendered == [BY_HITS]  # the memoised body: no engine run, no blurb, no template
    assert second.content == first.content
    assert Work.objects.get(pk=busy.pk).hit_count == 60  # the hits are written, only the listing waits

    for flush in range(10):  # as the hit flusher writes them, a listing request after each batch
        apply_hits(visits(quiet, 10, first=100 + 10 * flush))
        assert guest.get(BY_HITS).content == first.content
    assert bodies_rendered == [BY_HITS]


def test_after_the_interval_the_listing_sorted_by_hits_shows_the_new_order(
    author: User, guest: Client, stats_interval: float
) -> None:
    leading = make_work(author, title="Lighthouse Log")
    trailing = make_work(author, title="月影の庭 «מגדלור»")  # Japanese and Hebrew, in a title that sorts by hits
    assert listed_titles(guest.get(BY_HITS)) == ["月影の庭 «מגדלור»", "Lighthouse Log"]  # equal: newest first
    apply_hits(visits(leading, 3))
    the_interval_passes()
    assert listed_titles(guest.get(BY_HITS)) == ["Lighthouse Log", "月影の庭 «מגדלור»"]  # a batch, applied now

    apply_hits(visits(trailing, 7))
    assert listed_titles(guest.get(BY_HITS)) == ["Lighthouse Log", "月影の庭 «מגדלור»"]  # within the interval
    the_interval_passes()

    page = guest.get(BY_HITS)
    assert listed_titles(page) == ["月影の庭 «מגדלור»", "Lighthouse Log"]
    assert stat_shown(page, "月影の庭 «מגדלור»", "Hits:") == "7"


def test_the_new_order_shows_on_the_real_clock_once_the_interval_is_over(
    author: User, guest: Client, settings: Any
) -> None:
    settings.FANSHELF_STATS_REFRESH_SECONDS = 2
    make_work(author, title="Early Tide")
    late = make_work(author, title="Late Tide")
    assert listed_titles(guest.get(BY_HITS)) == ["Late Tide", "Early Tide"]  # equal hits: newest first
    early = Work.objects.get(title="Early Tide")

    apply_hits(visits(early, 1))
    assert listed_titles(guest.get(BY_HITS)) == ["Late Tide", "Early Tide"]  # the index is not 2 seconds old
    time.sleep(2.05)

    assert listed_titles(guest.get(BY_HITS)) == ["Early Tide", "Late Tide"]
    assert late.hit_count == 0


def test_a_stats_batch_keeps_a_listing_not_ordered_by_counts_when_none_of_its_works_counts_moved(
    author: User, guest: Client, settings: Any, stats_interval: float, bodies_rendered: list[str]
) -> None:
    settings.FANSHELF_WORKS_PER_PAGE = 1
    elsewhere = make_work(author, title="Tidepool")
    make_work(author, title="Shingle Beach")  # the newest: the only work on the first page by date
    guest.get(WORKS)
    guest.get(BY_HITS)
    apply_hits(visits(elsewhere, 2))
    the_interval_passes()

    assert listed_titles(guest.get(WORKS)) == ["Shingle Beach"]
    assert listed_titles(guest.get(BY_HITS)) == ["Tidepool"]
    assert bodies_rendered == [WORKS, BY_HITS, BY_HITS]  # by date: kept; by hits: made again


def test_a_batch_of_hits_alone_keeps_a_listing_sorted_by_kudos_and_a_batch_with_kudos_makes_it_again(
    author: User, reader: User, guest: Client, settings: Any, stats_interval: float, bodies_rendered: list[str]
) -> None:
    settings.FANSHELF_WORKS_PER_PAGE = 1
    elsewhere = make_work(author, title="Tidepool")
    make_work(author, title="Shingle Beach")  # the newest: first among works of equal kudos
    assert listed_titles(guest.get(BY_KUDOS)) == ["Shingle Beach"]
    guest.get(BY_HITS)
    apply_hits(visits(elsewhere, 5))
    the_interval_passes()

    assert listed_titles(guest.get(BY_KUDOS)) == ["Shingle Beach"]
    assert listed_titles(guest.get(BY_HITS)) == ["Tidepool"]
    assert bodies_rendered == [BY_KUDOS, BY_HITS, BY_HITS], (
        "by kudos: kept through a batch of hits; by hits: made again"
    )

    leave_kudos(elsewhere, reader, "")
    the_interval_passes()
    assert listed_titles(guest.get(BY_KUDOS)) == ["Tidepool"]
    assert bodies_rendered[-1] == BY_KUDOS


def test_a_new_work_and_a_hidden_work_show_at_once_right_after_hits(
    author: User, guest: Client, stats_interval: float, bodies_rendered: list[str]
) -> None:
    kept = make_work(author, title="Net Menders")
    hidden = make_work(author, title="Rope Walk")
    guest.get(WORKS)
    apply_hits(visits(kept, 5) + visits(hidden, 5))
    guest.get(WORKS)
    assert len(bodies_rendered) == 1

    make_work(author, title="Salt Pans")
    set_hidden_by_moderator(hidden, True)

    page = guest.get(WORKS)
    assert sorted(listed_titles(page)) == ["Net Menders", "Salt Pans"]
    assert len(bodies_rendered) == 2


def test_the_kudos_a_blurb_shows_update_after_the_interval_and_only_that_blurb_is_rendered_again(
    author: User, reader: User, guest: Client, stats_interval: float, blurbs_rendered: list[str]
) -> None:
    kudosed = make_work(author, title="Kelp Forest")
    make_work(author, title="Sandbar")
    assert stat_shown(guest.get(WORKS), "Kelp Forest", "Kudos:") == "0"
    assert sorted(blurbs_rendered) == ["Kelp Forest", "Sandbar"]

    leave_kudos(kudosed, reader, "")
    assert stat_shown(guest.get(WORKS), "Kelp Forest", "Kudos:") == "0"  # guests share the page until the batch
    the_interval_passes()

    assert stat_shown(guest.get(WORKS), "Kelp Forest", "Kudos:") == "1"
    assert sorted(blurbs_rendered) == ["Kelp Forest", "Kelp Forest", "Sandbar"]  # Sandbar's blurb was kept


def test_a_signed_in_reader_sees_their_own_kudos_and_comment_in_a_listing_at_once(
    author: User, reader: User, reader_client: Client, guest: Client, stats_interval: float
) -> None:
    work = make_work(author, title="Oyster Beds")
    assert stat_shown(reader_client.get(WORKS), "Oyster Beds", "Kudos:") == "0"
    guest.get(WORKS)

    leave_kudos(work, reader, "")
    post_comment(work, "Lovely “tide” scenes.", user=reader, pseud=reader.default_pseud())

    page = reader_client.get(WORKS)
    assert stat_shown(page, "Oyster Beds", "Kudos:") == "1"  # as the work page shows it
    assert stat_shown(page, "Oyster Beds", "Comments:") == "1"
    assert stat_shown(guest.get(WORKS), "Oyster Beds", "Kudos:") == "0"  # others see it with the next batch


def test_with_no_interval_every_hit_shows_at_once(author: User, guest: Client, settings: Any) -> None:
    settings.FANSHELF_STATS_REFRESH_SECONDS = 0
    work = make_work(author, title="Pier Lights")
    assert stat_shown(guest.get(WORKS), "Pier Lights", "Hits:") == "0"
    apply_hits(visits(work, 2))
    assert stat_shown(guest.get(WORKS), "Pier Lights", "Hits:") == "2"


def test_hits_move_only_the_stats_version_and_only_when_a_listed_works_count_moved(
    author: User, stats_interval: float
) -> None:
    listed = make_work(author, title="Breakwater")
    draft = make_work(author, title="Unfinished Jetty", post=False)
    live.ensure_fresh()
    state, stats = live.fresh_state(), live.fresh_stats()

    apply_hits(visits(listed, 4) + visits(draft, 4))
    live.ensure_fresh()
    assert (live.fresh_state(), live.fresh_stats()) == (state, stats)  # memos keyed on the state survive hits
    assert live.freshness()["counts_waiting"] == 2

    the_interval_passes()
    live.ensure_fresh()
    assert (live.fresh_state(), live.fresh_stats()) == (state, stats + 1)
    assert live.freshness()["counts_waiting"] == 0

    apply_hits(visits(draft, 3, first=10))  # a draft is in no listing: nothing to move
    the_interval_passes()
    live.ensure_fresh()
    assert (live.fresh_state(), live.fresh_stats()) == (state, stats + 1)
