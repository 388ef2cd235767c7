from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.works.models import Work
from tests.core.pages import parse
from tests.factories import make_work

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

ALL_ON = {
    "show_warnings": "on",
    "show_freeforms": "on",
    "skip_adult_gate": "on",
    "keep_history": "on",
    "allow_cocreators": "on",
    "allow_gifts": "on",
    "time_zone": "UTC",
    "comment_emails": "each",
    "reply_emails": "on",
    "kudos_digest": "on",
    "subscription_emails": "immediately",
}


def _preferences_url(user: User) -> str:
    return reverse("accounts:preferences", args=[user.username])


def _save(client: Client, user: User, **changes: str | None) -> Response:
    data = {key: value for key, value in {**ALL_ON, **changes}.items() if value is not None}
    return client.post(_preferences_url(user), data)


def test_the_preferences_page_shows_every_preference_with_a_label(author_client: Client, author: User) -> None:
    page = author_client.get(_preferences_url(author)).content.decode()
    for label in (
        "Show archive warnings in listings",
        "Show additional tags in listings",
        "Show me adult content without asking",
        "Time zone",
    ):
        assert label in page
    assert '<option value="Europe/Paris">Europe/Paris</option>' in page


def test_saved_preferences_are_kept(author_client: Client, author: User) -> None:
    response = _save(author_client, author, show_warnings=None, time_zone="Asia/Tokyo")
    assert response.status_code == 302
    author.refresh_from_db()
    assert not author.show_warnings
    assert author.skip_adult_gate
    assert author.time_zone == "Asia/Tokyo"
    assert "Your preferences were saved." in author_client.get(_preferences_url(author)).content.decode()


def test_an_unknown_time_zone_is_refused_and_nothing_is_saved(author_client: Client, author: User) -> None:
    response = _save(author_client, author, time_zone="Mars/Olympus_Mons", show_warnings=None)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    author.refresh_from_db()
    assert author.time_zone == "UTC"
    assert author.show_warnings


def test_only_the_owner_may_see_or_change_preferences(reader_client: Client, guest: Client, author: User) -> None:
    assert reader_client.get(_preferences_url(author)).status_code == 403
    assert _save(reader_client, author, time_zone="Asia/Tokyo").status_code == 403
    response = guest.get(_preferences_url(author))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    author.refresh_from_db()
    assert author.time_zone == "UTC"


def _without_filter_form(page: str) -> str:
    document = parse(page)
    for form in document.select("form.filters"):
        form.decompose()
    return str(document)


def test_hidden_warnings_and_additional_tags_stay_out_of_the_readers_listings(
    reader_client: Client, reader: User, author: User
) -> None:
    make_work(author, warnings=["Graphic Depictions Of Violence"], freeforms=["Shipwrecks"])
    listing = reverse("discovery:user_works", args=[author.username])
    page = reader_client.get(listing).content.decode()
    assert "Graphic Depictions Of Violence" in page
    assert "Shipwrecks" in page

    _save(reader_client, reader, show_warnings=None, show_freeforms=None)
    # The filter form still offers every archive warning to filter by; the blurbs and facet counts keep quiet.
    page = _without_filter_form(reader_client.get(listing).content.decode())
    assert "Graphic Depictions Of Violence" not in page
    assert "Warnings hidden by your preference" in page
    assert "Shipwrecks" not in page


def test_the_chosen_time_zone_changes_the_dates_shown(reader_client: Client, reader: User, author: User) -> None:
    work = make_work(author)
    late_evening = datetime.datetime(2024, 3, 1, 23, 30, tzinfo=datetime.UTC)
    Work.objects.filter(pk=work.pk).update(revised_at=late_evening)
    listing = reverse("discovery:user_works", args=[author.username])
    assert "1 Mar 2024" in reader_client.get(listing).content.decode()

    _save(reader_client, reader, time_zone="Pacific/Auckland")
    page = reader_client.get(listing).content.decode()
    assert "2 Mar 2024" in page
    assert "1 Mar 2024" not in page


def test_skipping_the_adult_gate_opens_explicit_works_straight_away(
    reader_client: Client, reader: User, author: User
) -> None:
    work = make_work(author, rating="Explicit", chapters=["A night on the rocks, told with the lamps out."])
    assert "A night on the rocks" not in reader_client.get(work.get_absolute_url()).content.decode()
    _save(reader_client, reader, skip_adult_gate="on")
    assert "A night on the rocks" in reader_client.get(work.get_absolute_url()).content.decode()
