"""Sessions and the signed-in user, read by compiled statements (accounts/sessions.py, accounts/backends.py): who is
signed in must be exactly what Django's own engine and backends would decide."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from fanshelf.accounts.models import User
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _client_with_session(user: User, backend: str) -> tuple[Client, str]:
    """A browser holding a session written by Django's own engine, naming `backend` (as sessions signed in before
    the site's backends were its own do)."""
    store = DjangoSessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = backend
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store.create()
    key = str(store.session_key)
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    return client, key


def _signed_in_as(client: Client, user: User) -> bool:
    page = client.get("/").content.decode()
    return f">{user.username}</a>" in page and "Log out" in page


@pytest.mark.parametrize(
    "backend", ["django.contrib.auth.backends.ModelBackend", "allauth.account.auth_backends.AuthenticationBackend"]
)
def test_a_session_from_before_the_sites_backends_stays_signed_in(backend: str) -> None:
    reader = make_user("Lamplighter灯")
    client, _ = _client_with_session(reader, backend)
    assert _signed_in_as(client, reader)


def test_signing_in_through_the_form_and_out_again() -> None:
    reader = make_user("Tidewatcher")
    client = Client()
    answer = client.post("/accounts/login/", {"login": "Tidewatcher", "password": PASSWORD})
    assert answer.status_code == 302
    assert _signed_in_as(client, reader)
    client.post("/accounts/logout/")
    assert not _signed_in_as(client, reader)


def test_an_expired_session_signs_nobody_in() -> None:
    reader = make_user("Ferryhand")
    client, key = _client_with_session(reader, settings.AUTHENTICATION_BACKENDS[0])
    assert _signed_in_as(client, reader)
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    assert not _signed_in_as(client, reader)


def test_an_unknown_session_key_signs_nobody_in() -> None:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = "z" * 32
    page = client.get("/").content.decode()
    assert "Log in" in page
    assert "Log out" not in page


def test_a_deactivated_account_and_a_changed_password_end_the_session() -> None:
    reader, writer = make_user("Saltmarsh"), make_user("אורה")
    reader_client, _ = _client_with_session(reader, settings.AUTHENTICATION_BACKENDS[1])
    writer_client, _ = _client_with_session(writer, settings.AUTHENTICATION_BACKENDS[0])
    assert _signed_in_as(reader_client, reader)
    assert _signed_in_as(writer_client, writer)
    User.objects.filter(pk=reader.pk).update(is_active=False)
    writer.set_password("a-new-and-longer-passphrase")
    writer.save()
    assert not _signed_in_as(reader_client, reader)
    assert not _signed_in_as(writer_client, writer)
