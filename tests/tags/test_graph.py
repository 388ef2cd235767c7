"""filter_ids_by_tag: the filter tags a work carrying each tag is found under, for the discovery index."""

from __future__ import annotations

from pytest_django import DjangoAssertNumQueries

from fanshelf.accounts.models import User
from fanshelf.tags.actions import add_metatag, find_or_create_tag, make_synonym, remove_metatag
from fanshelf.tags.graph import filed_under, filter_ids_by_tag
from fanshelf.tags.models import TagType
from tests.tags.conftest import canonical_tag


def test_filter_ids_cover_canonicals_synonyms_and_transitive_metatags(
    moderator: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    broad = canonical_tag("Tidewater Universe", TagType.FANDOM, moderator)
    middle = canonical_tag("Tidewater Chronicles", TagType.FANDOM, moderator)
    narrow = canonical_tag("Tidewater Chronicles (TV)", TagType.FANDOM, moderator)
    sibling = canonical_tag("Tidewater Chronicles (Books)", TagType.FANDOM, moderator)
    add_metatag(middle, broad, by=moderator)
    add_metatag(narrow, middle, by=moderator)
    add_metatag(sibling, broad, by=moderator)
    synonym = find_or_create_tag("TC TV", TagType.FANDOM)
    make_synonym(synonym, narrow, by=moderator)
    unwrangled = find_or_create_tag("Tidewater AU", TagType.FANDOM)

    with django_assert_num_queries(2):
        ids = filter_ids_by_tag()

    assert ids[broad.pk] == {broad.pk}
    assert ids[middle.pk] == {middle.pk, broad.pk}
    assert ids[narrow.pk] == {narrow.pk, middle.pk, broad.pk}
    assert ids[synonym.pk] == {narrow.pk, middle.pk, broad.pk}
    assert ids[sibling.pk] == {sibling.pk, broad.pk}
    assert ids[unwrangled.pk] == frozenset()
    assert filed_under({broad.pk}) == {broad.pk, middle.pk, narrow.pk, synonym.pk, sibling.pk}
    for canonical in (broad, middle, narrow, sibling):  # the two directions agree
        assert filed_under({canonical.pk}) == {tag for tag, filters in ids.items() if canonical.pk in filters}

    remove_metatag(middle, broad, by=moderator)
    assert filter_ids_by_tag(only=[synonym.pk]) == {synonym.pk: {narrow.pk, middle.pk}}


def test_filter_ids_follow_a_diamond_of_metatags_without_repeating(moderator: User) -> None:
    top = canonical_tag("Everything Sea", TagType.FREEFORM, moderator)
    left = canonical_tag("Lighthouses", TagType.FREEFORM, moderator)
    right = canonical_tag("Storms", TagType.FREEFORM, moderator)
    bottom = canonical_tag("Lighthouse in a Storm", TagType.FREEFORM, moderator)
    add_metatag(left, top, by=moderator)
    add_metatag(right, top, by=moderator)
    add_metatag(bottom, left, by=moderator)
    add_metatag(bottom, right, by=moderator)
    assert filter_ids_by_tag()[bottom.pk] == {bottom.pk, left.pk, right.pk, top.pk}
    assert filed_under({top.pk}) == {top.pk, left.pk, right.pk, bottom.pk}


def test_fixed_tags_filter_as_themselves(moderator: User) -> None:
    ids = filter_ids_by_tag()
    mature = find_or_create_tag("Mature", TagType.RATING)
    assert ids[mature.pk] == {mature.pk}
