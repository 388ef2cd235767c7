"""A tag's Atom feed, its OPDS feed and its OPDS fandom count hold the works its listing holds: its own, its
synonyms', its subtags' and their synonyms', transitively."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.tags.actions import add_metatag, find_or_create_tag, make_synonym
from fanshelf.tags.models import Tag, TagType
from tests.core.pages import listed_titles
from tests.downloads.test_feeds import ATOM, entry_titles
from tests.factories import make_work
from tests.tags.conftest import canonical_tag

EXPECTED = ["Under the alias of a subfandom", "Under a subfandom", "Under an alias", "Under the metatag"]


@pytest.fixture
def metatag(author: User, moderator: User) -> Tag:
    """Tidewater (metatag) > Tidewater: Harbour (subtag) > Harbour Nights (sub-subtag, with a synonym)."""
    top = canonical_tag("Tidewater", TagType.FANDOM, moderator)
    middle = canonical_tag("Tidewater: Harbour", TagType.FANDOM, moderator)
    low = canonical_tag("Harbour Nights", TagType.FANDOM, moderator)
    add_metatag(middle, top, by=moderator)
    add_metatag(low, middle, by=moderator)
    make_synonym(find_or_create_tag("Tidewater (Series)", TagType.FANDOM), top, by=moderator)
    make_synonym(find_or_create_tag("The Harbour Nights", TagType.FANDOM), low, by=moderator)
    make_work(author, title="Under the metatag", fandoms=["Tidewater"])
    make_work(author, title="Under an alias", fandoms=["Tidewater (Series)"])
    make_work(author, title="Under a subfandom", fandoms=["Harbour Nights"])
    make_work(author, title="Under the alias of a subfandom", fandoms=["The Harbour Nights"])
    make_work(author, title="Elsewhere", fandoms=["Some Other Fandom"])
    return top


def test_a_metatags_atom_feed_holds_its_subtags_and_synonyms_works_as_its_listing_does(
    metatag: Tag, guest: Client
) -> None:
    feed = ET.fromstring(guest.get(reverse("downloads:tag_feed", args=[metatag.url_part])).content)  # noqa: S314
    assert sorted(entry_titles(feed)) == sorted(EXPECTED)
    listing = guest.get(reverse("discovery:tag_works", args=[metatag.url_part]))
    assert sorted(listed_titles(listing)) == sorted(entry_titles(feed))


def test_a_metatags_opds_feed_holds_its_subtags_and_synonyms_works(metatag: Tag, guest: Client) -> None:
    feed = ET.fromstring(guest.get(reverse("downloads:opds_tag", args=[metatag.url_part])).content)  # noqa: S314
    assert sorted(entry_titles(feed)) == sorted(EXPECTED)


def test_the_opds_fandom_list_counts_a_metatags_subtag_works(metatag: Tag, guest: Client) -> None:
    feed = ET.fromstring(guest.get(reverse("downloads:opds_fandoms")).content)  # noqa: S314
    counts = {
        entry.findtext(f"{ATOM}title"): entry.findtext(f"{ATOM}summary") or entry.findtext(f"{ATOM}content")
        for entry in feed.iter(f"{ATOM}entry")
    }
    assert counts["Tidewater"] == "4 works"
    assert counts["Harbour Nights"] == "2 works"
