"""A blurb's dates ("02 Mar 2026"): its updated day in the reader's own time zone, its published day as posted, and
the archive's one language whatever the browser asks for, so a memoised blurb reads the same to every reader of it."""

from __future__ import annotations

import datetime

from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.works.models import Work
from tests.core.pages import parse
from tests.factories import make_user, make_work, signed_in_client


def _dates(client: Client, title: str) -> tuple[str, str]:
    """The blurb's updated day and its published day, as the listing shows them."""
    page = parse(client.get(reverse("discovery:works")).content.decode())
    for blurb in page.select("li.blurb"):
        heading = blurb.select_one("h3 a")
        if heading is not None and heading.get_text() == title:
            updated = blurb.select_one("p.datetime")
            published = blurb.find("dt", string="Published:")
            day = published.find_next_sibling("dd") if published is not None else None
            assert updated is not None
            assert day is not None
            return updated.get_text(), day.get_text()
    raise AssertionError(f"{title!r} is not listed")


def test_a_blurb_gives_the_updated_day_of_each_readers_time_zone(author: User, guest: Client) -> None:
    late = make_work(author, title="Late “Lantern” 灯")
    Work.objects.filter(pk=late.pk).update(
        revised_at=datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC), published_on=datetime.date(2025, 12, 9)
    )
    tokyo = signed_in_client(make_user(time_zone="Asia/Tokyo"))

    # Each twice: the second blurb comes from the memo.
    for _ in range(2):
        assert _dates(guest, "Late “Lantern” 灯") == ("01 Mar 2026", "09 Dec 2025")
        assert _dates(tokyo, "Late “Lantern” 灯") == ("02 Mar 2026", "09 Dec 2025")


def test_every_browser_language_gets_the_archives_own_words_and_shares_its_blurbs(author: User) -> None:
    make_work(author, title="Harbour Songs")
    Work.objects.filter(title="Harbour Songs").update(
        revised_at=datetime.datetime(2026, 12, 3, 9, 0, tzinfo=datetime.UTC), published_on=datetime.date(2026, 12, 1)
    )
    french, german, english = (Client(HTTP_ACCEPT_LANGUAGE=code) for code in ("fr-FR,fr;q=0.9", "de", "en-GB"))

    # A French browser first: before, its blurb said "03 Déc 2026" and was memoised for everyone.
    assert _dates(french, "Harbour Songs") == ("03 Dec 2026", "01 Dec 2026")
    assert _dates(english, "Harbour Songs") == ("03 Dec 2026", "01 Dec 2026")
    assert _dates(german, "Harbour Songs") == ("03 Dec 2026", "01 Dec 2026")
    page = parse(french.get(reverse("discovery:works")).content.decode())
    assert page.html is not None
    assert page.html["lang"] == "en"
    assert page.find("a", string="Log in") is not None


def test_a_blurb_writes_every_day_as_djangos_date_filter_does() -> None:
    """The blurb's own formatter (works/blurbs.py) against Django's `d M Y`, for every day of a leap year and a few
    years far apart: the day with its zero, the month's short name, the year in four digits."""
    from django.utils.dateformat import format as format_date

    from fanshelf.works.blurbs import day_text

    days = [datetime.date(2024, 1, 1) + datetime.timedelta(days=n) for n in range(366)]
    days += [datetime.date(year, 7, 4) for year in (5, 999, 1970, 2038, 9999)]
    assert [day_text(day) for day in days] == [format_date(day, "d M Y") for day in days]
