"""Email addresses are one address whatever their case: signing up with a taken one mails its owner, and the
account `createsuperuser` makes can sign in at once."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from tests.factories import PASSWORD


def _createsuperuser(monkeypatch: pytest.MonkeyPatch, username: str, email: str) -> User:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", "--noinput", "--username", username, "--email", email, verbosity=0)
    return User.objects.get(username=username)


def _signup(client: Client, username: str, email: str) -> None:
    data = {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD}
    response = client.post(reverse("account_signup"), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")


@pytest.mark.django_db
def test_signing_up_with_an_address_taken_in_another_case_mails_its_owner_and_makes_no_account(
    guest: Client, monkeypatch: pytest.MonkeyPatch, mailoutbox: list[EmailMessage]
) -> None:
    _createsuperuser(monkeypatch, "Harbourmaster", "Harbour.Master@Example.org")

    _signup(guest, "Newcomer", "harbour.master@example.org")

    assert not User.objects.filter(username="Newcomer").exists()
    (note,) = mailoutbox
    assert note.to == ["harbour.master@example.org"]
    assert "Account Already Exists" in note.subject


@pytest.mark.django_db
def test_a_createsuperuser_account_logs_in_to_the_site_and_the_admin_at_once(
    guest: Client, monkeypatch: pytest.MonkeyPatch, mailoutbox: list[EmailMessage]
) -> None:
    admin = _createsuperuser(monkeypatch, "Harbourmaster", "Harbour@Example.org")

    response = guest.post(reverse("account_login"), {"login": "harbour@example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert guest.session.get("_auth_user_id") == str(admin.pk)
    assert guest.get(reverse("admin:index")).status_code == 200
    assert mailoutbox == []  # nothing to confirm
    assert EmailAddress.objects.get(user=admin).verified
