"""Moderators find accounts in the Django admin by name, email or pseud, filter them, and suspend or reinstate them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from fanshelf.accounts import actions
from fanshelf.accounts.actions import PseudFields
from fanshelf.accounts.models import User
from tests.factories import PASSWORD, make_user

CHANGELIST = reverse("admin:accounts_user_changelist")


@pytest.fixture
def admin_user(db: None) -> User:
    return make_user("Harbourmaster", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(admin_user: User) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def _listed(client: Client, **params: str) -> list[str]:
    response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    return sorted(user.username for user in response.context["cl"].result_list)


@pytest.mark.usefixtures("reader")
def test_moderators_find_accounts_by_username_email_or_pseud(admin_client: Client, author: User) -> None:
    actions.create_pseud(author, PseudFields(name="Storm Petrel"))
    assert _listed(admin_client, q="quill") == ["Quillfeather"]
    assert _listed(admin_client, q="pageturner@example") == ["Pageturner"]
    assert _listed(admin_client, q="petrel") == ["Quillfeather"]


@pytest.mark.usefixtures("reader")
def test_moderators_filter_accounts_by_staff_and_active(admin_client: Client, author: User) -> None:
    actions.set_users_active([author], False)
    assert _listed(admin_client, is_active__exact="0") == ["Quillfeather"]
    assert _listed(admin_client, is_staff__exact="1") == ["Harbourmaster"]


def test_suspending_accounts_stops_their_logins_and_ends_their_sessions(
    admin_client: Client, admin_user: User, author: User, author_client: Client
) -> None:
    data = {"action": "suspend_accounts", "_selected_action": [author.pk, admin_user.pk]}
    response = admin_client.post(CHANGELIST, data, follow=True)
    assert "Suspended 1 account." in response.content.decode()
    author.refresh_from_db()
    admin_user.refresh_from_db()
    assert not author.is_active
    assert admin_user.is_active  # nobody suspends themselves by accident
    assert "Log out" not in author_client.get(reverse("home")).content.decode()
    browser = Client()
    browser.post(reverse("account_login"), {"login": "Quillfeather", "password": PASSWORD})
    assert "_auth_user_id" not in browser.session


def test_reinstated_accounts_can_log_in_again(admin_client: Client, author: User) -> None:
    actions.set_users_active([author], False)
    admin_client.post(CHANGELIST, {"action": "reinstate_accounts", "_selected_action": [author.pk]})
    author.refresh_from_db()
    assert author.is_active


def test_an_account_page_shows_its_pseuds_and_preferences(admin_client: Client, author: User) -> None:
    actions.create_pseud(author, PseudFields(name="Storm Petrel"))
    page = admin_client.get(reverse("admin:accounts_user_change", args=[author.pk])).content.decode()
    assert "Storm Petrel" in page
    assert "Show archive warnings in listings" in page


def test_moderators_can_add_an_account_in_the_admin(admin_client: Client) -> None:
    data = {"username": "Newcomer", "password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"}
    response = admin_client.post(reverse("admin:accounts_user_add"), data)
    assert response.status_code == 302
    assert User.objects.get(username="Newcomer").default_pseud().name == "Newcomer"


def test_moderators_can_delete_an_account(admin_client: Client, author: User) -> None:
    url = reverse("admin:accounts_user_delete", args=[author.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not User.objects.filter(pk=author.pk).exists()


def test_pseuds_are_searchable_in_the_admin(admin_client: Client, author: User) -> None:
    actions.create_pseud(author, PseudFields(name="Storm Petrel"))
    response = admin_client.get(reverse("admin:accounts_pseud_changelist"), {"q": "quillfeather"})
    assert sorted(p.name for p in response.context["cl"].result_list) == ["Quillfeather", "Storm Petrel"]


def test_a_moderator_without_permissions_finds_and_suspends_an_account(moderator_client: Client, reader: User) -> None:
    page = moderator_client.get("/admin/accounts/user/", {"q": reader.username}).content.decode()
    assert reader.email in page
    moderator_client.post(
        "/admin/accounts/user/", {"action": "suspend_accounts", "_selected_action": [reader.pk]}, follow=True
    )
    reader.refresh_from_db()
    assert not reader.is_active


def test_a_moderator_cannot_make_anyone_staff(moderator_client: Client, reader: User) -> None:
    page = moderator_client.get(f"/admin/accounts/user/{reader.pk}/change/").content.decode()
    assert 'name="is_staff"' not in page
    assert 'name="is_superuser"' not in page


def test_a_moderator_cannot_delete_a_superuser(moderator_client: Client) -> None:
    boss = User.objects.create_superuser("Harbourmaster", "boss@example.org", "x-long-password-1")
    response = moderator_client.post(f"/admin/accounts/user/{boss.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert User.objects.filter(pk=boss.pk).exists()
