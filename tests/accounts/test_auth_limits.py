"""Every way in (site login, admin login, password reset, OPDS Basic, tokens) shares one limit on failures, per client
address and per account name; successful logins never count; the admin signs in through the site login."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import pytest
from allauth.account.models import EmailAddress
from bs4 import BeautifulSoup, Tag
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.core import limits
from tests.factories import PASSWORD, make_user

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

LOGIN = reverse("account_login")
OPDS = reverse("downloads:opds_root")
SCHOOL = "203.0.113.50"


def site_login(login: str, password: str, ip: str, client: Client | None = None, **extra: Any) -> Response:
    return (client or Client()).post(LOGIN, {"login": login, "password": password}, REMOTE_ADDR=ip, **extra)


def opds(username: str, password: str, ip: str, **extra: Any) -> Response:
    credentials = base64.b64encode(f"{username}:{password}".encode()).decode()
    return Client().get(OPDS, HTTP_AUTHORIZATION=f"Basic {credentials}", REMOTE_ADDR=ip, **extra)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_six_people_behind_one_school_address_can_all_log_in(db: None) -> None:
    pupils = [make_user(f"pupil{number}") for number in range(6)]
    for pupil in pupils:
        client = Client()
        assert site_login(pupil.username, PASSWORD, SCHOOL, client).status_code == 302
        assert signed_in(client)


def test_successful_logins_leave_room_for_the_usual_number_of_mistakes(db: None) -> None:
    for number in range(6):
        site_login(make_user(f"pupil{number}").username, PASSWORD, SCHOOL)
    statuses = [site_login("pupil0", "wrong", SCHOOL).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


def test_a_refusal_says_why_and_how_long_to_wait(author: User) -> None:
    for _ in range(5):
        site_login("Quillfeather", "wrong", SCHOOL)
    response = site_login("Quillfeather", PASSWORD, SCHOOL)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 20
    assert "Too many failed login attempts" in response.content.decode()


def test_wrong_opds_passwords_use_up_the_site_login_allowance_of_the_same_address(author: User) -> None:
    for number in range(3):
        site_login(f"nobody{number}", "wrong", SCHOOL)
    assert [opds(f"other{number}", "wrong", SCHOOL).status_code for number in range(2)] == [401, 401]
    client = Client()
    assert site_login("Quillfeather", PASSWORD, SCHOOL, client).status_code == 429
    assert not signed_in(client)


def test_wrong_tokens_use_up_the_site_login_allowance_of_the_same_address(author: User) -> None:
    for _ in range(5):
        assert Client().get(OPDS, HTTP_AUTHORIZATION="Bearer fsh_guess", REMOTE_ADDR=SCHOOL).status_code == 401
    assert site_login("Quillfeather", PASSWORD, SCHOOL).status_code == 429


def test_wrong_site_passwords_for_an_account_lock_its_opds_sign_in_from_anywhere(author: User) -> None:
    for number in range(5):
        site_login("quillfeather", "wrong", f"198.51.100.{number + 1}")
    assert opds("Quillfeather", PASSWORD, "192.0.2.200").status_code == 429


def test_guessing_by_email_and_by_username_counts_against_one_account(author: User) -> None:
    for number in range(5):
        site_login("QUILLFEATHER@example.org", "wrong", f"198.51.100.{number + 1}")
    assert site_login("Quillfeather", PASSWORD, "192.0.2.200").status_code == 429


def test_a_password_reset_request_is_refused_while_its_address_is_locked(author: User) -> None:
    for number in range(5):
        site_login(f"nobody{number}", "wrong", SCHOOL)
    response = Client().post(
        reverse("account_reset_password"), {"email": "quillfeather@example.org"}, REMOTE_ADDR=SCHOOL
    )
    assert response.status_code == 429
    assert "Too many failed login attempts" in response.content.decode()


def test_password_reset_requests_count_as_attempts_on_the_account(author: User) -> None:
    for number in range(5):
        response = Client().post(
            reverse("account_reset_password"), {"email": "quillfeather@example.org"}, REMOTE_ADDR=f"198.51.100.{number}"
        )
        assert response.status_code == 302
    assert site_login("Quillfeather", "wrong", "192.0.2.200").status_code == 429


def test_the_lock_lifts_once_the_documented_window_has_passed(author: User, monkeypatch: pytest.MonkeyPatch) -> None:
    start = limits._now()
    monkeypatch.setattr(limits, "_now", lambda: start)
    for _ in range(5):
        site_login("Quillfeather", "wrong", SCHOOL)
    monkeypatch.setattr(limits, "_now", lambda: start + 19)
    assert site_login("Quillfeather", PASSWORD, SCHOOL).status_code == 429
    monkeypatch.setattr(limits, "_now", lambda: start + 21)
    client = Client()
    assert site_login("Quillfeather", PASSWORD, SCHOOL, client).status_code == 302
    assert signed_in(client)


def test_the_rate_comes_from_the_setting(author: User, settings: Any) -> None:
    settings.FANSHELF_LOGIN_RATE = limits.parse_rate("2/m", "FANSHELF_LOGIN_RATE")
    statuses = [site_login("Quillfeather", "wrong", SCHOOL).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


# --- OPDS behind a proxy, and the file cache the archive uses by default -----------------------------------------


def test_behind_a_proxy_one_mistyping_e_reader_does_not_lock_out_another(reader: User, settings: Any) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        opds("nobody", "wrong", ip="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert opds("nobody", "wrong", ip="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    assert opds("Pageturner", PASSWORD, ip="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 200


def test_the_opds_lock_lifts_after_the_window_with_the_file_cache(
    reader: User, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The file cache rewrote counters with its 5-minute default timeout, so a 20-second lock lasted 5 minutes.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)}
    }
    start = limits._now()
    monkeypatch.setattr(limits, "_now", lambda: start)
    assert [opds("Pageturner", "wrong", SCHOOL).status_code for _ in range(6)] == [401] * 5 + [429]
    monkeypatch.setattr(limits, "_now", lambda: start + 21)
    assert opds("Pageturner", PASSWORD, SCHOOL).status_code == 200


def test_an_opds_password_of_an_account_with_an_unconfirmed_email_is_refused(db: None) -> None:
    User.objects.create_user("Newcomer", "newcomer@example.org", PASSWORD)
    response = opds("Newcomer", PASSWORD, SCHOOL)
    assert response.status_code == 403
    assert "Confirm your email address" in response.content.decode()


# --- The admin signs in through the site login ------------------------------------------------------------------


def test_the_admin_login_sends_people_to_the_site_login_and_back(guest: Client) -> None:
    response = guest.get("/admin/")
    response = guest.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?{urlencode({'next': '/admin/'})}"


def test_a_moderator_reaches_the_admin_after_the_site_login(moderator: User) -> None:
    client = Client()
    response = client.post(f"{LOGIN}?next=/admin/", {"login": "Lamplighter", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/admin/"
    assert response.status_code == 200


def test_passwords_posted_to_the_admin_login_sign_nobody_in(moderator: User) -> None:
    client = Client()
    client.post("/admin/login/?next=/admin/", {"username": "Lamplighter", "password": PASSWORD})
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302


def through_the_admin_door(client: Client, username: str, password: str) -> Response:
    """Sign in as a browser does from /admin/: follow to whichever login form it shows and fill that form in."""
    page = client.get("/admin/login/?next=/admin/", follow=True, REMOTE_ADDR=SCHOOL)
    form = BeautifulSoup(page.content.decode(), "html.parser").find("form", method="post")
    assert isinstance(form, Tag)
    name = form.find("input", attrs={"name": ["login", "username"]})
    assert isinstance(name, Tag)
    action = str(form.get("action") or page.request["PATH_INFO"] + "?" + page.request["QUERY_STRING"])
    fields = {str(name["name"]): username, "password": password}
    return client.post(action, fields, REMOTE_ADDR=SCHOOL)


def test_thirty_wrong_passwords_at_the_admin_are_refused_after_five(moderator: User) -> None:
    statuses = [through_the_admin_door(Client(), "Lamplighter", "wrong").status_code for _ in range(30)]
    assert statuses == [200] * 5 + [429] * 25


def test_a_staff_account_with_an_unconfirmed_email_does_not_reach_the_admin(db: None) -> None:
    staff = make_user("Nightwatch", is_staff=True)
    EmailAddress.objects.filter(user=staff).update(verified=False)
    client = Client()
    through_the_admin_door(client, "Nightwatch", PASSWORD)
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302


def test_a_signed_in_reader_opening_the_admin_is_told_no_without_a_redirect_loop(reader_client: Client) -> None:
    response = reader_client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) == 1
