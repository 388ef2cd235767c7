from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from allauth.account.models import EmailAddress
from django.core.mail import EmailMessage
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from tests.accounts.mail import link_path
from tests.factories import PASSWORD

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

NEW_PASSWORD = "tide-tables-and-lantern-oil"


def _signup(client: Client, username: str, email: str = "inkwell@example.org") -> Response:
    data = {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD}
    return client.post(reverse("account_signup"), data)


def _logged_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_a_new_user_signs_up_confirms_the_email_then_logs_in_and_out(
    client: Client, mailoutbox: list[EmailMessage]
) -> None:
    response = _signup(client, "Inkwell")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(username="Inkwell")
    assert [(p.name, p.is_default) for p in user.pseuds.all()] == [("Inkwell", True)]
    assert _logged_in_user_id(client) is None

    (message,) = mailoutbox
    assert message.to == ["inkwell@example.org"]
    assert message.subject.startswith("[Fanshelf] ")
    confirm_path = link_path(message)
    page = client.get(confirm_path)
    assert page.status_code == 200
    assert "Confirm that inkwell@example.org is the email address of Inkwell" in page.content.decode()
    assert client.post(confirm_path).status_code == 302
    assert EmailAddress.objects.get(user=user).verified

    browser = Client()
    response = browser.post(reverse("account_login"), {"login": "inkwell", "password": PASSWORD})
    assert response.status_code == 302
    assert _logged_in_user_id(browser) == str(user.pk)
    assert "Log out" in browser.get(reverse("home")).content.decode()

    assert browser.post(reverse("account_logout")).status_code == 302
    assert _logged_in_user_id(browser) is None


@pytest.mark.django_db
def test_an_unconfirmed_user_cannot_log_in_until_the_email_is_confirmed(
    client: Client, mailoutbox: list[EmailMessage]
) -> None:
    _signup(client, "Inkwell")
    browser = Client()
    response = browser.post(reverse("account_login"), {"login": "Inkwell", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert _logged_in_user_id(browser) is None
    # allauth sends at most one confirmation email per address every few minutes, so no second one yet.
    assert len(mailoutbox) == 1


def test_a_user_logs_in_with_their_email_address(guest: Client, author: User) -> None:
    response = guest.post(reverse("account_login"), {"login": "QuillFeather@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert _logged_in_user_id(guest) == str(author.pk)


def test_a_wrong_password_is_refused_with_a_message_on_the_form(guest: Client, author: User) -> None:
    response = guest.post(reverse("account_login"), {"login": "Quillfeather", "password": "not-it"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert _logged_in_user_id(guest) is None


def test_logging_out_needs_a_post_and_a_get_only_asks_for_confirmation(author_client: Client) -> None:
    page = author_client.get(reverse("account_logout"))
    assert page.status_code == 200
    assert "Are you sure you want to log out?" in page.content.decode()
    assert _logged_in_user_id(author_client) is not None


def test_a_suspended_user_cannot_log_in(guest: Client, author: User) -> None:
    author.is_active = False
    author.save(update_fields=["is_active"])
    response = guest.post(reverse("account_login"), {"login": "Quillfeather", "password": PASSWORD})
    assert _logged_in_user_id(guest) is None
    assert response.status_code in {200, 302}


def test_a_forgotten_password_is_reset_through_the_emailed_link(
    guest: Client, author: User, mailoutbox: list[EmailMessage]
) -> None:
    response = guest.post(reverse("account_reset_password"), {"email": "quillfeather@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    (message,) = mailoutbox
    assert message.to == ["quillfeather@example.org"]

    key_page = guest.get(link_path(message))
    assert key_page.status_code == 302  # allauth moves the key into the session, off the address bar
    form_path = key_page["Location"]
    assert "Choose a new password" in guest.get(form_path).content.decode()
    response = guest.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_from_key_done")

    author.refresh_from_db()
    assert author.check_password(NEW_PASSWORD)
    assert not author.check_password(PASSWORD)
    browser = Client()
    browser.post(reverse("account_login"), {"login": "Quillfeather", "password": NEW_PASSWORD})
    assert _logged_in_user_id(browser) == str(author.pk)


def test_a_used_password_reset_link_is_refused(guest: Client, author: User, mailoutbox: list[EmailMessage]) -> None:
    guest.post(reverse("account_reset_password"), {"email": "quillfeather@example.org"})
    path = link_path(mailoutbox[0])
    form_path = guest.get(path)["Location"]
    guest.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    again = Client().get(path, follow=True)
    assert "Link not valid" in again.content.decode()


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("QUILLFEATHER", "username already exists"),
        ("ab", "at least 3 characters"),
        ("a" * 41, "at most 40 characters"),
        ("ink well", "letters, numbers and underscores"),
        ("ink-well", "letters, numbers and underscores"),
        ("inkwell!", "letters, numbers and underscores"),
    ],
)
def test_a_signup_with_a_bad_username_is_refused_with_a_message(
    guest: Client, author: User, username: str, message: str
) -> None:
    response = _signup(guest, username)
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not User.objects.exclude(pk=author.pk).exists()


@pytest.mark.parametrize("username", ["abc", "a" * 40, "Ink_Well_2"])
def test_usernames_of_3_to_40_letters_numbers_and_underscores_are_accepted(guest: Client, username: str) -> None:
    assert _signup(guest, username).status_code == 302
    assert User.objects.filter(username=username).exists()


def test_mismatched_passwords_are_refused_and_what_was_typed_is_kept(guest: Client) -> None:
    data = {"username": "Inkwell", "email": "inkwell@example.org", "password1": PASSWORD, "password2": "other-one"}
    response = guest.post(reverse("account_signup"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "same password" in body
    assert 'value="Inkwell"' in body
    assert not User.objects.exists()
