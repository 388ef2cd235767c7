"""A bookmark listing filtered on the bookmarked works' tags holds exactly the works the works listing gives for
the same filters (both are answered by the discovery engine), and a restricted or hidden work's bookmark never
shows to a guest through any filter."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.bookmarks import work_filters
from fanshelf.bookmarks.actions import BookmarkFields, bookmark_series
from fanshelf.works.actions import set_hidden_by_moderator
from fanshelf.works.series import add_to_series
from tests.bookmarks.helpers import bookmark, bookmark_elsewhere
from tests.bookmarks.test_bookmark_filters_engine import wrangle
from tests.factories import make_work, signed_in_client

TITLES = (
    "Lamp Keeper", "Tidal Letters", "Chosen Crew", "Grey Harbour", "Members Only Tide", "Quiet Removal",
    "Far Shore Story",
)  # fmt: skip
QUERIES = (
    "include=Found Family",  # its synonym "found fam" and its subtag "Chosen Family" count
    "include=found fam",  # a synonym typed stands for its canonical
    "include=Found Family&exclude=Angst",
    "exclude=Chosen Family",
    "include=Keeper/Ferrywoman&include=Angst",
    "include=Tidewater Chronicles&rating=Mature",
    "include=Tidewater Chronicles&complete=0",
    "include=Tidewater Chronicles&words_from=500",
)


def archive(author: User, reader: User) -> None:
    """Six works, all bookmarked by the reader: one restricted, one hidden by a moderator, plus an external work."""
    wrangle()
    works = [
        make_work(author, title="Lamp Keeper", freeforms=["found fam"], relationships=["Keeper/Ferrywoman"]),
        make_work(author, title="Tidal Letters", freeforms=["Angst", "Found Family"], rating="Mature"),
        make_work(author, title="Chosen Crew", freeforms=["Chosen Family"], chapters=("word " * 600,)),
        make_work(author, title="Grey Harbour", freeforms=["Angst"], relationships=["Keeper/Ferrywoman"],
                  expected_chapters=None),
        make_work(author, title="Members Only Tide", freeforms=["Found Family"], restricted=True),
        make_work(author, title="Quiet Removal", freeforms=["Found Family"]),
    ]  # fmt: skip
    for work in works:
        bookmark(reader, work)
    set_hidden_by_moderator(works[-1], True)
    bookmark_elsewhere(reader, title="Far Shore Story")


def _titles(client: Client, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200, response.content.decode()[:500]
    page = response.content.decode()
    return {title for title in TITLES if re.search(rf">\s*{re.escape(title)}\s*<", page)}


@pytest.mark.parametrize("signed_in", [False, True], ids=["guest", "reader"])
def test_each_filter_keeps_the_works_the_works_listing_shows(author: User, reader: User, signed_in: bool) -> None:
    archive(author, reader)
    client = signed_in_client(reader) if signed_in else Client()
    bookmarks = reverse("bookmarks:user", args=[reader.username])
    for query in QUERIES:
        listed = _titles(client, f"{reverse('discovery:works')}?{query}")
        assert listed, query  # every query finds something, so agreeing is not agreeing on nothing
        assert _titles(client, f"{bookmarks}?type=work&{query}") == listed, query
    assert "Quiet Removal" not in _titles(client, f"{reverse('discovery:works')}?include=Found Family")
    shown_restricted = "Members Only Tide" in _titles(client, f"{bookmarks}?include=Found Family")
    assert shown_restricted is signed_in


def test_a_guest_never_finds_a_restricted_or_hidden_works_bookmark(author: User, reader: User, guest: Client) -> None:
    archive(author, reader)
    bookmarks = reverse("bookmarks:user", args=[reader.username])
    for query in ("", "?include=Found Family", "?exclude=Angst", "?work_tag=found fam", "?rating=General Audiences"):
        shown = _titles(guest, bookmarks + query)
        assert "Members Only Tide" not in shown, query
        assert "Quiet Removal" not in shown, query
    assert _titles(guest, bookmarks + "?work_tag=found fam") == {"Lamp Keeper", "Tidal Letters", "Chosen Crew"}


def test_external_works_are_filtered_by_their_own_tags(author: User, reader: User, guest: Client) -> None:
    archive(author, reader)
    bookmarks = reverse("bookmarks:user", args=[reader.username])
    # The external work was described with the fandom "Tidewater Chronicles" only.
    assert "Far Shore Story" in _titles(guest, bookmarks + "?include=Tidewater Chronicles")
    assert "Far Shore Story" in _titles(guest, bookmarks + "?exclude=Angst")
    assert "Far Shore Story" not in _titles(guest, bookmarks + "?include=Found Family")
    # Completion and length are known for works here only.
    assert "Far Shore Story" not in _titles(guest, bookmarks + "?complete=0")


def test_many_matching_works_are_sent_to_the_database_as_one_parameter(
    author: User, reader: User, guest: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past SMALL_IN ids, and past CANDIDATES_FIRST matching works, the answer is the same (both databases)."""
    archive(author, reader)
    bookmarks = reverse("bookmarks:user", args=[reader.username])
    expected = _titles(guest, bookmarks + "?type=work&include=Found Family")
    monkeypatch.setattr(work_filters, "SMALL_IN", 0)
    assert _titles(guest, bookmarks + "?type=work&include=Found Family&rec=") == expected
    monkeypatch.setattr(work_filters, "CANDIDATES_FIRST", 0)
    assert _titles(guest, bookmarks + "?type=work&include=Found Family&with_notes=") == expected
    assert expected == {"Lamp Keeper", "Tidal Letters", "Chosen Crew"}


def test_a_series_carries_the_tags_of_the_works_the_reader_may_see(author: User, reader: User, guest: Client) -> None:
    """As on AO3, a series bookmark is found under its works' tags (all of them together); a restricted work's
    tags count only for readers who may see it, so a guest learns nothing of them through the series."""
    wrangle()
    public = make_work(author, title="Beacon Part", freeforms=["Angst"])
    members = make_work(author, title="Members Part", freeforms=["found fam"], restricted=True)
    series = add_to_series(public, author, "Lantern Cycle")
    assert add_to_series(members, author, "Lantern Cycle") == series
    bookmark_series(reader, series, BookmarkFields(pseud=reader.default_pseud()))
    bookmarks = reverse("bookmarks:user", args=[reader.username])

    def cycle_shown(client: Client, query: str) -> bool:
        response = client.get(bookmarks + query)
        assert response.status_code == 200
        return "Lantern Cycle" in response.content.decode()

    signed_in = signed_in_client(reader)
    assert cycle_shown(signed_in, "?include=Found Family, Angst")  # one work has each
    assert not cycle_shown(guest, "?include=Found Family")
    assert cycle_shown(guest, "?include=Angst")
    assert cycle_shown(signed_in, "?exclude=Chosen Family")  # "found fam" files under Found Family, not its subtag
    assert not cycle_shown(signed_in, "?exclude=Found Family")
    assert cycle_shown(guest, "?exclude=Found Family")  # the guest's series has one work, without it
    assert not cycle_shown(signed_in, "?complete=1")  # completion is known for works only
