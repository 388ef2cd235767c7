"""Official accounts (the archive's own voice, as AO3's): a superuser makes them in the admin, audited; nobody can
block or mute them, and blocks and mutes already made are lifted."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from fanshelf.accounts.blocking import block, mute
from fanshelf.accounts.models import Block, Mute, User
from fanshelf.moderation.models import AuditEntry
from tests.admin.conftest import run_action
from tests.core.pages import text_of
from tests.factories import make_user, signed_in_client

USERS_ADMIN = "/admin/accounts/user/"


@pytest.fixture
def news(db: None) -> User:
    return make_user("ArchiveNews")


def test_a_superuser_makes_an_account_official_and_lifts_its_blocks_and_mutes(news: User, reader: User) -> None:
    block(reader, news)
    mute(reader, news)
    boss = signed_in_client(make_user("Harbourmaster", is_staff=True, is_superuser=True))
    run_action(boss, USERS_ADMIN, "make_official", news)
    news.refresh_from_db()
    assert news.is_official
    assert not Block.objects.exists()
    assert not Mute.objects.exists()
    assert AuditEntry.objects.get().action == "made account official"
    for act in (block, mute):
        with pytest.raises(ValidationError, match="official account"):
            act(reader, news)
    profile = text_of(signed_in_client(reader).get(f"/users/{news.username}/").content.decode())
    assert "Official" in profile
    assert "Block" not in profile.split("Official", 1)[1].split("My works")[0]
    assert "Mute" not in profile.split("Official", 1)[1].split("My works")[0]


def test_a_moderator_cannot_make_an_account_official(news: User, moderator_client: Client) -> None:
    page = run_action(moderator_client, USERS_ADMIN, "make_official", news)
    news.refresh_from_db()
    assert not news.is_official
    assert "Only superusers make accounts official." in page
    assert not AuditEntry.objects.exists()
