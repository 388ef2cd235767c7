"""Words come out as written: right-to-left works read right to left, names in English lines keep their place,
tags keep the creator's order, related works read as AO3 writes them, blurbs show one date format and the kudos
line counts guests as AO3 does."""

from __future__ import annotations

import datetime
import re

from bs4 import BeautifulSoup, Tag
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.tags.models import TagType
from fanshelf.works.actions import WorkFields, update_work
from fanshelf.works.models import RelationKind, Work
from fanshelf.works.related import ParentReference, approve_link, cite_parent
from fanshelf.works.templatetags.works import KUDOS_NAMES_SHOWN
from tests.core.pages import parse, work_form_data
from tests.factories import make_user, make_work
from tests.tags.conftest import canonical_tag

HEBREW_TITLE = "שיר הים"
HEBREW_CHARACTER = "נוגה"
HEBREW_SUMMARY = "<p>סיפור על הים, והאור.</p>"
HEBREW_TEXT = "הסירה חזרה לנמל לפני הזריחה, והמגדלור כבה לאט."


def one(soup: BeautifulSoup | Tag, selector: str) -> Tag:
    found = soup.select_one(selector)
    assert isinstance(found, Tag), selector
    return found


def hebrew_work(author: User) -> Work:
    return make_work(
        author,
        title=HEBREW_TITLE,
        chapters=[HEBREW_TEXT],
        language="he",
        summary=HEBREW_SUMMARY,
        notes="<p>הערות.</p>",
        characters=[HEBREW_CHARACTER],
    )


def page(client: Client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200
    return parse(response.content.decode())


# --- Right to left ---------------------------------------------------------------------------------------------


def test_a_hebrew_works_page_sets_its_text_right_to_left(author: User, guest: Client) -> None:
    work = hebrew_work(author)
    soup = page(guest, work.get_absolute_url())
    for selector in ("h1#work-title", "section.summary blockquote", "section.notes .userstuff", ".chapter-text"):
        element = one(soup, selector)
        assert (element.get("lang"), element.get("dir")) == ("he", "rtl"), selector


def test_an_english_works_text_stays_left_to_right(author: User, guest: Client) -> None:
    work = make_work(author)
    assert one(page(guest, work.get_absolute_url()), ".chapter-text").get("dir") == "ltr"


def test_tags_and_creators_on_a_work_page_are_isolated_from_the_english_around_them(
    author: User, guest: Client
) -> None:
    soup = page(guest, hebrew_work(author).get_absolute_url())
    character = one(soup, "dl.meta a.tag[href*='%D7']")  # the Hebrew tag's link
    assert (character.get_text(), character.get("dir")) == (HEBREW_CHARACTER, "auto")
    creator = one(soup, "p.byline a[rel=author]")
    assert creator.get("dir") == "auto"


def test_a_listing_blurb_isolates_title_creators_and_tags_and_sets_its_summary_right_to_left(
    author: User, guest: Client
) -> None:
    work = hebrew_work(author)
    blurb = one(page(guest, reverse("discovery:works")), f"#work_{work.pk}")
    title = one(blurb, "h3.heading a")
    assert (title.get_text(), title.get("dir"), title.get("lang")) == (HEBREW_TITLE, "auto", "he")
    assert one(blurb, "h3.heading a[rel=author]").get("dir") == "auto"
    tags = {a.get_text(): a.get("dir") for a in blurb.select("ul.tags a.tag")}
    assert tags[HEBREW_CHARACTER] == "auto"
    summary = one(blurb, "blockquote.summary")
    assert (summary.get("lang"), summary.get("dir")) == ("he", "rtl")


def test_a_facet_keeps_its_count_after_a_right_to_left_name(author: User, moderator: User, guest: Client) -> None:
    canonical_tag(HEBREW_CHARACTER, TagType.CHARACTER, moderator)  # facets count canonical tags
    hebrew_work(author)
    facets = one(page(guest, reverse("discovery:works")), "section.facets")
    link = next(a for a in facets.select("a[rel=nofollow]") if HEBREW_CHARACTER in a.get_text())
    assert isinstance(link.contents[0], Tag)
    assert link.contents[0].name == "bdi"
    assert link.contents[0].get_text() == HEBREW_CHARACTER
    assert link.get_text() == f"{HEBREW_CHARACTER} (1)"


def test_a_tag_pages_heading_isolates_the_tag_name(author: User, guest: Client) -> None:
    work = hebrew_work(author)
    tag = next(t for t in work.tags.all() if t.name == HEBREW_CHARACTER)
    listing = page(guest, reverse("discovery:tag_works", args=[tag.url_part]))
    heading = one(listing, "h1")
    assert heading.get_text() == f"Works in {HEBREW_CHARACTER}"
    assert one(heading, "bdi").get_text() == HEBREW_CHARACTER
    assert one(listing, "title").get_text().startswith(f"Works in {HEBREW_CHARACTER} - ")


# --- Tag order -------------------------------------------------------------------------------------------------


def _characters_on_work_page(soup: BeautifulSoup) -> list[str]:
    label = next(dt for dt in soup.select("dl.meta > dt") if dt.get_text() == "Characters:")
    dd = label.find_next_sibling("dd")
    assert isinstance(dd, Tag)
    return [a.get_text() for a in dd.select("a.tag")]


def test_tags_show_in_the_order_the_creator_typed_them(author: User, author_client: Client, guest: Client) -> None:
    form = work_form_data(author, title="Tide Order", characters="Zed, Amy", freeforms="Slow Burn, Angst")
    assert author_client.post("/works/new/", form).status_code == 302
    work = Work.objects.get(title="Tide Order")
    assert _characters_on_work_page(page(guest, work.get_absolute_url())) == ["Zed", "Amy"]
    blurb = one(page(guest, reverse("discovery:works")), f"#work_{work.pk}")
    assert [a.get_text() for a in blurb.select("li.characters a")] == ["Zed", "Amy"]
    assert [a.get_text() for a in blurb.select("li.freeforms a")] == ["Slow Burn", "Angst"]


def test_editing_a_work_keeps_the_new_order_the_creator_typed(author: User, guest: Client) -> None:
    work = make_work(author, characters=["Zed", "Amy"])
    fields = WorkFields(
        title=work.title,
        pseuds=[author.default_pseud()],
        rating="General Audiences",
        warnings=["No Archive Warnings Apply"],
        fandoms=["Tidewater Chronicles"],
        characters=["Bea", "Amy", "Zed"],
        expected_chapters=1,
    )
    update_work(Work.objects.get(pk=work.pk), author, fields)
    assert _characters_on_work_page(page(guest, work.get_absolute_url())) == ["Bea", "Amy", "Zed"]
    blurb = one(page(guest, reverse("discovery:works")), f"#work_{work.pk}")
    assert [a.get_text() for a in blurb.select("li.characters a")] == ["Bea", "Amy", "Zed"]


# --- Related works ---------------------------------------------------------------------------------------------


def test_works_inspired_by_a_work_read_title_then_kind_then_creators(author: User, guest: Client) -> None:
    parent = make_work(author, title="Salt and Lanterns")
    narrator = make_user("tidewriter")
    child = make_work(narrator, title="Salt Songs")
    link = cite_parent(child, narrator, ParentReference(parent.get_absolute_url(), kind=RelationKind.PODFIC))
    approve_link(link, author)
    section = one(page(guest, parent.get_absolute_url()), "section.children")
    assert [" ".join(li.get_text().split()) for li in section.select("li")] == ["Salt Songs (podfic) by tidewriter"]
    child_page = page(guest, child.get_absolute_url())
    assert (
        " ".join(one(child_page, "ul.parents li").get_text().split()) == "Podfic of Salt and Lanterns by Quillfeather"
    )


# --- Blurb dates and the kudos line ----------------------------------------------------------------------------


def test_a_blurb_shows_its_dates_in_one_format(author: User, guest: Client) -> None:
    work = make_work(author, published_on=datetime.date(2019, 3, 14))
    blurb = one(page(guest, reverse("discovery:works")), f"#work_{work.pk}")
    stats = dict(
        zip(
            [dt.get_text() for dt in blurb.select("dl.stats dt")],
            [dd.get_text() for dd in blurb.select("dl.stats dd")],
            strict=True,
        )
    )
    assert stats["Published:"] == "14 Mar 2019"
    assert re.fullmatch(r"\d{2} [A-Z][a-z]{2} \d{4}", one(blurb, "p.datetime").get_text())


def test_the_kudos_line_names_users_and_counts_guests(author: User, reader_client: Client, wrangler: User) -> None:
    work = make_work(author)
    kudos_url = reverse("community:kudos", args=[work.pk])
    wrangler_client = Client()
    wrangler_client.force_login(wrangler)
    for client in (reader_client, wrangler_client, Client(REMOTE_ADDR="192.0.2.1"), Client(REMOTE_ADDR="192.0.2.2")):
        assert client.post(kudos_url).status_code == 302
    line = one(page(Client(), work.get_absolute_url()), ".kudos-summary").get_text()
    assert line == "Pageturner, Tagtender as well as 2 guests left kudos on this work!"


def test_the_kudos_line_for_guests_alone_counts_them(author: User) -> None:
    work = make_work(author)
    assert Client(REMOTE_ADDR="192.0.2.9").post(reverse("community:kudos", args=[work.pk])).status_code == 302
    line = one(page(Client(), work.get_absolute_url()), ".kudos-summary").get_text()
    assert line == "1 guest left kudos on this work!"


def test_the_kudos_line_names_the_first_fifty_users_then_counts_the_rest(author: User) -> None:
    work = make_work(author)
    kudos_url = reverse("community:kudos", args=[work.pk])
    for n in range(KUDOS_NAMES_SHOWN + 2):
        client = Client()
        client.force_login(make_user(f"Reader{n:02d}ש"))
        assert client.post(kudos_url).status_code == 302
    line = one(page(Client(), work.get_absolute_url()), ".kudos-summary").get_text()
    names = ", ".join(f"Reader{n:02d}ש" for n in range(KUDOS_NAMES_SHOWN))  # the oldest first
    assert line == f"{names} and 2 more users left kudos on this work!"
