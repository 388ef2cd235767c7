"""The tag pages readers see: a tag's works (with synonyms and subtags), its place in the graph."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from fanshelf.accounts.models import User
from fanshelf.tags.actions import add_metatag, add_parent, find_or_create_tag, make_synonym
from fanshelf.tags.models import Tag, TagType, tag_to_url_part
from fanshelf.works.actions import set_hidden_by_moderator
from tests.core.pages import listed_titles
from tests.factories import make_work
from tests.tags.conftest import HOME_FANDOM, canonical_tag


def works_url(name: str) -> str:
    return reverse("discovery:tag_works", args=[tag_to_url_part(name)])


def test_a_synonyms_works_are_listed_under_its_canonical(author: User, moderator: User, guest: Client) -> None:
    make_work(author, title="Under the Canonical", fandoms=[HOME_FANDOM])
    make_work(author, title="Under the Nickname", fandoms=["TC"])
    make_work(author, title="Elsewhere", fandoms=["Starfall Academy"])
    canonical = Tag.objects.get(name=HOME_FANDOM)
    make_synonym(Tag.objects.get(name="TC"), canonical_tag(HOME_FANDOM, TagType.FANDOM, moderator), by=moderator)

    page = guest.get(canonical.get_absolute_url())

    assert page.status_code == 200
    assert listed_titles(page) == ["Under the Nickname", "Under the Canonical"]
    assert "2 Works" in page.content.decode()


def test_a_synonyms_page_sends_readers_to_its_canonical(moderator: User, guest: Client) -> None:
    canonical = canonical_tag("Mira Vance", TagType.CHARACTER, moderator)
    make_synonym(find_or_create_tag("Captain Mira", TagType.CHARACTER), canonical, by=moderator)
    response = guest.get(works_url("captain mira"))
    assert response.status_code == 302
    assert response["Location"] == canonical.get_absolute_url()
    detail = guest.get(reverse("tags:detail", args=["Captain Mira"])).content.decode()
    assert "synonym of" in detail
    assert canonical.get_absolute_url() in detail


def test_a_metatags_listing_includes_its_subtags_works_transitively(
    author: User, moderator: User, guest: Client
) -> None:
    make_work(author, title="Broad", fandoms=["Tidewater Universe"])
    make_work(author, title="Middle", fandoms=[HOME_FANDOM])
    make_work(author, title="Narrow", fandoms=["TC (TV)"])
    make_work(author, title="Narrow Synonym", fandoms=["TC TV"])
    broad, middle, narrow = (
        canonical_tag(name, TagType.FANDOM, moderator) for name in ("Tidewater Universe", HOME_FANDOM, "TC (TV)")
    )
    add_metatag(middle, broad, by=moderator)
    add_metatag(narrow, middle, by=moderator)
    make_synonym(Tag.objects.get(name="TC TV"), narrow, by=moderator)

    assert set(listed_titles(guest.get(broad.get_absolute_url()))) == {"Broad", "Middle", "Narrow", "Narrow Synonym"}
    assert set(listed_titles(guest.get(narrow.get_absolute_url()))) == {"Narrow", "Narrow Synonym"}


def test_a_tag_page_never_lists_drafts_hidden_or_guest_restricted_works(
    author: User, moderator: User, guest: Client, reader_client: Client
) -> None:
    make_work(author, title="Public")
    make_work(author, title="Draft", post=False)
    set_hidden_by_moderator(make_work(author, title="Hidden"), hidden=True)
    make_work(author, title="Members Only", restricted=True)
    url = works_url(HOME_FANDOM)
    assert listed_titles(guest.get(url)) == ["Public"]
    assert listed_titles(reader_client.get(url)) == ["Members Only", "Public"]


def test_the_tag_page_shows_synonyms_parents_and_metatags(moderator: User, guest: Client) -> None:
    fandom = canonical_tag(HOME_FANDOM, TagType.FANDOM, moderator)
    add_parent(fandom, Tag.objects.get(name="Books & Literature"), by=moderator)
    add_metatag(fandom, canonical_tag("Tidewater Universe", TagType.FANDOM, moderator), by=moderator)
    make_synonym(find_or_create_tag("TC", TagType.FANDOM), fandom, by=moderator)
    character = canonical_tag("Mira Vance", TagType.CHARACTER, moderator)
    add_parent(character, fandom, by=moderator)

    for url in (reverse("tags:detail", args=[fandom.url_part]), fandom.get_absolute_url()):
        html = guest.get(url).content.decode()
        assert "This tag is canonical" in html
        for heading, name in [
            ("Synonyms", "TC"),
            ("Parent tags: Media", "Books &amp; Literature"),
            ("Metatags", "Tidewater Universe"),
            ("Child tags: Character", "Mira Vance"),
        ]:
            assert f"<h3>{heading}</h3>" in html
            assert name in html
        assert "Wrangle this tag" not in html


def test_an_unknown_tag_is_not_found(guest: Client) -> None:
    assert guest.get(works_url("No Such Tag")).status_code == 404
    assert guest.get(reverse("tags:detail", args=["No Such Tag"])).status_code == 404


def test_the_tag_works_page_costs_the_same_queries_for_many_works(
    author: User, moderator: User, reader_client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    fandom = canonical_tag(HOME_FANDOM, TagType.FANDOM, moderator)
    add_metatag(canonical_tag("TC (TV)", TagType.FANDOM, moderator), fandom, by=moderator)
    for number in range(12):
        make_work(
            author,
            title=f"Work {number}",
            fandoms=[HOME_FANDOM if number % 2 else "TC (TV)"],
            characters=[f"Character {number}", "Mira Vance"],
            freeforms=[f"Trope {number}"],
        )
    reader_client.get(fandom.get_absolute_url())  # the first listing builds the discovery index; measure the page
    with django_assert_max_num_queries(16):
        page = reader_client.get(fandom.get_absolute_url())
    assert len(listed_titles(page)) == 12
