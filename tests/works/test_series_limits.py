"""A series' summary and notes are refused when too long, as a work's are, and never cut: cut HTML can end inside
a link that then wraps the rest of the page."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.core.sanitize import sanitize_notes
from fanshelf.works.actions import MAX_NOTES, MAX_SUMMARY
from fanshelf.works.models import Series
from fanshelf.works.series import add_to_series
from tests.core.pages import parse, text_of
from tests.factories import make_work

LINK = '<p>Read <a href="https://example.org/lighthouse">the lighthouse log</a> first.</p>'


def _series(author: User) -> Series:
    return add_to_series(make_work(author), author, "The Lighthouse Years")


def _edit(client: Client, series: Series, **fields: str) -> str:
    data = {"title": "The Lighthouse Years", "summary": "", "notes": "", **fields}
    return client.post(reverse("works:series_edit", args=[series.pk]), data, follow=True).content.decode()


def _filled_to(limit: int, tail: str) -> str:
    """Text whose cleaned form is exactly `limit` characters and ends with `tail`."""
    padding = limit - len(sanitize_notes("<p></p>" + tail))
    return f"<p>{'a' * padding}</p>{tail}"


def test_a_series_summary_over_the_limit_is_refused_with_a_message(author: User, author_client: Client) -> None:
    series = _series(author)
    # Cut at the limit, this would end inside the link.
    page = _edit(author_client, series, summary=_filled_to(MAX_SUMMARY + 20, LINK))
    assert f"Summary can be at most {MAX_SUMMARY:,} characters" in text_of(page)
    series.refresh_from_db()
    assert series.summary == ""


def test_series_notes_over_the_limit_are_refused_with_a_message(author: User, author_client: Client) -> None:
    series = _series(author)
    page = _edit(author_client, series, notes=_filled_to(MAX_NOTES + 20, LINK))
    assert f"Notes can be at most {MAX_NOTES:,} characters" in text_of(page)
    series.refresh_from_db()
    assert series.notes == ""


def test_a_series_summary_at_the_limit_ending_in_a_link_is_stored_intact(
    author: User, author_client: Client, guest: Client
) -> None:
    series = _series(author)
    summary = _filled_to(MAX_SUMMARY, LINK)
    _edit(author_client, series, summary=summary)
    series.refresh_from_db()
    assert len(series.summary) == MAX_SUMMARY
    assert series.summary == sanitize_notes(summary)
    assert series.summary.endswith("the lighthouse log</a> first.</p>")
    # On the page, the link holds its own words only: it does not run on over the rest of the page.
    links = parse(guest.get(series.get_absolute_url()).content.decode()).select(
        "a[href='https://example.org/lighthouse']"
    )
    assert [link.get_text() for link in links] == ["the lighthouse log"]
