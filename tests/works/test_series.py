from __future__ import annotations

from django.test import Client

from fanshelf.accounts.models import User
from fanshelf.works.models import Series, Work
from fanshelf.works.series import add_to_series
from tests.core.pages import work_form_data
from tests.factories import make_work


def _series_of(author: User, *works: Work) -> Series:
    series = None
    for work in works:
        series = add_to_series(work, author, "The Lighthouse Years")
    assert series is not None
    return series


def test_a_work_posted_with_a_series_title_starts_the_series(author: User, author_client: Client) -> None:
    form = work_form_data(author, title="Winter Keeper", series_title="The Lighthouse Years")
    author_client.post("/works/new/", form)
    series = Series.objects.get(title="The Lighthouse Years")
    assert [entry.work.title for entry in series.entries.all()] == ["Winter Keeper"]
    page = author_client.get(series.get_absolute_url()).content.decode()
    assert "Winter Keeper" in page


def test_series_navigation_links_neighbouring_works(author: User, guest: Client) -> None:
    first, second, third = (make_work(author, title=t) for t in ("Spring Oil", "Summer Glass", "Autumn Wick"))
    _series_of(author, first, second, third)
    page = guest.get(f"/works/{second.pk}/").content.decode()
    assert "Part 2 of" in page
    assert f'href="/works/{first.pk}/">← Previous work: <bdi>Spring Oil</bdi>' in page
    assert f'href="/works/{third.pk}/">Next work: <bdi>Autumn Wick</bdi>' in page


def test_series_navigation_skips_restricted_works_for_guests(
    author: User, guest: Client, reader_client: Client
) -> None:
    first = make_work(author, title="Spring Oil")
    hidden_from_guests = make_work(author, title="Summer Glass", restricted=True)
    third = make_work(author, title="Autumn Wick")
    series = _series_of(author, first, hidden_from_guests, third)
    page = guest.get(f"/works/{first.pk}/").content.decode()
    assert "Next work: <bdi>Autumn Wick</bdi>" in page
    assert "Summer Glass" not in page
    assert "Summer Glass" not in guest.get(series.get_absolute_url()).content.decode()
    assert "Next work: <bdi>Summer Glass</bdi>" in reader_client.get(f"/works/{first.pk}/").content.decode()


def test_an_anonymous_work_is_left_out_of_its_creators_series_for_others(
    author: User, reader_client: Client, author_client: Client
) -> None:
    first = make_work(author, title="Spring Oil")
    secret = make_work(author, title="Summer Glass", anonymous=True)
    series = _series_of(author, first, secret)
    assert "Summer Glass" not in reader_client.get(series.get_absolute_url()).content.decode()
    assert "Next work" not in reader_client.get(f"/works/{first.pk}/").content.decode()
    assert "Summer Glass" in author_client.get(series.get_absolute_url()).content.decode()


def test_drafts_never_appear_in_a_series(author: User, reader_client: Client) -> None:
    first = make_work(author, title="Spring Oil")
    draft = make_work(author, title="Summer Glass", post=False)
    series = _series_of(author, first, draft)
    assert "Summer Glass" not in reader_client.get(series.get_absolute_url()).content.decode()


def test_the_creator_edits_and_completes_the_series(author: User, author_client: Client, guest: Client) -> None:
    work = make_work(author)
    series = _series_of(author, work)
    author_client.post(
        f"/works/series/{series.pk}/edit/",
        {"title": "The Lighthouse Years", "summary": "Four seasons.", "complete": "on"},
    )
    page = guest.get(series.get_absolute_url()).content.decode()
    assert "Four seasons." in page
    assert "Series complete:</dt><dd>Yes" in page


def test_others_cannot_edit_a_series(author: User, reader_client: Client) -> None:
    series = _series_of(author, make_work(author))
    assert reader_client.get(f"/works/series/{series.pk}/edit/").status_code == 404
