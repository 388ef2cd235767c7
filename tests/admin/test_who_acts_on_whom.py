"""Moderators act on readers' and creators' accounts, never on superusers or other moderators, through any admin
action, form or action function; superusers act on anyone, but nobody suspends themselves."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from fanshelf.accounts import actions
from fanshelf.accounts.models import User
from tests.admin.conftest import run_action
from tests.factories import PASSWORD

USERS_ADMIN = "/admin/accounts/user/"


def _active(*users: User) -> list[bool]:
    return [User.objects.get(pk=user.pk).is_active for user in users]


def test_only_a_superuser_suspends_superusers_and_moderators_and_nobody_suspends_themselves(
    moderator_client: Client,
    moderator: User,
    superuser_client: Client,
    superuser: User,
    other_moderator: User,
    reader: User,
) -> None:
    page = run_action(moderator_client, USERS_ADMIN, "suspend_accounts", superuser, other_moderator, moderator, reader)

    assert "Suspended 1 account." in page
    assert "Skipped 3 accounts" in page
    assert _active(superuser, other_moderator, moderator, reader) == [True, True, True, False]
    browser = Client()
    browser.post("/accounts/login/", {"login": superuser.username, "password": PASSWORD})
    assert "_auth_user_id" in browser.session

    page = run_action(superuser_client, USERS_ADMIN, "suspend_accounts", superuser, other_moderator)

    assert "Suspended 1 account." in page
    assert _active(superuser, other_moderator) == [True, False]


def test_a_moderator_cannot_reinstate_a_suspended_moderator(
    moderator_client: Client, superuser: User, other_moderator: User
) -> None:
    actions.set_users_active([other_moderator], False, acting=superuser)

    page = run_action(moderator_client, USERS_ADMIN, "reinstate_accounts", other_moderator)

    assert "Reinstated 0 accounts." in page
    assert _active(other_moderator) == [False]


def test_the_suspend_action_itself_refuses_accounts_that_outrank_the_moderator(
    moderator: User, superuser: User, other_moderator: User, reader: User
) -> None:
    changed = actions.set_users_active([superuser, other_moderator, reader], False, acting=moderator)

    assert changed == 1
    assert _active(superuser, other_moderator, reader) == [True, True, False]


def test_a_moderator_cannot_change_a_superuser_or_another_moderator_on_their_page(
    moderator_client: Client, superuser: User, other_moderator: User
) -> None:
    for target in (superuser, other_moderator):
        url = f"{USERS_ADMIN}{target.pk}/change/"
        page = moderator_client.get(url).content.decode()
        assert target.username in page
        assert 'name="email"' not in page

        data = {"username": target.username, "email": "taken-over@example.org", "_save": "Save"}
        assert moderator_client.post(url, data).status_code == 403
        assert moderator_client.post(f"{USERS_ADMIN}{target.pk}/password/", {}).status_code == 403
        assert User.objects.get(pk=target.pk).email != "taken-over@example.org"


def test_a_moderator_cannot_delete_a_superuser_or_another_moderator(moderator_client: Client, superuser: User) -> None:
    # Made on the command line: staff accounts need no confirmed email address, so nothing else stands in the way.
    colleague = User.objects.create_user("Wickkeeper", "wick@example.org", PASSWORD, is_staff=True)
    for target in (superuser, colleague):
        single = moderator_client.post(f"{USERS_ADMIN}{target.pk}/delete/", {"post": "yes"})
        bulk = moderator_client.post(
            USERS_ADMIN, {"action": "delete_selected", "_selected_action": [target.pk], "post": "yes"}
        )

        assert single.status_code == 403
        assert bulk.status_code == 403
        assert User.objects.filter(pk=target.pk).exists()


def test_the_account_deletion_action_refuses_a_moderator_deleting_a_superuser(moderator: User, superuser: User) -> None:
    with pytest.raises(ValidationError, match="only a superuser can"):
        actions.delete_account(superuser, acting=moderator)
    assert User.objects.filter(pk=superuser.pk).exists()


def test_a_moderator_still_edits_a_readers_account_but_not_whether_it_is_active(
    moderator_client: Client, reader: User
) -> None:
    page = moderator_client.get(f"{USERS_ADMIN}{reader.pk}/change/").content.decode()
    assert 'name="email"' in page
    assert 'name="is_active"' not in page  # suspending is the suspend action's, which checks who may


def test_a_moderator_cannot_revoke_a_superusers_token(moderator_client: Client, superuser: User, reader: User) -> None:
    boss_token = actions.create_token(superuser, "E-reader").token
    reader_token = actions.create_token(reader, "E-reader").token

    page = run_action(moderator_client, "/admin/accounts/personaltoken/", "revoke_tokens", boss_token, reader_token)

    assert "Revoked 1 token." in page
    boss_token.refresh_from_db()
    reader_token.refresh_from_db()
    assert (boss_token.revoked, reader_token.revoked) == (False, True)
