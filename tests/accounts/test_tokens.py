"""Personal access tokens: made and revoked by their owner, stored only as a hash, looked up for apps that sign in."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fanshelf.accounts.actions import MAX_ACTIVE_TOKENS, create_token, revoke_token, user_for_token
from fanshelf.accounts.models import TOKEN_PREFIX, PersonalToken, User


def tokens_url(user: User) -> str:
    return reverse("accounts:tokens", args=[user.username])


def revoke_url(token: PersonalToken) -> str:
    return reverse("accounts:token_revoke", args=[token.user.username, token.pk])


# Actions and lookup -----------------------------------------------------------------------------------------------


def test_a_new_token_is_returned_once_and_only_its_hash_and_prefix_are_stored(reader: User) -> None:
    created = create_token(reader, "  KOReader   on my e-reader ")
    token = PersonalToken.objects.get()
    assert created.secret.startswith(TOKEN_PREFIX)
    assert len(created.secret) > 40
    assert token.name == "KOReader on my e-reader"
    assert token.token_hash == hashlib.sha256(created.secret.encode()).hexdigest()
    assert created.secret.startswith(token.prefix)
    assert len(token.prefix) < len(created.secret) // 3
    stored = [str(value) for value in PersonalToken.objects.values_list(flat=False).get()]
    assert created.secret not in stored


def test_every_token_is_different(reader: User) -> None:
    assert create_token(reader, "one").secret != create_token(reader, "two").secret


def test_the_token_finds_its_user_and_records_the_use(reader: User) -> None:
    created = create_token(reader, "Thorium")
    assert user_for_token(created.secret) == reader
    used = PersonalToken.objects.get().last_used_at
    assert used is not None
    assert timezone.now() - used < datetime.timedelta(seconds=5)


def test_a_token_used_again_within_a_minute_keeps_its_recorded_use(
    reader: User, django_assert_num_queries: object
) -> None:
    created = create_token(reader, "Thorium")
    user_for_token(created.secret)
    with django_assert_num_queries(1):  # type: ignore[operator]
        assert user_for_token(created.secret) == reader


def test_revoked_unknown_and_malformed_tokens_find_nobody(reader: User, django_assert_num_queries: object) -> None:
    created = create_token(reader, "Old phone")
    revoke_token(created.token)
    assert user_for_token(created.secret) is None
    assert user_for_token(TOKEN_PREFIX + "not-a-real-token") is None
    with django_assert_num_queries(0):  # type: ignore[operator]
        assert user_for_token("correct-horse-battery-staple") is None
        assert user_for_token("") is None


def test_a_suspended_accounts_tokens_find_nobody(reader: User) -> None:
    created = create_token(reader, "KOReader")
    User.objects.filter(pk=reader.pk).update(is_active=False)
    assert user_for_token(created.secret) is None


def test_token_names_are_required_and_limited(reader: User) -> None:
    for name in ("", "   ", "x" * 101):
        with pytest.raises(ValidationError):
            create_token(reader, name)
    assert not PersonalToken.objects.exists()


def test_a_user_may_hold_a_limited_number_of_active_tokens(reader: User) -> None:
    tokens = [create_token(reader, f"app {number}").token for number in range(MAX_ACTIVE_TOKENS)]
    with pytest.raises(ValidationError):
        create_token(reader, "one too many")
    revoke_token(tokens[0])
    create_token(reader, "room again")


# The tokens page --------------------------------------------------------------------------------------------------


def test_the_owner_creates_a_token_and_sees_its_secret_once(reader: User, reader_client: Client) -> None:
    response = reader_client.post(tokens_url(reader), {"name": "KOReader"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    secret = next(word for word in page.replace("<", " ").replace(">", " ").split() if word.startswith(TOKEN_PREFIX))
    assert user_for_token(secret) == reader
    assert "will not be shown again" in page
    later = reader_client.get(tokens_url(reader)).content.decode()
    assert "KOReader" in later
    assert secret not in later
    assert PersonalToken.objects.get().prefix in later


def test_a_nameless_token_is_refused_with_a_message(reader: User, reader_client: Client) -> None:
    response = reader_client.post(tokens_url(reader), {"name": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not PersonalToken.objects.exists()


def test_the_owner_revokes_a_token(reader: User, reader_client: Client) -> None:
    created = create_token(reader, "Old phone")
    response = reader_client.post(revoke_url(created.token), follow=True)
    assert response.redirect_chain == [(tokens_url(reader), 302)]
    assert "Revoked" in response.content.decode()
    assert PersonalToken.objects.get().revoked
    assert user_for_token(created.secret) is None


def test_revoking_needs_a_post(reader: User, reader_client: Client) -> None:
    created = create_token(reader, "Old phone")
    assert reader_client.get(revoke_url(created.token)).status_code == 405
    assert not PersonalToken.objects.get().revoked


def test_nobody_else_sees_or_revokes_a_users_tokens(author: User, reader: User, author_client: Client) -> None:
    created = create_token(reader, "Private")
    assert author_client.get(tokens_url(reader)).status_code == 403
    assert author_client.post(tokens_url(reader), {"name": "Sneaky"}).status_code == 403
    assert author_client.post(revoke_url(created.token)).status_code == 403
    mine = reverse("accounts:token_revoke", args=[author.username, created.token.pk])
    assert author_client.post(mine).status_code == 404
    assert not PersonalToken.objects.get().revoked
    assert PersonalToken.objects.count() == 1


def test_guests_are_sent_to_log_in(reader: User, guest: Client) -> None:
    response = guest.get(tokens_url(reader))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_preferences_page_links_to_the_tokens_page(reader: User, reader_client: Client) -> None:
    page = reader_client.get(reverse("accounts:preferences", args=[reader.username])).content.decode()
    assert f'href="{tokens_url(reader)}"' in page
    assert "Access tokens" in page
