"""A download carries its work's reuse permissions (issue 11): the title page states them and the AI-use
disclosure, the EPUB's package metadata holds the TDM reservation (and still passes epubcheck), and the file is
served with the same `tdm-reservation` header as the work's pages."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.downloads.builders import FORMATS
from fanshelf.downloads.document import work_document
from fanshelf.works.models import Work
from tests.downloads.conftest import HEBREW, epubcheck, make_rich_work
from tests.factories import make_work

PERMISSIONS = "Podfic: yes · Translation: ask first · Remix: no · AI training: no"


def _epub(work: Work) -> bytes:
    work.refresh_from_db()
    return FORMATS["epub"].build(work_document(work, offline=True))


def _package(content: bytes) -> BeautifulSoup:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return BeautifulSoup(archive.read("EPUB/content.opf"), "xml")


def _preface(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("EPUB/preface.xhtml").decode()


def test_an_epub_of_a_reserved_work_carries_the_reservation_and_passes_epubcheck(author: User, tmp_path: Path) -> None:
    work = make_rich_work(author, reuse_remix="no", ai_disclosure="assisted")
    content = _epub(work)
    package = _package(content)
    assert "tdm: http://www.w3.org/ns/tdmrep#" in str(package.find("package")["prefix"])  # type: ignore[index]
    reservation = package.find("meta", attrs={"property": "tdm:reservation"})
    assert reservation is not None
    assert reservation.get_text() == "1"
    rights = package.find("rights")
    assert rights is not None
    assert rights.get_text() == f"{PERMISSIONS}. AI use: AI-assisted."
    preface = " ".join(_preface(content).split())
    assert f"<dt>Permissions:</dt> <dd>{PERMISSIONS}</dd>" in preface
    assert "<dt>AI use:</dt> <dd>AI-assisted</dd>" in preface
    epubcheck(content, tmp_path)


def test_an_epub_of_a_work_open_to_ai_training_says_so_and_passes_epubcheck(author: User, tmp_path: Path) -> None:
    work = make_rich_work(author, chapters=(HEBREW,), language="he", reuse_ai_training="yes")
    content = _epub(work)
    reservation = _package(content).find("meta", attrs={"property": "tdm:reservation"})
    assert reservation is not None
    assert reservation.get_text() == "0"
    epubcheck(content, tmp_path)


def test_the_html_download_states_the_permissions_and_reserves_ai_training_in_its_head(author: User) -> None:
    work = make_work(author, reuse_remix="no")
    work.refresh_from_db()
    page = BeautifulSoup(FORMATS["html"].build(work_document(work, offline=False)).decode(), "html.parser")
    assert page.select_one('head meta[name="robots"]')["content"] == "noai, noimageai"  # type: ignore[index]
    assert page.select_one('head meta[name="tdm-reservation"]')["content"] == "1"  # type: ignore[index]
    assert PERMISSIONS in page.get_text()
    assert "No AI used" in page.get_text()


@pytest.mark.parametrize(("answer", "reserved"), [("no", True), ("ask", True), ("yes", False)])
def test_a_download_is_served_with_the_reservation_header_of_its_work(
    author: User, guest: Client, answer: str, reserved: bool
) -> None:
    work = make_work(author, reuse_ai_training=answer)
    response = guest.get(reverse("downloads:work", args=[work.pk, "html"]))
    assert response.status_code == 200
    assert (response.get("tdm-reservation") == "1") is reserved
    assert ("noai" in response.get("X-Robots-Tag", "")) is reserved
