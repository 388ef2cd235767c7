"""The work page's information list and stats (works/page_parts.py): what each entry says, escaped, in the reader's
time zone, the same on a guest's memoised page and a signed-in reader's."""

from __future__ import annotations

import datetime

from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.works.models import Work
from fanshelf.works.series import add_to_series
from tests.core.pages import parse, unsafe_parts_of_page
from tests.factories import make_user, make_work, signed_in_client

HOSTILE_SERIES = "Lantern “Cycle” 灯 <img src=x onerror=alert(1)> סדרה"


def _entries(client: Client, work: Work) -> dict[str, str]:
    """The information list as a reader reads it: each heading's text and its entry's text."""
    markup = client.get(work.get_absolute_url()).content.decode()
    assert not unsafe_parts_of_page(markup)
    page = parse(markup)
    entries = {}
    for selector in ("section.work-meta > dl.meta", "section.work-meta dl.stats"):
        listing = page.select_one(selector)
        assert listing is not None
        for dt in listing.find_all("dt", recursive=False):
            entries[_read(dt).rstrip(":")] = _read(dt.find_next_sibling("dd"))
    return entries


def _read(element: object) -> str:
    return " ".join(element.get_text().split())  # type: ignore[attr-defined]


def test_the_information_list_names_every_tag_type_permissions_series_and_counts(author: User, guest: Client) -> None:
    work = make_work(
        author,
        title="Salt Harbour",
        chapters=("One night by the harbour.", "Two nights by the harbour."),
        relationships=["Ansel Vey/Mira Tolle"],
        freeforms=["Lamps", "Quiet Magic"],
    )
    add_to_series(work, author, HOSTILE_SERIES)
    Work.objects.filter(pk=work.pk).update(comment_count=3, bookmark_count=1234, audio_seconds=3725, hit_count=4321)

    for client in (guest, guest, signed_in_client(make_user())):  # the guest's second view comes from the memo
        entries = _entries(client, work)
        assert entries["Rating"] == "General Audiences"
        assert entries["Archive Warnings"] == "No Archive Warnings Apply"
        assert entries["Fandoms"] == "Tidewater Chronicles"
        assert entries["Relationships"] == "Ansel Vey/Mira Tolle"
        assert entries["Additional Tags"] == "Lamps, Quiet Magic"
        assert "Characters" not in entries  # a type the work has none of is left out, as AO3 does
        assert entries["Language"] == "English"
        assert entries["Series"] == f"Part 1 of {HOSTILE_SERIES}"
        shown = {name: entries[name] for name in ("Chapters", "Audio", "Comments", "Bookmarks", "Kudos")}
        assert shown == {
            "Chapters": "2/2",
            "Audio": "1:02:05",
            "Comments": "3",
            "Bookmarks": "1,234",
            "Kudos": "0",
        }
        assert entries["Hits"] in ("4,321", "4,322")  # the guest's own hit, counted after their first page
    page = parse(guest.get(work.get_absolute_url()).content.decode())
    bookmarks = page.select_one("dd.bookmark-count a")
    assert bookmarks is not None
    assert bookmarks["href"] == reverse("bookmarks:work", args=[work.pk])
    series_link = page.select_one(".series-place a")
    assert series_link is not None
    assert series_link.get_text() == HOSTILE_SERIES


def test_a_work_updated_late_in_the_evening_shows_the_day_of_the_readers_time_zone(author: User) -> None:
    work = make_work(author, chapters=("The first evening came.", "The second evening came."), expected_chapters=3)
    late = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)
    Work.objects.filter(pk=work.pk).update(revised_at=late)

    in_utc = _entries(signed_in_client(make_user(time_zone="UTC")), work)
    in_tokyo = _entries(signed_in_client(make_user(time_zone="Asia/Tokyo")), work)

    assert in_utc["Updated"] == "2026-03-01"
    assert in_tokyo["Updated"] == "2026-03-02"
    assert "Completed" not in in_tokyo  # two chapters of three
