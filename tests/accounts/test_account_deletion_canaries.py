"""A deleted account leaves nothing behind (issue 11, "Accounts that leave").

An account is seeded, mostly through the site itself, with canary strings wherever it leaves a trace: its username,
email address and pseud names, a comment, a bookmark's note, kudos, hits (whose visitor key names the account),
history, shelves, subscriptions, an access token, blocks and mutes, inbox entries, a failed sign-in, an admin log
entry and podfic audio tags. It then deletes itself on the site, once deleting its works and once orphaning them
(without keeping its names), and no canary may be left in any table, in the media files, in the cache or in the
discovery index.
"""

from __future__ import annotations

import pickle
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from allauth.account.models import EmailAddress
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import SESSION_KEY
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.actions import PseudFields, create_pseud, create_token
from fanshelf.accounts.blocking import block, mute
from fanshelf.accounts.models import User
from fanshelf.audio.actions import upload_audio
from fanshelf.bookmarks.actions import BookmarkFields, bookmark_work
from fanshelf.community.actions import leave_kudos
from fanshelf.discovery.live import ensure_fresh
from fanshelf.inbox.actions import Delivery, deliver, subscribe
from fanshelf.reading.actions import set_shelf_public, shelve
from fanshelf.works.models import Work
from fanshelf.works.series import add_to_series
from tests.canary_archive import tagged_mp3
from tests.factories import PASSWORD, make_user, make_work, signed_in_client

USERNAME = "zqleaverzq"
PSEUD = "zqleaverpseudzq"
EMAIL = "zqleavermailzq@example.org"
# Text only a deleted-works account leaves (its works' titles and its comment, asked to go too); with orphaning the
# works stay on the archive, so their titles are not the person's to take.
GONE_WITH_WORKS = ("zqleaverworkzq", "zqleavercommentzq")
PERSONAL = (USERNAME, PSEUD, "zqleavermailzq", "zqleavernotezq", "zqleavertokenzq", "zqleaverinboxzq")


def _seed(tmp_path: Path, capture: Callable[..., Any], *, with_works_text: bool) -> tuple[User, list[str]]:
    """The leaving account and its traces; returns it and the canaries to look for afterwards (its user key too)."""
    leaver = make_user(USERNAME)
    User.objects.filter(pk=leaver.pk).update(email=EMAIL)
    EmailAddress.objects.filter(user=leaver).update(email=EMAIL)
    leaver.refresh_from_db()
    other, moderator = make_user("Sandpiper"), make_user("Lamplighter", is_staff=True)
    pseud = create_pseud(leaver, PseudFields(name=PSEUD, description="zqleaverpseudzq's sea stories"))
    title = "zqleaverworkzq" if with_works_text else "Foghorn Nights"
    own = make_work(leaver, title=title, pseuds=[pseud])
    make_work(leaver, title=f"{title} draft", post=False)
    add_to_series(own, leaver, f"{title} series")
    upload_audio(own.chapters.get(), tagged_mp3(tmp_path, title, PSEUD))
    theirs = make_work(other, title="Sandpiper's Tale")

    client = signed_in_client(leaver)
    client.get(reverse("downloads:work", args=[own.pk, "epub"]))  # a built download naming the pseud
    with capture(execute=True):
        comment = "zqleavercommentzq, what a voyage." if with_works_text else "What a voyage."
        response = client.post(reverse("comments:new", args=[theirs.pk]), {"text": comment, "pseud": pseud.pk})
        assert response.status_code == 302
    client.get(theirs.get_absolute_url())  # a hit (visitor key user:<id>) and a history entry
    leave_kudos(theirs, leaver, "")
    bookmark_work(leaver, theirs, BookmarkFields(pseud=pseud, notes="zqleavernotezq", tags=["zqleavertagzq"]))
    shelve(leaver, theirs, "reading")
    set_shelf_public(leaver, "reading", True)
    subscribe(leaver, work=theirs)
    subscribe(leaver, creator=other)
    subscribe(other, creator=leaver)
    create_token(leaver, "zqleavertokenzq")
    block(leaver, other)
    mute(other, leaver)
    deliver(leaver, Delivery("comment", "zqleaverinboxzq: a note for you"))
    LogEntry.objects.create(
        user=moderator,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(leaver.pk),
        object_repr=USERNAME,
        action_flag=CHANGE,
        change_message=f"Changed email of {USERNAME}.",
    )
    Client().post(reverse("account_login"), {"login": USERNAME, "password": "not-the-password"})
    # The bookmark's tag is not looked for: tag names are the archive's shared vocabulary, kept as on AO3.
    canaries = [*PERSONAL, f"user:{leaver.pk}"]
    return leaver, canaries + (list(GONE_WITH_WORKS) if with_works_text else [])


def _rows() -> Iterator[tuple[str, str]]:
    """Every row of every table, as text."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - names from the schema
            for row in cursor.fetchall():
                yield table, " ".join(_text(value) for value in row)


def _text(value: object) -> str:
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


def _media_files(root: Path) -> Iterator[tuple[str, bytes]]:
    for path in sorted(root.rglob("*")) if root.exists() else []:
        if path.is_file():
            data = path.read_bytes()
            yield str(path.relative_to(root)), data
            if zipfile.is_zipfile(path):  # an EPUB: its members are compressed
                with zipfile.ZipFile(path) as archive:
                    for member in archive.namelist():
                        yield f"{path.relative_to(root)}:{member}", archive.read(member)
            for other_encoding in ("utf-16-le", "utf-16-be"):  # ID3 frames in UTF-16
                yield str(path.relative_to(root)), data.decode(other_encoding, "ignore").encode()


def _cache_entries() -> Iterator[tuple[str, bytes]]:
    """Keys and values of the configured cache: a file cache's files, or the local-memory cache's entries."""
    location = getattr(cache, "_dir", None)
    if location is not None:
        for path in Path(location).rglob("*"):
            if path.is_file():
                yield str(path), path.read_bytes()
        return
    store: dict[str, bytes] = getattr(cache, "_cache", {})
    for key, value in list(store.items()):
        yield key, key.encode() + b" " + value + b" " + repr(pickle.loads(value)).encode()  # noqa: S301 - our own


def _index_texts(index: object) -> Iterator[str]:
    """Every text the discovery index holds: strings, bytes and numpy arrays of them, a few levels deep."""
    seen: set[int] = set()

    def walk(value: object, depth: int) -> Iterator[str]:
        if id(value) in seen or depth > 4:
            return
        seen.add(id(value))
        if isinstance(value, str | bytes):
            yield _text(value)
        elif isinstance(value, np.ndarray):
            if value.dtype.kind in "SUO":
                yield " ".join(_text(item) for item in value.ravel().tolist())
        elif isinstance(value, dict):
            for key, item in value.items():
                yield from walk(key, depth + 1)
                yield from walk(item, depth + 1)
        elif isinstance(value, list | tuple | set | frozenset):
            for item in value:
                yield from walk(item, depth + 1)
        elif hasattr(value, "__dict__") or hasattr(value, "__slots__"):
            fields = dict(getattr(value, "__dict__", {}))
            fields.update({name: getattr(value, name, None) for name in getattr(value, "__slots__", ())})
            for item in fields.values():
                yield from walk(item, depth + 1)

    yield from walk(index, 0)


def _found(canaries: Iterable[str], places: Iterable[tuple[str, str | bytes]]) -> list[tuple[str, str]]:
    found = []
    for place, content in places:
        text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
        found += [(place, canary) for canary in canaries if canary in text.casefold()]
    return found


def _leftovers(canaries: list[str], media: Path) -> list[tuple[str, str]]:
    index = ensure_fresh()  # as the next request would: the outbox applied, the text index with it
    search = Client().get(reverse("discovery:works"), {"q": PSEUD}).content.decode()
    listing = Client().get(reverse("discovery:works")).content.decode()
    found = [("search page", "a work found by the pseud's name")] if 'class="blurb work"' in search else []
    return (
        found
        + _found(canaries, _rows())
        + _found(canaries, _media_files(media))
        + _found(canaries, _cache_entries())
        + _found(canaries, (("discovery index", text) for text in _index_texts(index)))
        + _found(canaries, [("listing page", listing)])
    )


@pytest.fixture
def media(db: None, settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FANSHELF_HIT_FLUSH_SECONDS = 0  # hits written as the page goes out, not buffered
    return Path(settings.MEDIA_ROOT)


def _delete(choice: str, tmp_path: Path, capture: Callable[..., Any], media: Path) -> list[tuple[str, str]]:
    """Seed, check the canaries are there, delete the account on the site; what is left afterwards."""
    leaver, canaries = _seed(tmp_path, capture, with_works_text=choice == "delete")
    assert {canary for _, canary in _leftovers(canaries, media)} >= set(PERSONAL), "seeding left too few canaries"
    client = signed_in_client(leaver)
    form = {"works": choice, "password": PASSWORD, "confirm": "on"}
    if choice == "delete":
        form["delete_comments"] = "on"
    with capture(execute=True):
        response = client.post(reverse("accounts:delete_account", args=[USERNAME]), form)
    assert response.status_code == 302
    assert not [s for s in Session.objects.all() if s.get_decoded().get(SESSION_KEY) == str(leaver.pk)]
    if choice == "orphan":
        orphaned = Work.objects.filter(title="Foghorn Nights", creatorships__pseud__user__username="orphan_account")
        assert orphaned.exists()
    return _leftovers(canaries, media)


@pytest.mark.parametrize("choice", ["delete", "orphan"])
def test_a_deleted_account_leaves_no_canary_anywhere(
    choice: str, media: Path, tmp_path: Path, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    """Every table (the inbox's notices of its comments and SQLite's full-text segments included), the media
    files (built downloads included), the cache and the discovery index."""
    left = [
        f"{canary} in {place}" for place, canary in _delete(choice, tmp_path, django_capture_on_commit_callbacks, media)
    ]
    assert left == [], "\n".join(left)
