"""Logins: 5 failures per 20 seconds per IP address, and per account name (FANSHELF_LOGIN_RATE)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from tests.factories import PASSWORD

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

LOGIN_URL = reverse("account_login")


def _attempt(client: Client, login: str, password: str, ip: str) -> Response:
    return client.post(LOGIN_URL, {"login": login, "password": password}, REMOTE_ADDR=ip)


def test_a_sixth_login_from_one_ip_within_20_seconds_is_refused_with_a_429_page(guest: Client, author: User) -> None:
    for number in range(5):
        response = _attempt(guest, f"nobody{number}", "wrong", ip="203.0.113.7")
        assert response.status_code == 200
    response = _attempt(guest, "Quillfeather", PASSWORD, ip="203.0.113.7")
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "_auth_user_id" not in guest.session


def test_another_ip_can_still_log_in_while_one_ip_is_limited(guest: Client, author: User) -> None:
    for number in range(5):
        _attempt(guest, f"nobody{number}", "wrong", ip="203.0.113.7")
    assert _attempt(guest, "nobody", "wrong", ip="203.0.113.7").status_code == 429
    other = Client()
    assert _attempt(other, "Quillfeather", PASSWORD, ip="198.51.100.2").status_code == 302
    assert other.session["_auth_user_id"] == str(author.pk)


def test_failed_logins_on_one_account_from_many_ips_lock_that_account_name(guest: Client, author: User) -> None:
    for number in range(5):
        assert _attempt(Client(), "Quillfeather", "wrong", ip=f"198.51.100.{number + 1}").status_code == 200
    # Even the right password, from a fresh address and in another case, is refused for now.
    response = _attempt(guest, "QUILLFEATHER", PASSWORD, ip="198.51.100.99")
    assert response.status_code == 429
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in guest.session


def test_one_locked_account_name_does_not_lock_others_from_the_same_ip(
    guest: Client, author: User, reader: User
) -> None:
    for number in range(5):
        _attempt(Client(), "Quillfeather", "wrong", ip=f"198.51.100.{number + 1}")
    response = _attempt(guest, "Pageturner", PASSWORD, ip="198.51.100.99")
    assert response.status_code == 302
    assert guest.session["_auth_user_id"] == str(reader.pk)
