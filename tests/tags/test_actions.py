"""Wrangling actions: what each does, and the changes they refuse with a clear message."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from fanshelf.accounts.models import User
from fanshelf.tags.actions import (
    TagEdit,
    add_metatag,
    add_parent,
    edit_tag,
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
from tests.tags.conftest import canonical_tag


def test_a_synonym_points_to_its_canonical_and_stops_being_canonical(moderator: User) -> None:
    canonical = canonical_tag("Mira Vance", TagType.CHARACTER, moderator)
    nickname = canonical_tag("Captain Mira", TagType.CHARACTER, moderator)
    make_synonym(nickname, canonical, by=moderator)
    nickname.refresh_from_db()
    assert nickname.merger == canonical
    assert not nickname.canonical
    remove_synonym(nickname, by=moderator)
    nickname.refresh_from_db()
    assert nickname.merger is None


def test_a_canonical_made_a_synonym_hands_its_synonyms_and_links_to_the_new_canonical(moderator: User) -> None:
    fandom = canonical_tag("Tidewater Chronicles", TagType.FANDOM, moderator)
    old = canonical_tag("Tidewater Chronicles (Books)", TagType.FANDOM, moderator)
    meta = canonical_tag("Tidewater Universe", TagType.FANDOM, moderator)
    old_synonym = find_or_create_tag("TC books", TagType.FANDOM)
    make_synonym(old_synonym, old, by=moderator)
    add_metatag(old, meta, by=moderator)
    character = canonical_tag("Mira Vance", TagType.CHARACTER, moderator)
    add_parent(character, old, by=moderator)

    make_synonym(old, fandom, by=moderator)

    old_synonym.refresh_from_db()
    assert old_synonym.merger == fandom
    assert list(fandom.metatags.all()) == [meta]
    assert list(fandom.children.all()) == [character]
    assert not old.metatags.exists()
    assert not old.children.exists()


@pytest.mark.parametrize(
    ("other_type", "message"),
    [(TagType.CHARACTER, "must be of its canonical's type"), (TagType.FREEFORM, "must be of its canonical's type")],
)
def test_a_synonym_of_another_type_is_refused(moderator: User, other_type: str, message: str) -> None:
    relationship = canonical_tag("Mira Vance/Oren Hale", TagType.RELATIONSHIP, moderator)
    other = find_or_create_tag("Oren", other_type)
    with pytest.raises(ValidationError, match=message):
        make_synonym(other, relationship, by=moderator)


def test_a_synonym_of_an_unwrangled_tag_is_refused(moderator: User) -> None:
    unwrangled = find_or_create_tag("mira", TagType.CHARACTER)
    other = find_or_create_tag("mira v", TagType.CHARACTER)
    with pytest.raises(ValidationError, match="not canonical"):
        make_synonym(other, unwrangled, by=moderator)


def test_a_synonym_cannot_be_made_canonical_before_it_is_detached(moderator: User) -> None:
    canonical = canonical_tag("Mira Vance", TagType.CHARACTER, moderator)
    nickname = find_or_create_tag("Captain Mira", TagType.CHARACTER)
    make_synonym(nickname, canonical, by=moderator)
    with pytest.raises(ValidationError, match="remove it as a synonym"):
        make_canonical(nickname, by=moderator)


def test_a_canonical_with_synonyms_cannot_be_made_noncanonical(moderator: User) -> None:
    canonical = canonical_tag("Mira Vance", TagType.CHARACTER, moderator)
    make_synonym(find_or_create_tag("Captain Mira", TagType.CHARACTER), canonical, by=moderator)
    with pytest.raises(ValidationError, match="1 synonyms"):
        make_noncanonical(canonical, by=moderator)
    canonical.refresh_from_db()
    assert canonical.canonical


def test_ratings_warnings_and_categories_cannot_be_wrangled(moderator: User) -> None:
    rating = Tag.objects.get(name="Mature", type=TagType.RATING)
    with pytest.raises(ValidationError, match="fixed set"):
        make_noncanonical(rating, by=moderator)


def test_parents_follow_media_fandom_character_relationship_order(moderator: User) -> None:
    media = Tag.objects.get(name="Books & Literature")
    fandom = canonical_tag("Tidewater Chronicles", TagType.FANDOM, moderator)
    character = canonical_tag("Mira Vance", TagType.CHARACTER, moderator)
    relationship = find_or_create_tag("Mira Vance/Oren Hale", TagType.RELATIONSHIP)
    add_parent(fandom, media, by=moderator)
    add_parent(character, fandom, by=moderator)
    add_parent(relationship, character, by=moderator)
    add_parent(relationship, fandom, by=moderator)
    assert set(relationship.parents.all()) == {character, fandom}
    with pytest.raises(ValidationError, match="can only be the parent of relationship tags"):
        add_parent(fandom, character, by=moderator)
    remove_parent(relationship, character, by=moderator)
    assert list(relationship.parents.all()) == [fandom]


def test_a_parent_must_be_canonical(moderator: User) -> None:
    fandom = find_or_create_tag("Tidewater Chronicles", TagType.FANDOM)
    character = find_or_create_tag("Mira Vance", TagType.CHARACTER)
    with pytest.raises(ValidationError, match="not canonical, so it cannot be a parent tag"):
        add_parent(character, fandom, by=moderator)


def test_a_metatag_loop_is_refused_however_long(moderator: User) -> None:
    broad = canonical_tag("Tidewater Universe", TagType.FANDOM, moderator)
    middle = canonical_tag("Tidewater Chronicles", TagType.FANDOM, moderator)
    narrow = canonical_tag("Tidewater Chronicles (TV)", TagType.FANDOM, moderator)
    add_metatag(middle, broad, by=moderator)
    add_metatag(narrow, middle, by=moderator)
    with pytest.raises(ValidationError, match="would loop"):
        add_metatag(broad, narrow, by=moderator)
    with pytest.raises(ValidationError, match="would loop"):
        add_metatag(broad, broad, by=moderator)
    assert not broad.metatags.exists()


def test_a_metatag_must_be_a_canonical_of_the_same_type(moderator: User) -> None:
    fandom = canonical_tag("Tidewater Chronicles", TagType.FANDOM, moderator)
    character = canonical_tag("Mira Vance", TagType.CHARACTER, moderator)
    with pytest.raises(ValidationError, match="subtag's type"):
        add_metatag(character, fandom, by=moderator)
    remove_target = canonical_tag("Tidewater Universe", TagType.FANDOM, moderator)
    with pytest.raises(ValidationError, match="is not a metatag"):
        remove_metatag(fandom, remove_target, by=moderator)


def test_admins_may_rename_a_tag_freely_but_not_onto_another_tags_name(moderator: User) -> None:
    tag = canonical_tag("Mira Vance", TagType.CHARACTER, moderator)
    find_or_create_tag("Oren Hale", TagType.CHARACTER)
    rename_tag(tag, "Mira Vance-Hale", by=moderator)
    assert Tag.objects.get(pk=tag.pk).name == "Mira Vance-Hale"
    with pytest.raises(ValidationError, match="already exists"):
        rename_tag(tag, "oren hale", by=moderator)


def test_an_edit_that_fails_in_part_changes_nothing(moderator: User) -> None:
    tag = find_or_create_tag("mira vance", TagType.CHARACTER)
    fandom = canonical_tag("Tidewater Chronicles", TagType.FANDOM, moderator)
    unwrangled_parent = find_or_create_tag("Oren Hale", TagType.CHARACTER)
    edit = TagEdit(name="Mira Vance", canonical=True, add_parents=[fandom, unwrangled_parent])
    with pytest.raises(ValidationError) as error:
        edit_tag(tag, edit, by=moderator)
    assert "add_parents" in error.value.message_dict
    tag = Tag.objects.get(pk=tag.pk)
    assert (tag.name, tag.canonical, tag.parents.count()) == ("mira vance", False, 0)
