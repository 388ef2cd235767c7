"""Who may wrangle what: wranglers in their assigned fandoms, admins everywhere."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fanshelf.accounts.models import User
from fanshelf.tags.actions import (
    add_parent,
    find_or_create_tag,
    make_canonical,
    make_synonym,
    remove_synonym,
    rename_tag,
)
from fanshelf.tags.models import Tag, TagType
from fanshelf.tags.permissions import can_wrangle
from fanshelf.works.actions import set_hidden_by_moderator
from tests.factories import make_work
from tests.tags.conftest import HOME_FANDOM, OTHER_FANDOM, canonical_tag


def test_a_wrangler_may_wrangle_their_fandom_and_the_tags_filed_under_it(
    wrangler: User, moderator: User, home_fandom: Tag
) -> None:
    character = canonical_tag("Mira Vance", TagType.CHARACTER, moderator)
    add_parent(character, home_fandom, by=moderator)
    nickname = find_or_create_tag("Captain Mira", TagType.CHARACTER)
    assert not can_wrangle(wrangler, nickname)  # unused, and in no fandom yet
    make_synonym(nickname, character, by=moderator)
    assert can_wrangle(wrangler, home_fandom)
    assert can_wrangle(wrangler, character)
    assert can_wrangle(wrangler, nickname)  # through its canonical
    remove_synonym(nickname, by=wrangler)
    assert not can_wrangle(wrangler, nickname)  # back out of the fandom


def test_a_wrangler_may_wrangle_unwrangled_tags_used_on_works_in_their_fandom(
    author: User, wrangler: User, home_fandom: Tag
) -> None:
    make_work(author, fandoms=[HOME_FANDOM], characters=["Mira Vance"])
    character = Tag.objects.get(name="Mira Vance")
    make_canonical(character, by=wrangler)
    add_parent(character, home_fandom, by=wrangler)
    assert list(character.parents.all()) == [home_fandom]


def test_a_wrangler_is_refused_outside_their_fandoms(
    author: User, wrangler: User, home_fandom: Tag, other_fandom: Tag
) -> None:
    make_work(author, fandoms=[OTHER_FANDOM], characters=["Cassia Thorn"])
    character = Tag.objects.get(name="Cassia Thorn")
    assert not can_wrangle(wrangler, other_fandom)
    assert not can_wrangle(wrangler, character)
    with pytest.raises(PermissionDenied, match="outside the fandoms assigned to you"):
        make_canonical(character, by=wrangler)
    with pytest.raises(PermissionDenied):
        add_parent(character, home_fandom, by=wrangler)
    assert not Tag.objects.get(pk=character.pk).canonical


@pytest.mark.parametrize("hide", ["draft", "hidden"])
def test_tags_only_on_drafts_or_hidden_works_give_a_wrangler_no_say(
    author: User, wrangler: User, home_fandom: Tag, hide: str
) -> None:
    work = make_work(author, fandoms=[HOME_FANDOM], characters=["Secret Sibling"], post=hide != "draft")
    if hide == "hidden":
        set_hidden_by_moderator(work, hidden=True)
    assert not can_wrangle(wrangler, Tag.objects.get(name="Secret Sibling"))


def test_readers_without_assignments_may_wrangle_nothing(reader: User, home_fandom: Tag) -> None:
    assert not can_wrangle(reader, home_fandom)
    with pytest.raises(PermissionDenied):
        make_canonical(find_or_create_tag("Anything", TagType.FREEFORM), by=reader)


def test_admins_may_wrangle_any_tag(moderator: User, other_fandom: Tag) -> None:
    assert can_wrangle(moderator, other_fandom)
    assert can_wrangle(moderator, find_or_create_tag("Unused", TagType.FREEFORM))


@pytest.mark.parametrize("new_name", ["TIDEWATER CHRONICLES", "Tidéwater Chronïcles", "tidewater chronicles"])
def test_a_wrangler_may_change_only_case_and_accents(wrangler: User, home_fandom: Tag, new_name: str) -> None:
    rename_tag(home_fandom, new_name, by=wrangler)
    assert Tag.objects.get(pk=home_fandom.pk).name == new_name


@pytest.mark.parametrize("new_name", ["Tidewater Chronicle", "Tidewater Chronicles (Books)", "Tidewater"])
def test_a_wrangler_may_not_rename_a_tag_to_other_words(wrangler: User, home_fandom: Tag, new_name: str) -> None:
    with pytest.raises(ValidationError, match="only change the case and accents"):
        rename_tag(home_fandom, new_name, by=wrangler)
    assert Tag.objects.get(pk=home_fandom.pk).name == HOME_FANDOM
