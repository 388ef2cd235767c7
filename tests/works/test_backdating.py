"""Backdating (issue 9, "Backdating"): a work's updated date is the date of its latest posted chapter, so a work
backdated to 2019 says 2019 in listings, sorts by it and is found by date filters; a chapter posted today moves it.
"""

from __future__ import annotations

import datetime
import importlib
from types import SimpleNamespace

from bs4 import Tag
from django.apps import apps as django_apps
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from fanshelf.accounts.models import User
from fanshelf.imports.demo_archive import load_demo_archive
from fanshelf.works.actions import ChapterFields, add_chapter, delete_chapter
from fanshelf.works.models import Work, WorkChange
from tests.core.pages import chapter_form_data, listed_titles, parse, text_of, work_form_data
from tests.factories import make_work


def post_new_work(client: Client, data: dict[str, object]) -> Work:
    response = client.post(reverse("works:new"), data)
    assert response.status_code == 302, text_of(response.content.decode())[:2000]
    return Work.objects.latest("pk")


def blurb_of(client: Client, work: Work) -> Tag:
    page = parse(client.get(reverse("discovery:works")).content.decode())
    blurb = page.select_one(f"#work_{work.pk}")
    assert blurb is not None, f"{work.title} is not listed"
    return blurb


def today_as_shown() -> list[str]:
    """Today written the ways listings write dates."""
    today = timezone.localdate()
    return [format_date(today, "j M Y"), format_date(today, "d M Y"), today.isoformat()]


def work_page_stats(client: Client, work: Work) -> str:
    stats = parse(client.get(work.get_absolute_url()).content.decode()).select_one("dl.stats")
    assert stats is not None
    return text_of(str(stats))


def test_a_work_backdated_to_2019_shows_2019_in_its_blurb_not_today(
    author: User, author_client: Client, guest: Client
) -> None:
    work = post_new_work(author_client, work_form_data(author, title="Old Harbour", published_on="2019-05-01"))

    blurb = blurb_of(guest, work)
    shown = text_of(str(blurb))
    assert all(today not in shown for today in today_as_shown()), shown
    date_line = blurb.select_one(".datetime")
    assert date_line is not None
    assert "2019" in date_line.get_text()


def test_by_date_updated_a_backdated_work_sorts_by_its_own_date_among_others(
    author: User, author_client: Client, guest: Client
) -> None:
    make_work(author, title="Posted Today")
    post_new_work(author_client, work_form_data(author, title="From 2019", published_on="2019-05-01"))
    make_work(author, title="From 2022", published_on=datetime.date(2022, 8, 9))

    response = guest.get(reverse("discovery:works"), {"sort": "updated"})

    assert listed_titles(response) == ["Posted Today", "From 2022", "From 2019"]


def test_updated_to_finds_a_work_backdated_before_that_date(author: User, author_client: Client, guest: Client) -> None:
    make_work(author, title="Posted Today")
    post_new_work(author_client, work_form_data(author, title="From 2019", published_on="2019-05-01"))

    before_2020 = guest.get(reverse("discovery:works"), {"updated_to": "2020-01-01"})
    since_2020 = guest.get(reverse("discovery:works"), {"updated_from": "2020-01-01"})

    assert listed_titles(before_2020) == ["From 2019"]
    assert listed_titles(since_2020) == ["Posted Today"]


def test_a_chapter_posted_today_moves_a_backdated_work_to_today(
    author: User, author_client: Client, guest: Client
) -> None:
    old = post_new_work(
        author_client, work_form_data(author, title="From 2019", published_on="2019-05-01", expected_chapters="?")
    )
    make_work(author, title="From 2022", published_on=datetime.date(2022, 8, 9))

    author_client.post(reverse("works:chapter_new", args=[old.pk]), chapter_form_data(intent="post"))

    assert listed_titles(guest.get(reverse("discovery:works"), {"sort": "updated"})) == ["From 2019", "From 2022"]
    assert listed_titles(guest.get(reverse("discovery:works"), {"updated_to": "2020-01-01"})) == []
    date_line = blurb_of(guest, old).select_one(".datetime")
    assert date_line is not None
    assert any(today in date_line.get_text() for today in today_as_shown())
    assert f"Updated: {timezone.localdate().isoformat()}" in work_page_stats(guest, old)


def test_a_backdated_chapter_carries_its_date_to_the_work(author: User, author_client: Client, guest: Client) -> None:
    work = post_new_work(
        author_client, work_form_data(author, title="From 2019", published_on="2019-05-01", expected_chapters="?")
    )

    author_client.post(
        reverse("works:chapter_new", args=[work.pk]),
        chapter_form_data(intent="post", chapter_published_on="2020-03-03"),
    )

    stats = work_page_stats(guest, work)
    assert "Published: 2019-05-01" in stats
    assert "Updated: 2020-03-03" in stats
    assert listed_titles(guest.get(reverse("discovery:works"), {"updated_to": "2020-03-02"})) == []
    assert listed_titles(guest.get(reverse("discovery:works"), {"updated_to": "2020-03-03"})) == ["From 2019"]


def test_backdating_a_posted_work_while_editing_it_moves_its_updated_date(
    author: User, author_client: Client, guest: Client
) -> None:
    make_work(author, title="Posted Today")
    work = post_new_work(author_client, work_form_data(author, title="Moved Back"))

    author_client.post(
        reverse("works:edit", args=[work.pk]),
        work_form_data(author, title="Moved Back", intent="save", published_on="2018-06-01"),
    )

    assert listed_titles(guest.get(reverse("discovery:works"), {"updated_to": "2019-01-01"})) == ["Moved Back"]
    assert listed_titles(guest.get(reverse("discovery:works"), {"sort": "updated"})) == ["Posted Today", "Moved Back"]
    assert "2018" in (blurb_of(guest, work).select_one(".datetime") or Tag(name="p")).get_text()


def test_deleting_the_latest_chapter_gives_the_work_back_its_earlier_date(author: User, guest: Client) -> None:
    work = make_work(author, title="Two Dates", published_on=datetime.date(2019, 5, 1), expected_chapters=None)
    latest = add_chapter(
        work,
        ChapterFields(content="A later chapter, posted in the spring of 2021.", published_on=datetime.date(2021, 4, 1)),
        post=True,
    )
    assert listed_titles(guest.get(reverse("discovery:works"), {"updated_to": "2020-01-01"})) == []

    delete_chapter(latest)

    assert listed_titles(guest.get(reverse("discovery:works"), {"updated_to": "2020-01-01"})) == ["Two Dates"]


def test_the_demo_archives_2024_works_say_2024_not_today(guest: Client, db: None) -> None:
    load_demo_archive()
    works = list(Work.objects.listed_for_users())
    assert works

    listing = guest.get(reverse("discovery:works"), {"updated_to": "2024-12-31"})
    assert len(listed_titles(listing)) == len([w for w in works if not w.restricted])
    for work in works:
        if work.restricted:
            continue
        guest.post(reverse("works:confirm_adult", args=[work.pk]))  # past the adult gate, as a reader would go
        stats = work_page_stats(guest, work)
        assert all(today not in stats for today in today_as_shown()), (work.title, stats)
        if work.posted_chapter_count > 1:
            assert ("Completed: 2024-" in stats) or ("Updated: 2024-" in stats), (work.title, stats)


def test_upgrading_gives_works_backdated_before_the_fix_their_own_dates(author: User, guest: Client) -> None:
    migration = importlib.import_module("fanshelf.works.migrations.0006_revised_at_from_chapter_dates")
    old = make_work(author, title="Imported Last Year", published_on=datetime.date(2024, 2, 3))
    fresh = make_work(author, title="Posted Today")
    # What the archive held before: every work "updated" the moment it was posted or imported.
    Work.objects.filter(pk=old.pk).update(revised_at=timezone.now())
    fresh_time = Work.objects.get(pk=fresh.pk).revised_at

    migration.derive_revised_at(django_apps, SimpleNamespace(connection=connection))  # reads only its alias
    WorkChange.objects.create(work_id=old.pk, kind="test_migrated")  # running servers re-read it

    assert listed_titles(guest.get(reverse("discovery:works"), {"updated_to": "2024-12-31"})) == ["Imported Last Year"]
    assert Work.objects.get(pk=fresh.pk).revised_at == fresh_time
