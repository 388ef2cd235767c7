"""Tag-wrangling fixtures on top of the shared personas: a fandom assigned to the wrangler, and helpers."""

from __future__ import annotations

import pytest
from django.test import Client

from fanshelf.accounts.models import User
from fanshelf.tags.actions import find_or_create_tag, make_canonical
from fanshelf.tags.models import Tag, TagType, WranglingAssignment

HOME_FANDOM = "Tidewater Chronicles"
OTHER_FANDOM = "Starfall Academy"


def canonical_tag(name: str, tag_type: str, admin: User) -> Tag:
    """A tag made canonical by an admin, as it would be on the wrangling page."""
    tag = find_or_create_tag(name, tag_type)
    make_canonical(tag, by=admin)
    return tag


def assign(wrangler: User, fandom: Tag) -> None:
    """What an admin does in the admin site: give a wrangler a fandom."""
    WranglingAssignment.objects.create(wrangler=wrangler, fandom=fandom)


@pytest.fixture
def home_fandom(wrangler: User, moderator: User) -> Tag:
    """A canonical fandom assigned to the wrangler persona."""
    fandom = canonical_tag(HOME_FANDOM, TagType.FANDOM, moderator)
    assign(wrangler, fandom)
    return fandom


@pytest.fixture
def other_fandom(moderator: User) -> Tag:
    """A canonical fandom nobody assigned to the wrangler."""
    return canonical_tag(OTHER_FANDOM, TagType.FANDOM, moderator)


@pytest.fixture
def wrangler_client(wrangler: User) -> Client:
    client = Client()
    client.force_login(wrangler)
    return client
