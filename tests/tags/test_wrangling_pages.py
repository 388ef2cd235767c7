"""Wrangling pages: the tag edit page, the wrangling home, per-fandom bins and Uncategorized Fandoms."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from fanshelf.accounts.models import User
from fanshelf.tags.actions import add_parent, find_or_create_tag, make_synonym
from fanshelf.tags.models import Tag, TagType
from fanshelf.works.actions import set_hidden_by_moderator
from fanshelf.works.models import Work
from tests.factories import make_work
from tests.tags.conftest import HOME_FANDOM, OTHER_FANDOM, canonical_tag


def bin_url(fandom: Tag, tag_type: str) -> str:
    return reverse("tags:bin", args=[fandom.url_part, tag_type])


def edit_url(tag: Tag) -> str:
    return reverse("tags:edit", args=[tag.url_part])


def edit_form(tag: Tag, **changes: object) -> dict[str, object]:
    """The edit page's form as it arrives filled with the tag's current state, plus changes."""
    state: dict[str, object] = {"name": tag.name, "synonym_of": tag.merger.name if tag.merger else ""}
    if tag.canonical:
        state["canonical"] = "on"
    return {**state, **changes}


def test_a_wrangler_makes_a_tag_in_their_fandom_a_synonym_on_its_edit_page(
    author: User, moderator: User, wrangler_client: Client, home_fandom: Tag
) -> None:
    make_work(author, fandoms=[HOME_FANDOM], characters=["captain mira"])
    canonical = canonical_tag("Mira Vance", TagType.CHARACTER, moderator)
    tag = Tag.objects.get(name="captain mira")
    assert wrangler_client.get(edit_url(tag)).status_code == 200

    response = wrangler_client.post(edit_url(tag), edit_form(tag, synonym_of="mira vance", add_parents=HOME_FANDOM))

    assert response.status_code == 302
    tag.refresh_from_db()
    assert tag.merger == canonical
    assert list(tag.parents.all()) == [home_fandom]


def test_the_edit_page_shows_a_refused_rename_as_a_message_and_saves_nothing(
    wrangler_client: Client, home_fandom: Tag
) -> None:
    response = wrangler_client.post(
        edit_url(home_fandom), edit_form(home_fandom, name="Tidewater Saga", add_metatags="Nonexistent Tag")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "only change the case and accents" not in html  # the unknown tag stops the form before any action
    assert "No tag is named “Nonexistent Tag”" in html
    response = wrangler_client.post(edit_url(home_fandom), edit_form(home_fandom, name="Tidewater Saga"))
    assert response.status_code == 200
    assert "only change the case and accents" in response.content.decode()
    assert Tag.objects.get(pk=home_fandom.pk).name == HOME_FANDOM


def test_a_wrangler_may_not_open_the_edit_page_outside_their_fandoms(
    wrangler_client: Client, other_fandom: Tag, guest: Client
) -> None:
    assert wrangler_client.get(edit_url(other_fandom)).status_code == 403
    assert wrangler_client.post(edit_url(other_fandom), edit_form(other_fandom, canonical="")).status_code == 403
    assert Tag.objects.get(pk=other_fandom.pk).canonical
    assert guest.get(edit_url(other_fandom)).status_code == 302


def test_a_bin_lists_unwrangled_tags_on_listed_works_only(
    author: User,
    moderator: User,
    wrangler_client: Client,
    home_fandom: Tag,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    make_work(author, fandoms=[HOME_FANDOM], characters=["Mira Vance", "Filed Already"])
    make_work(author, fandoms=[HOME_FANDOM], characters=["Draft Only"], post=False)
    set_hidden_by_moderator(make_work(author, fandoms=[HOME_FANDOM], characters=["Hidden Only"]), hidden=True)
    unrevealed = make_work(author, fandoms=[HOME_FANDOM], characters=["Unrevealed Only"])
    Work.objects.filter(pk=unrevealed.pk).update(unrevealed=True)  # what a collection does; it has no action yet
    make_work(author, fandoms=[OTHER_FANDOM], characters=["Other Fandom"])
    make_work(author, fandoms=[HOME_FANDOM], relationships=["Mira Vance/Oren Hale"])
    add_parent(Tag.objects.get(name="Filed Already"), home_fandom, by=moderator)

    for number in range(10):
        make_work(author, fandoms=[HOME_FANDOM], characters=[f"Extra {number}", "Mira Vance"])

    with django_assert_max_num_queries(12):
        page = wrangler_client.get(bin_url(home_fandom, TagType.CHARACTER))

    assert page.status_code == 200
    names = [(tag.name, tag.uses) for tag in page.context["page_obj"]]
    assert names == [("Mira Vance", 11), *sorted((f"Extra {number}", 1) for number in range(10))]


def test_mass_actions_in_a_bin_wrangle_the_checked_tags(
    author: User, moderator: User, wrangler_client: Client, home_fandom: Tag
) -> None:
    make_work(author, fandoms=[HOME_FANDOM], characters=["Mira Vance", "captain mira", "Oren Hale", "Lost Sailor"])
    mira, captain, oren, sailor = (
        Tag.objects.get(name=name) for name in ("Mira Vance", "captain mira", "Oren Hale", "Lost Sailor")
    )
    url = bin_url(home_fandom, TagType.CHARACTER)

    assert wrangler_client.post(url, {"tags": [mira.pk, oren.pk], "action": "canonical"}).status_code == 302
    assert (
        wrangler_client.post(url, {"tags": [captain.pk], "action": "synonym", "target": "Mira Vance"}).status_code
        == 302
    )
    assert wrangler_client.post(url, {"tags": [sailor.pk], "action": "fandom", "target": ""}).status_code == 302

    mira.refresh_from_db()
    captain.refresh_from_db()
    assert mira.canonical
    assert list(mira.parents.all()) == [home_fandom]
    assert captain.merger == mira
    assert list(sailor.parents.all()) == [home_fandom]
    assert not sailor.canonical
    assert list(wrangler_client.get(url).context["page_obj"]) == []


def test_a_refused_mass_action_says_why_and_changes_nothing(
    author: User, wrangler_client: Client, home_fandom: Tag
) -> None:
    make_work(author, fandoms=[HOME_FANDOM], characters=["Mira Vance", "Oren Hale"])
    mira, oren = Tag.objects.get(name="Mira Vance"), Tag.objects.get(name="Oren Hale")
    response = wrangler_client.post(
        bin_url(home_fandom, TagType.CHARACTER),
        {"tags": [mira.pk, oren.pk], "action": "synonym", "target": "Oren Hale"},
    )
    assert response.status_code == 200
    assert "“Oren Hale” is not canonical" in response.content.decode()
    assert not Tag.objects.filter(merger__isnull=False).exists()


def test_a_wrangler_may_not_open_another_fandoms_bin(wrangler_client: Client, other_fandom: Tag) -> None:
    assert wrangler_client.get(bin_url(other_fandom, TagType.CHARACTER)).status_code == 403
    assert wrangler_client.get(bin_url(other_fandom, "rating")).status_code == 404


def test_the_wrangling_home_lists_the_wranglers_fandoms_with_bin_counts(
    author: User,
    wrangler_client: Client,
    home_fandom: Tag,
    moderator: User,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    make_work(author, fandoms=[HOME_FANDOM], characters=["Mira Vance", "Oren Hale"], freeforms=["Storms"])
    make_work(author, fandoms=["TC"], characters=["Mira Vance", "Lost Sailor"])
    make_synonym(Tag.objects.get(name="TC"), home_fandom, by=moderator)
    with django_assert_max_num_queries(8):
        page = wrangler_client.get(reverse("tags:wrangle"))
    assert page.status_code == 200
    fandom, bins = page.context["rows"][0]
    assert fandom == home_fandom
    assert [(kind.value, count) for kind, count in bins] == [("character", 3), ("relationship", 0), ("freeform", 1)]
    html = page.content.decode()
    assert "Character in Tidewater Chronicles: 3 unwrangled" in html


def test_readers_without_fandoms_are_refused_the_wrangling_home(reader_client: Client) -> None:
    assert reader_client.get(reverse("tags:wrangle")).status_code == 403


def test_uncategorized_fandoms_lists_fandoms_without_media_used_on_listed_works(
    author: User, moderator: User, guest: Client
) -> None:
    make_work(author, fandoms=["New Fandom", "Filed Fandom"])
    make_work(author, fandoms=["New Fandom"])
    make_work(author, fandoms=["Draft Fandom"], post=False)
    filed = canonical_tag("Filed Fandom", TagType.FANDOM, moderator)
    add_parent(filed, Tag.objects.get(name="Movies"), by=moderator)
    find_or_create_tag("Unused Fandom", TagType.FANDOM)

    guest.get(reverse("discovery:uncategorized"))  # the discovery index, which counts, catches up first
    with CaptureQueriesContext(connection) as queries:
        page = guest.get(reverse("discovery:uncategorized"))

    assert [(entry.fandom.name, entry.works) for entry in page.context["page_obj"]] == [("New Fandom", 2)]
    # No work's tags are read: counting them in the database took minutes at 2 million works.
    assert len(queries) <= 4
    assert not [query["sql"] for query in queries if "works_work_tags" in query["sql"]]


def test_the_header_links_the_wrangling_home_for_wranglers_with_a_fandom_only(
    home_fandom: Tag, wrangler_client: Client, reader_client: Client
) -> None:
    assert ">Wrangling</a>" in wrangler_client.get("/").content.decode()
    assert ">Wrangling</a>" not in reader_client.get("/").content.decode()
