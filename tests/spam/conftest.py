"""Spam scoring on, at its default threshold, and the people and texts the spam tests share."""

from __future__ import annotations

import datetime
import random
from typing import Any

import pytest
from django.utils import timezone

from fanshelf.accounts.models import User
from fanshelf.community.actions import leave_kudos
from fanshelf.spam.models import ItemKind, SpamCheck
from fanshelf.works.models import Work
from tests.factories import make_user, make_work

THRESHOLD = 10
# A long, ordinary chapter (about 1,200 words) with one link, to the creator's playlist.
REAL_CHAPTER = (
    "\n".join(
        f"<p>Morning {n}: the ferry left late again, and Ines counted the gulls on the rail while the harbour woke. "
        f"She thought of the letter in her coat, unopened for the {n}th day, and of her brother's crooked grin "
        f"when he had pressed it into her hand at the station.</p>"
        for n in range(1, 26)
    )
    + '<p>Music for this chapter: <a href="https://music.example.net/ferry-songs">the ferry playlist</a>.</p>'
)


def own_story(seed: int, link: str = "https://music.example.net/playlist") -> str:
    """A chapter of about 300 words no other call writes (so no two are copies), with one link."""
    words = [
        "harbour",
        "ferry",
        "gull",
        "letter",
        "brother",
        "lantern",
        "tide",
        "rope",
        "salt",
        "morning",
        "quiet",
        "storm",
        "coat",
        "station",
        "rain",
        "bell",
        "window",
        "kettle",
        "island",
        "signal",
        "map",
        "compass",
        "dawn",
        "harvest",
        "orchard",
        "river",
        "bridge",
        "market",
        "song",
    ]
    shuffled = random.Random(seed)
    body = " ".join(shuffled.choice(words) for _ in range(300))
    return f'<p>{body}</p><p>Music: <a href="{link}">playlist</a>.</p>'


def spam_text(domain: str = "cheap-pills.example", links: int = 8) -> str:
    """Short text stuffed with links, as spam waves post it."""
    anchors = " ".join(f'<a href="https://{domain}/offer/{n}">deal {n}</a>' for n in range(links))
    return f"<p>Best prices today only, click now: {anchors}</p>"


@pytest.fixture(autouse=True)
def _spam_scoring_on(_test_settings: None, settings: Any) -> None:
    settings.FANSHELF_SPAM_THRESHOLD = THRESHOLD


@pytest.fixture
def newcomer(db: None) -> User:
    """An account made a minute ago that has posted nothing."""
    return make_user("Brightdeal")


def make_established(user: User, reader: User, title: str = "Earlier Tides") -> User:
    """`user` made a member for a year, with a posted work `reader` left kudos on."""
    User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - datetime.timedelta(days=365))
    user.refresh_from_db()
    leave_kudos(make_work(user, title=title, chapters=[own_story(user.pk + 1000)]), reader, "")
    return user


@pytest.fixture
def established(author: User, reader: User) -> User:
    """The author, a member for a year, with a posted work a reader left kudos on."""
    return make_established(author, reader)


def check_of(item: Work | Any) -> SpamCheck:
    kind = ItemKind.WORK if isinstance(item, Work) else ItemKind.COMMENT
    return SpamCheck.objects.get(kind=kind, item_id=item.pk)
