"""A guest's facet counts are kept per filters and index state (discovery/listing.py `facet_key`): every page and
sort of a listing shows the counts of its filters, a new work's tags count at once, counts behind a count range
follow the stats batches, and a signed-in reader's mutes keep their counts their own."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.community.actions import leave_kudos
from fanshelf.discovery import listing, search
from fanshelf.tags.models import TagType
from tests.core.pages import parse
from tests.discovery.test_stats_without_invalidation import the_interval_passes
from tests.factories import make_user, make_work, signed_in_client
from tests.tags.conftest import canonical_tag

WORKS = reverse("discovery:works")
FANDOM = "Tidewater Chronicles"


def facet_texts(response: Any) -> list[str]:
    section = parse(response.content.decode()).select_one("section.facets")
    assert section is not None
    return [" ".join(a.get_text().split()) for a in section.select("a:not(.exclude)")]


@pytest.fixture(autouse=True)
def _canonical(moderator: User) -> None:
    """Facets count canonical tags only."""
    canonical_tag(FANDOM, TagType.FANDOM, moderator)
    for name in ("Fluff", "Angst", "Found Family", "Slow Burn", "Hurt/Comfort", "Crack"):
        canonical_tag(name, TagType.FREEFORM, moderator)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each engine run counted facets (True) or was asked not to (False), in order."""
    runs: list[bool] = []
    execute = search.execute

    def recorded(*args: Any, **kwargs: Any) -> search.SearchResult:
        runs.append(kwargs.get("facets", True))
        return execute(*args, **kwargs)

    monkeypatch.setattr(listing, "execute", recorded)
    return runs


def test_every_page_and_sort_of_a_listing_shows_the_counts_of_its_filters(
    author: User, guest: Client, settings: Any, counted: list[bool]
) -> None:
    settings.FANSHELF_WORKS_PER_PAGE = 2
    for number in range(5):
        make_work(author, title=f"Gull {number}", freeforms=["Fluff"] if number % 2 else ["Angst", "Fluff"])
    first = facet_texts(guest.get(WORKS, {"include": FANDOM, "sort": "kudos"}))
    assert "Fluff (5)" in first
    assert "Angst (3)" in first
    for params in ({"page": "2"}, {"page": "3", "sort": "title"}, {"sort": "words", "direction": "asc"}):
        assert facet_texts(guest.get(WORKS, {"include": FANDOM, **params})) == first
    assert counted == [True, False, False, False]  # counted once for the four pages

    make_work(author, title="Gull 5", freeforms=["Angst"])
    after = facet_texts(guest.get(WORKS, {"include": FANDOM, "page": "2"}))
    assert "Angst (4)" in after  # a new work counts at once
    assert counted[-1] is True


def test_counts_behind_a_kudos_range_follow_the_stats_batches(author: User, guest: Client, settings: Any) -> None:
    settings.FANSHELF_STATS_REFRESH_SECONDS = 60
    liked = make_work(author, title="Liked", freeforms=["Found Family"])
    make_work(author, title="Unliked", freeforms=["Slow Burn"])
    leave_kudos(liked, make_user("Admirer"), "")
    the_interval_passes()
    before = facet_texts(guest.get(WORKS, {"kudos_from": "1", "sort": "title"}))
    assert "Found Family (1)" in before
    assert not any(text.startswith("Slow Burn") for text in before)

    second = make_work(author, title="Second", freeforms=["Slow Burn"])
    leave_kudos(second, make_user("Another"), "")
    the_interval_passes()
    after = facet_texts(guest.get(WORKS, {"kudos_from": "1", "sort": "hits"}))
    assert "Slow Burn (1)" in after


def test_a_readers_mutes_keep_their_counts_their_own(author: User, guest: Client, counted: list[bool]) -> None:
    muted = make_user("Loudhailer")
    make_work(author, title="Calm Water", freeforms=["Hurt/Comfort"])
    make_work(muted, title="Foghorn", freeforms=["Crack"])
    reader = make_user("Quietreader")
    client = signed_in_client(reader)
    assert client.post(reverse("accounts:mute", args=[muted.username])).status_code == 302
    assert "Crack (1)" in facet_texts(guest.get(WORKS))
    assert not any(text.startswith("Crack") for text in facet_texts(client.get(WORKS)))
    assert "Crack (1)" in facet_texts(guest.get(WORKS, {"sort": "title"}))
    assert counted == [True, True, False]
