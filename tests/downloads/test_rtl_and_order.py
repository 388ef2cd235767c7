"""Downloads and feeds show words as written: a right-to-left work's labels stay readable ("Rating:", not
":Rating") with its values isolated, and tags come in the order their creator typed them."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from bs4 import BeautifulSoup, Tag
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.tags.models import TagType
from fanshelf.works.models import Work
from tests.core.pages import work_form_data
from tests.downloads.conftest import epub_pages
from tests.factories import make_work
from tests.tags.conftest import canonical_tag

ATOM = "{http://www.w3.org/2005/Atom}"
HEBREW_CHARACTER = "נוגה"


def download(client: Client, work: Work, format_name: str) -> bytes:
    response = client.get(reverse("downloads:work", args=[work.pk, format_name]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]  # a FileResponse


def preface(markup: str) -> Tag:
    found = BeautifulSoup(markup, "html.parser").select_one("section#preface")
    assert isinstance(found, Tag)
    return found


def tag_values(section: Tag, label: str) -> list[str]:
    dt = next(dt for dt in section.select("dl.tags > dt") if dt.get_text() == f"{label}:")
    dd = dt.find_next_sibling("dd")
    assert isinstance(dd, Tag)
    return [bdi.get_text() for bdi in dd.find_all("bdi")]


def test_the_html_download_of_a_hebrew_work_keeps_its_labels_left_to_right_and_isolates_values(
    author: User, guest: Client
) -> None:
    work = make_work(
        author,
        title="שיר הים",
        chapters=["הסירה חזרה לנמל לפני הזריחה, והמגדלור כבה לאט."],
        language="he",
        characters=[HEBREW_CHARACTER, "Zed"],
    )
    markup = download(guest, work, "html").decode()
    html = BeautifulSoup(markup, "html.parser").find("html")
    assert isinstance(html, Tag)
    assert (html.get("lang"), html.get("dir")) == ("he", "rtl")
    section = preface(markup)
    tags = section.select_one("dl.tags")
    assert isinstance(tags, Tag)
    assert tags.get("dir") == "ltr"
    assert [dt.get_text() for dt in tags.find_all("dt")][:2] == ["Rating:", "Archive Warnings:"]
    assert tag_values(section, "Characters") == [HEBREW_CHARACTER, "Zed"]
    byline = section.select_one("p.byline")
    assert isinstance(byline, Tag)
    assert byline.get("dir") == "ltr"
    assert [bdi.get_text() for bdi in byline.find_all("bdi")] == ["Quillfeather"]


def test_the_epub_title_page_and_the_atom_entry_list_tags_in_the_order_typed(
    author: User, author_client: Client, moderator: User, guest: Client
) -> None:
    canonical_tag("Tidewater Chronicles", TagType.FANDOM, moderator)
    form = work_form_data(author, title="Tide Order", fandoms="Tidewater Chronicles", characters="Zed, Amy")
    assert author_client.post("/works/new/", form).status_code == 302
    work = Work.objects.get(title="Tide Order")

    pages = epub_pages(download(guest, work, "epub"))
    title_page = next(text for name, text in pages.items() if name.endswith("preface.xhtml"))
    assert tag_values(preface(title_page), "Characters") == ["Zed", "Amy"]

    feed = guest.get(reverse("downloads:tag_feed", args=["Tidewater Chronicles"]))
    assert feed.status_code == 200
    entry = next(ET.fromstring(feed.content).iter(f"{ATOM}entry"))  # noqa: S314 (our own feed)
    categories = [category.get("term") for category in entry.iter(f"{ATOM}category")]
    assert categories.index("Zed") < categories.index("Amy")
    content = BeautifulSoup(entry.findtext(f"{ATOM}summary", ""), "html.parser")
    line = next(li for li in content.find_all("li") if li.get_text().startswith("Characters:"))
    assert [bdi.get_text() for bdi in line.find_all("bdi")] == ["Zed", "Amy"]
