"""EPUB metadata as reader apps show it: summary, series, identifier, subjects and a generated cover."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.downloads.builders import FORMATS
from fanshelf.downloads.document import source_url, work_document
from fanshelf.works.models import Work
from fanshelf.works.series import add_to_series, remove_from_series
from tests.downloads.calibre_tools import ebook_meta
from tests.downloads.conftest import CJK, HEBREW, TYPOGRAPHY, epubcheck, make_rich_work
from tests.factories import make_work

SERIES = "The Tidewater Cycle"


@pytest.fixture(autouse=True)
def _site_url(settings: Any) -> None:
    settings.SITE_URL = "https://fics.example"


def build_epub(work: Work) -> bytes:
    work.refresh_from_db()
    return FORMATS["epub"].build(work_document(work, offline=True))


def package(content: bytes) -> BeautifulSoup:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return BeautifulSoup(archive.read("EPUB/content.opf"), "xml")


def read(content: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read(f"EPUB/{name}").decode()


def meta(document: BeautifulSoup, **attributes: str) -> Tag:
    """The meta element with these attributes (`name_` for `name`, which find() itself takes)."""
    attrs = {key.rstrip("_"): value for key, value in attributes.items()}
    found = document.find("meta", attrs=attrs)
    assert isinstance(found, Tag), attributes
    return found


@pytest.fixture
def second_in_series(author: User) -> Work:
    """A rich work (summary with markup, every tag type, CJK) that is the second work of a series."""
    add_to_series(make_work(author, title="The First Count"), author, SERIES)
    work = make_rich_work(author, chapters=(TYPOGRAPHY, CJK))
    add_to_series(work, author, SERIES)
    return work


def test_calibre_finds_the_summary_series_identifier_and_tags(second_in_series: Work, tmp_path: Path) -> None:
    fields = ebook_meta(build_epub(second_in_series), tmp_path, "epub")
    assert fields["Title"] == "Salt & Lanterns: “A Story”"
    assert fields["Author(s)"] == "Quillfeather"
    assert fields["Comments"] == "A keeper counts gulls — twice."
    assert fields["Series"] == f"{SERIES} #2"
    assert f"uri:{source_url(second_in_series)}" in fields["Identifiers"]
    assert "Marin & Gull" in fields["Tags"]
    assert "Found Family" in fields["Tags"]


def test_package_names_the_series_both_the_epub3_way_and_calibres_way(second_in_series: Work) -> None:
    opf = package(build_epub(second_in_series))
    collection = meta(opf, property="belongs-to-collection")
    assert collection.text == SERIES
    assert meta(opf, refines=f"#{collection['id']}", property="collection-type").text == "series"
    assert meta(opf, refines=f"#{collection['id']}", property="group-position").text == "2"
    assert meta(opf, name_="calibre:series")["content"] == SERIES
    assert meta(opf, name_="calibre:series_index")["content"] == "2"


def test_package_has_the_work_address_as_identifier_and_source_and_the_summary_as_text(second_in_series: Work) -> None:
    opf = package(build_epub(second_in_series))
    address = source_url(second_in_series)
    assert address.startswith("https://fics.example/works/")
    package_id = opf.find("package")["unique-identifier"]  # type: ignore[index]
    assert opf.find("dc:identifier", id=package_id).text == address  # type: ignore[union-attr]
    assert opf.find("dc:source").text == address  # type: ignore[union-attr]
    assert opf.find("dc:description").text == "A keeper counts gulls — twice."  # type: ignore[union-attr]
    subjects = [subject.text for subject in opf.find_all("dc:subject")]
    for tag in ["Teen And Up Audiences", "Tidewater Chronicles", "Marin & Gull", "The Gull", "Fluff"]:
        assert tag in subjects


def test_epub_has_a_cover_with_title_creators_and_fandoms_and_passes_epubcheck(
    second_in_series: Work, tmp_path: Path
) -> None:
    content = build_epub(second_in_series)
    epubcheck(content, tmp_path)
    opf = package(content)
    cover_item = opf.find("item", properties="cover-image")
    assert isinstance(cover_item, Tag)
    first_page = opf.find("itemref")
    assert isinstance(first_page, Tag)
    assert first_page["idref"] == "cover"
    cover = BeautifulSoup(read(content, str(cover_item["href"])), "xml").get_text(" ")
    for expected in ["Salt &", "Lanterns:", "“A Story”", "by Quillfeather", "Tidewater Chronicles", "Lighthouse"]:
        assert expected in cover
    assert str(cover_item["href"]) in read(content, "cover.xhtml")


def test_a_long_japanese_title_wraps_on_the_cover_without_losing_characters(author: User) -> None:
    title = "灯台守はカモメを二度数えた海には一度では足りないと彼は言った長い長い物語"
    content = build_epub(make_rich_work(author, title=title, chapters=(CJK,), language="ja"))
    cover = BeautifulSoup(read(content, "cover.svg"), "xml")
    lines = [line.text for line in cover.find_all("text", class_="title")]
    assert len(lines) > 1
    assert "".join(lines) == title


def test_anonymous_work_says_anonymous_on_the_cover_and_names_no_series(author: User, tmp_path: Path) -> None:
    work = make_rich_work(author, title="המגדלור", chapters=(HEBREW,), language="he", anonymous=True)
    add_to_series(work, author, SERIES)
    content = build_epub(work)
    epubcheck(content, tmp_path)
    cover = read(content, "cover.svg")
    assert "by Anonymous" in cover
    assert author.username not in cover
    assert SERIES not in str(package(content))
    fields = ebook_meta(content, tmp_path, "epub")
    assert fields["Author(s)"] == "Anonymous"
    assert "Series" not in fields


def test_leaving_a_series_gives_a_fresh_download_without_it(
    second_in_series: Work, author: User, author_client: Client
) -> None:
    url = reverse("downloads:work", args=[second_in_series.pk, "epub"])
    before = b"".join(author_client.get(url).streaming_content)  # type: ignore[attr-defined]
    assert SERIES in str(package(before))
    remove_from_series(second_in_series.series_entries.get().series, second_in_series, author)
    after = b"".join(author_client.get(url).streaming_content)  # type: ignore[attr-defined]
    assert SERIES not in str(package(after))
