"""Every account page has the site landmarks, one h1, headings in order, and a label for every input (whose
aria-describedby points at something that exists)."""

from __future__ import annotations

import itertools

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from fanshelf.accounts import actions
from fanshelf.accounts.actions import PseudFields
from fanshelf.accounts.models import User
from tests.factories import make_work

GUEST_PAGES = [
    reverse("account_login"),
    reverse("account_signup"),
    reverse("account_reset_password"),
    reverse("account_reset_password_done"),
    reverse("account_email_verification_sent"),
    "/accounts/confirm-email/not-a-key/",
    "/accounts/password/reset/key/1-not-a-key/",
]
OWNER_PAGES = [
    "/users/Quillfeather/",
    "/users/Quillfeather/works/",
    "/users/Quillfeather/pseuds/",
    "/users/Quillfeather/pseuds/Gull/",
    "/users/Quillfeather/pseuds/Gull/edit/",
    "/users/Quillfeather/pseuds/Gull/delete/",
    "/users/Quillfeather/preferences/",
    reverse("account_logout"),
    reverse("account_change_password"),
    reverse("account_email"),
]


def _problems(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    problems = []
    for landmark in ("header", "nav", "main", "footer"):
        if soup.find(landmark) is None:
            problems.append(f"no <{landmark}>")
    levels = [int(h.name[1]) for h in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
    if levels.count(1) != 1 or levels[0] != 1:
        problems.append(f"needs exactly one h1, first: {levels}")
    problems += [f"heading jumps {a}→{b}" for a, b in itertools.pairwise(levels) if b > a + 1]
    labelled = {label.get("for") for label in soup.find_all("label")}
    for field in soup.find_all(["input", "select", "textarea"]):
        if field.get("type") in {"hidden", "submit"}:
            continue
        if field.get("id") not in labelled and not field.get("aria-label"):
            problems.append(f"unlabelled {field.get('name')}")
        for described_by in str(field.get("aria-describedby") or "").split():
            if soup.find(id=described_by) is None:
                problems.append(f"{field.get('name')} is described by missing #{described_by}")
    return problems


@pytest.mark.parametrize("url", GUEST_PAGES)
def test_guest_account_pages_are_well_formed(guest: Client, url: str) -> None:
    response = guest.get(url, follow=True)
    assert response.status_code == 200
    assert _problems(response.content.decode()) == []


@pytest.mark.parametrize("url", OWNER_PAGES)
def test_owner_account_pages_are_well_formed(author_client: Client, author: User, url: str) -> None:
    actions.create_pseud(author, PseudFields(name="Gull"))
    make_work(author)
    response = author_client.get(url)
    assert response.status_code == 200
    assert _problems(response.content.decode()) == []


def test_a_refused_login_page_is_well_formed(guest: Client) -> None:
    response = guest.post(reverse("account_login"), {"login": "nobody", "password": "wrong"})
    assert _problems(response.content.decode()) == []
    assert 'role="alert"' in response.content.decode()


def test_the_too_many_attempts_page_is_well_formed(guest: Client) -> None:
    for _ in range(6):
        response = guest.post(reverse("account_login"), {"login": "nobody", "password": "wrong"})
    assert response.status_code == 429
    assert _problems(response.content.decode()) == []
