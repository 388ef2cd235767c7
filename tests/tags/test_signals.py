"""Every wrangling action announces the tags whose works changed; works turns that into outbox rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import fanshelf.works.signals  # noqa: F401  (connects the outbox receiver, as WorksConfig.ready does)
from fanshelf.accounts.models import User
from fanshelf.tags.actions import (
    add_metatag,
    add_parent,
    find_or_create_tag,
    make_canonical,
    make_noncanonical,
    make_synonym,
    remove_metatag,
    remove_parent,
    remove_synonym,
    rename_tag,
)
from fanshelf.tags.models import Tag, TagType
from fanshelf.tags.signals import tags_rewired
from fanshelf.works.models import Work, WorkChange
from tests.factories import make_work
from tests.tags.conftest import canonical_tag


@pytest.fixture
def sent() -> Iterator[list[tuple[str, frozenset[int]]]]:
    """The (action, tag_ids) of every tags_rewired signal sent during the test."""
    calls: list[tuple[str, frozenset[int]]] = []

    def listen(sender: object, tag_ids: frozenset[int], action: str, **kwargs: Any) -> None:
        calls.append((action, tag_ids))

    tags_rewired.connect(listen, dispatch_uid="test-listener")
    yield calls
    tags_rewired.disconnect(dispatch_uid="test-listener")


def test_each_action_sends_the_tags_whose_works_it_touches(
    moderator: User, sent: list[tuple[str, frozenset[int]]]
) -> None:
    fandom = canonical_tag("Tidewater Chronicles", TagType.FANDOM, moderator)
    broad = canonical_tag("Tidewater Universe", TagType.FANDOM, moderator)
    narrow = canonical_tag("Tidewater Chronicles (TV)", TagType.FANDOM, moderator)
    add_metatag(narrow, fandom, by=moderator)
    synonym = find_or_create_tag("TC", TagType.FANDOM)
    character = find_or_create_tag("mira", TagType.CHARACTER)
    sent.clear()

    make_synonym(synonym, fandom, by=moderator)
    add_metatag(fandom, broad, by=moderator)
    remove_metatag(fandom, broad, by=moderator)
    add_parent(character, fandom, by=moderator)
    remove_parent(character, fandom, by=moderator)
    rename_tag(character, "Mira", by=moderator)
    make_canonical(character, by=moderator)
    make_noncanonical(character, by=moderator)
    remove_synonym(synonym, by=moderator)

    family = frozenset({fandom.pk, narrow.pk, synonym.pk})
    assert sent == [
        ("make_synonym", {synonym.pk}),
        ("add_metatag", family),
        ("remove_metatag", family),
        ("add_parent", {character.pk}),
        ("remove_parent", {character.pk}),
        ("rename_tag", {character.pk}),
        ("make_canonical", {character.pk}),
        ("make_noncanonical", {character.pk}),
        ("remove_synonym", {synonym.pk}),
    ]


def test_an_action_that_changes_nothing_sends_nothing(moderator: User, sent: list[tuple[str, frozenset[int]]]) -> None:
    fandom = canonical_tag("Tidewater Chronicles", TagType.FANDOM, moderator)
    sent.clear()
    make_canonical(fandom, by=moderator)
    assert sent == []


def test_wrangling_writes_an_outbox_row_for_each_affected_work(author: User, moderator: User) -> None:
    synonym_work = make_work(author, fandoms=["TC"])
    draft = make_work(author, fandoms=["TC"], post=False)
    untouched = make_work(author, fandoms=["Starfall Academy"])
    fandom = canonical_tag("Tidewater Chronicles", TagType.FANDOM, moderator)
    WorkChange.objects.all().delete()

    make_synonym(Tag.objects.get(name="TC"), fandom, by=moderator)

    changed = set(WorkChange.objects.filter(kind="tags").values_list("work_id", flat=True))
    assert changed == {synonym_work.pk, draft.pk}
    assert untouched.pk not in changed
    assert Work.objects.count() == 3
