"""People change their username with their password, at most once a week; the default pseud follows, listings show
the new name, and moderators see the old one. A moderator's rename in the admin does the same."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User, UsernameChange
from tests.core.pages import parse
from tests.factories import PASSWORD, make_user, make_work

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

WORKS = reverse("discovery:works")


def _change(client: Client, user: User, new: str, password: str = PASSWORD) -> Response:
    url = reverse("accounts:change_username", args=[user.username])
    return client.post(url, {"username": new, "password": password})


def _bylines(client: Client) -> list[str]:
    page = parse(client.get(WORKS).content.decode())
    return [h3.get_text(" ", strip=True) for h3 in page.select("li.blurb h3")]


def _errors(response: Response) -> str:
    return " ".join(parse(response.content.decode()).select_one("main").get_text(" ").split())  # type: ignore[union-attr]


def test_a_renamed_account_shows_its_new_name_to_guests_in_listings_and_on_its_pages(
    author_client: Client, author: User, guest: Client
) -> None:
    work = make_work(author, title="Salt and Lanterns")
    assert _bylines(guest) == ["Salt and Lanterns by Quillfeather"]

    response = _change(author_client, author, "Seafoam_Scribe")

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard", args=["Seafoam_Scribe"])
    author.refresh_from_db()
    assert author.username == "Seafoam_Scribe"
    assert [(p.name, p.is_default) for p in author.pseuds.all()] == [("Seafoam_Scribe", True)]
    assert _bylines(guest) == ["Salt and Lanterns by Seafoam_Scribe"]
    assert "Seafoam_Scribe" in guest.get(work.get_absolute_url()).content.decode()
    assert guest.get(reverse("accounts:dashboard", args=["seafoam_scribe"])).status_code == 200
    assert guest.get(reverse("accounts:dashboard", args=["Quillfeather"])).status_code == 404
    assert author_client.get(reverse("home")).status_code == 200  # still logged in


def test_changing_the_username_needs_the_current_password(author_client: Client, author: User) -> None:
    response = _change(author_client, author, "Seafoam", password="not-my-password")

    assert response.status_code == 200
    assert "That is not your current password." in _errors(response)
    author.refresh_from_db()
    assert author.username == "Quillfeather"


def test_a_username_changes_at_most_once_in_seven_days(author_client: Client, author: User) -> None:
    assert _change(author_client, author, "Seafoam").status_code == 302
    author.refresh_from_db()

    response = _change(author_client, author, "Driftwood")

    assert "You can change your username once every 7 days: next from" in _errors(response)
    author.refresh_from_db()
    assert author.username == "Seafoam"
    # A week on, the next change is allowed.
    week_ago = author.username_changes.get().changed_at - datetime.timedelta(days=7)
    author.username_changes.update(changed_at=week_ago)
    assert _change(author_client, author, "Driftwood").status_code == 302


def test_a_username_another_account_has_in_any_case_or_one_of_ones_pseuds_is_refused(
    author_client: Client, author: User, reader: User
) -> None:
    assert "That username is taken." in _errors(_change(author_client, author, "PAGETURNER"))
    author_client.post(reverse("accounts:pseuds", args=[author.username]), {"name": "Gull", "description": ""})
    assert "You have a pseud named “Gull”" in _errors(_change(author_client, author, "gull"))
    assert "letters, numbers and underscores" in _errors(_change(author_client, author, "Sea Foam"))
    author.refresh_from_db()
    assert author.username == "Quillfeather"


def test_nobody_changes_another_persons_username(reader_client: Client, author: User) -> None:
    assert _change(reader_client, author, "Stolen").status_code == 403
    author.refresh_from_db()
    assert author.username == "Quillfeather"


def _admin_form(page: str) -> dict[str, str | list[str]]:
    """The values a browser would send from the admin change form as it stands."""
    form = BeautifulSoup(page, "html.parser").select_one("form#user_form")
    assert form is not None
    data: dict[str, str | list[str]] = {}
    for field in form.select("input[name]"):
        kind = str(field.get("type", "text"))
        if kind in {"checkbox", "radio"} and not field.has_attr("checked"):
            continue
        if kind not in {"submit", "button"}:
            data[str(field["name"])] = str(field.get("value", "on" if kind == "checkbox" else ""))
    for select in form.select("select[name]"):
        chosen = [str(option.get("value", "")) for option in select.select("option[selected]")]
        data[str(select["name"])] = chosen if select.has_attr("multiple") else (chosen or [""])[0]
    for area in form.select("textarea[name]"):
        data[str(area["name"])] = area.get_text()
    return data


def test_a_moderators_rename_in_the_admin_renames_the_default_pseud_and_keeps_the_old_name(
    author: User, guest: Client
) -> None:
    make_work(author, title="Salt and Lanterns")
    moderator = make_user("Lamplighter", is_staff=True)
    client = Client()
    client.force_login(moderator)
    url = reverse("admin:accounts_user_change", args=[author.pk])
    data = {**_admin_form(client.get(url).content.decode()), "username": "Renamed_Writer", "_save": "Save"}

    response = client.post(url, data)

    assert response.status_code == 302, _errors(response)
    author.refresh_from_db()
    assert author.username == "Renamed_Writer"
    assert author.default_pseud().name == "Renamed_Writer"
    assert _bylines(guest) == ["Salt and Lanterns by Renamed_Writer"]
    change = UsernameChange.objects.get(user=author)
    assert (change.old_username, change.changed_by) == ("Quillfeather", moderator)
    # The owner's own weekly allowance is untouched by a moderator's rename.
    owner = Client()
    owner.force_login(author)
    assert _change(owner, author, "Chosen_Name").status_code == 302


def test_moderators_see_past_usernames_and_find_accounts_by_them(
    author_client: Client, author: User, moderator_client: Client
) -> None:
    _change(author_client, author, "Seafoam")

    found = moderator_client.get(reverse("admin:accounts_user_changelist"), {"q": "quillfeather"})
    assert [user.username for user in found.context["cl"].result_list] == ["Seafoam"]
    page = parse(moderator_client.get(reverse("admin:accounts_user_change", args=[author.pk])).content.decode())
    past = page.select_one("#username_changes-group")
    assert past is not None
    assert "Past usernames" in past.get_text()
    assert "Quillfeather" in past.get_text()
