"""Admin personas beside the shared ones (tests/conftest.py has the moderator): a superuser and a second
moderator, each with a logged-in client."""

from __future__ import annotations

import pytest
from django.test import Client

from fanshelf.accounts.models import User
from tests.factories import make_user, signed_in_client


@pytest.fixture
def superuser(db: None) -> User:
    return make_user("Harbourmaster", is_staff=True, is_superuser=True)


@pytest.fixture
def superuser_client(superuser: User) -> Client:
    return signed_in_client(superuser)


@pytest.fixture
def other_moderator(db: None) -> User:
    return make_user("Wickkeeper", is_staff=True)


def run_action(client: Client, changelist: str, action: str, *objects: object) -> str:
    """Tick the objects on an admin list page and run an action, as a moderator does; the page shown after."""
    selected = [getattr(obj, "pk", obj) for obj in objects]
    response = client.post(changelist, {"action": action, "_selected_action": selected}, follow=True)
    assert response.status_code == 200
    return response.content.decode()
