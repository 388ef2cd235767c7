"""E-reader apps sign in to the OPDS catalogue with a personal token: as the Basic password, or as a bearer token."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.actions import create_token, revoke_token
from fanshelf.accounts.models import PersonalToken, User
from fanshelf.works.series import add_to_series
from tests.downloads.states import make_work_in_state
from tests.factories import PASSWORD

ATOM = "{http://www.w3.org/2005/Atom}"


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def new_work_titles(client: Client, **headers: str) -> list[str]:
    response = client.get(reverse("downloads:opds_new"), headers=headers)
    assert response.status_code == 200
    feed = ET.fromstring(response.content)  # noqa: S314 (our own feed)
    return sorted(entry.findtext(f"{ATOM}title", "") for entry in feed.iter(f"{ATOM}entry"))


@pytest.fixture
def public_and_restricted(author: User) -> None:
    make_work_in_state(author, "public")
    make_work_in_state(author, "restricted")


BOTH = ["The public lighthouse", "The restricted lighthouse"]


@pytest.mark.parametrize("username", ["koreader", "Pageturner", ""])
def test_a_token_as_the_basic_password_shows_restricted_works_whatever_the_username(
    username: str, reader: User, public_and_restricted: None
) -> None:
    secret = create_token(reader, "KOReader").secret
    assert new_work_titles(Client(), Authorization=basic(username, secret)) == BOTH


def test_a_bearer_token_shows_restricted_works(reader: User, public_and_restricted: None) -> None:
    secret = create_token(reader, "Thorium").secret
    assert new_work_titles(Client(), Authorization=f"Bearer {secret}") == BOTH


def test_signing_in_with_a_token_records_its_use(reader: User, public_and_restricted: None) -> None:
    secret = create_token(reader, "Thorium").secret
    new_work_titles(Client(), Authorization=f"Bearer {secret}")
    assert PersonalToken.objects.get().last_used_at is not None


@pytest.mark.parametrize("scheme", ["basic", "bearer"])
def test_a_revoked_token_is_challenged(scheme: str, reader: User, public_and_restricted: None) -> None:
    created = create_token(reader, "Lost e-reader")
    revoke_token(created.token)
    header = basic("koreader", created.secret) if scheme == "basic" else f"Bearer {created.secret}"
    response = Client().get(reverse("downloads:opds_new"), headers={"Authorization": header})
    assert response.status_code == 401
    assert "Basic" in response["WWW-Authenticate"]


def test_the_login_route_accepts_a_token(reader: User) -> None:
    secret = create_token(reader, "KOReader").secret
    response = Client().get(reverse("downloads:opds_login"), headers={"Authorization": basic("any", secret)})
    assert response.status_code == 200


def test_wrong_tokens_count_as_failed_logins(reader: User) -> None:
    client = Client()
    headers = {"Authorization": "Bearer fsh_guessing"}
    statuses = [client.get(reverse("downloads:opds_root"), headers=headers).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]


def test_an_app_downloads_a_restricted_work_and_a_series_with_a_token(author: User, reader: User) -> None:
    restricted = make_work_in_state(author, "restricted")
    series = add_to_series(restricted, author, "Members only")
    headers = {"Authorization": f"Bearer {create_token(reader, 'KOReader').secret}"}
    work_response = Client().get(reverse("downloads:work", args=[restricted.pk, "epub"]), headers=headers)
    assert work_response.status_code == 200
    series_response = Client().get(reverse("downloads:series", args=[series.pk]), headers=headers)
    assert series_response.status_code == 200
    assert "Authorization" in series_response["Vary"]
    assert Client().get(reverse("downloads:series", args=[series.pk])).status_code == 404


def test_a_password_still_signs_in_when_tokens_exist(reader: User, public_and_restricted: None) -> None:
    create_token(reader, "KOReader")
    assert new_work_titles(Client(), Authorization=basic(reader.username, PASSWORD)) == BOTH
