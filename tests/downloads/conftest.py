"""Works written to stress downloads (typography, scripts, markup, notes) and the tools that read files back."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from django.core.cache import cache
from django.db import connection

from fanshelf.accounts.models import User
from fanshelf.core.wordcount import html_to_text
from fanshelf.works.actions import ChapterFields, WorkFields, add_chapter, create_work
from fanshelf.works.models import Work
from tests.tools import require_tool

TYPOGRAPHY = (
    "<p>“Curly quotes,” she said — with an em dash – an en dash, and an ellipsis… ‘Single’ too.</p>\n"
    "<p>Well-known words didn’t <em>break</em>, <strong>nor</strong> did <s>this</s> or x² + y₂.</p>\n"
    '<p align="center">Centred, with a <a href="/works/1">relative link</a> and <a href="#note">a note</a>.</p>\n'
    '<center>An old centre tag</center><p>An image: <img src="https://images.example.org/lantern.png" alt="">'
    "here.</p>\n"
    '<ul><li>One</li><li>Two &amp; three</li></ul><ol start="3"><li>Third</li></ol>\n'
    '<table border="1" summary="old"><tr><td width="40" valign="top">Cell</td><td>Ce&lt;ll&gt;</td></tr></table>\n'
    '<blockquote><p>Quoted <tt>type</tt> and <big>big</big> <acronym title="x">AC</acronym>.</p></blockquote>\n'
    "<details><summary>Spoiler</summary><p>Hidden text.</p></details>\n"
    "<p>Broken nesting: <span><p>para in span</p></span></p><ul><p>para in list</p>loose text</ul>"
)
# Markup the sanitizer allows but whose content models e-readers reject unless repaired (found by fuzzing).
ODD_MARKUP = (
    "<p>Ruby: <ruby>漢<rp>(</rp><rt>かん</rt><rp>)</rp>字</ruby> and <ruby><rt>no base</rt></ruby>.</p>"
    "<dl><dd>a description first</dd><dt>a term last</dt></dl>"
    "<p><dfn>outer <dfn>inner</dfn></dfn> <a href='https://example.org/'>link <a href='/x'>in link</a></a></p>"
    "<table><tr><th><h2>heading in a header cell</h2></th></tr></table>"
    "<address>Address <address>in address</address></address>"
    "<figure><p>figure body</p><figcaption>caption last</figcaption></figure>"
    "<ul><li value='3'>valued</li></ul><ol type='x' start='two'><li>odd attributes</li></ol>"
    "<h2>A heading <p>with a paragraph</p></h2><pre>  preformatted\n    text  </pre>"
)
CJK = (
    "<p>灯台守はカモメを二度数えた。「海には一度では足りない」と彼は言った。</p><p>등대지기는 갈매기를 두 번 셌다.</p>"
)
HEBREW = "<p>שומר המגדלור ספר את השחפים פעמיים, כי פעם אחת לעולם לא הספיקה לים.</p>"
ARABIC = "<p>عدّ حارس المنارة النوارس مرتين، لأن مرة واحدة لم تكن كافية للبحر أبدًا.</p>"


def make_rich_work(
    author: User,
    *,
    title: str = "Salt & Lanterns: “A Story”",
    chapters: tuple[str, ...] = (TYPOGRAPHY, CJK),
    language: str = "en",
    **fields: object,
) -> Work:
    """A posted work with a summary, notes and end notes on the work and on each chapter, through the actions."""
    work_fields = WorkFields(
        title=title,
        pseuds=[author.default_pseud()],
        rating="Teen And Up Audiences",
        warnings=["No Archive Warnings Apply"],
        fandoms=["Tidewater Chronicles", "Lighthouse Keepers (Anime)"],
        categories=["Gen"],
        relationships=["Marin & Gull"],
        characters=["Marin", "The Gull"],
        freeforms=["Fluff", "Found Family"],
        summary="A keeper counts gulls — <em>twice</em>.",
        notes="Thanks to my beta reader “Anne”.",
        end_notes="Comments are love.",
        language=language,
        expected_chapters=len(chapters),
        **fields,  # type: ignore[arg-type]
    )
    first, *rest = chapters
    work = create_work(
        author,
        work_fields,
        ChapterFields(content=first, title="The First Count", summary="Gulls.", notes="Notes one.", end_notes="End."),
        post=True,
    )
    for number, text in enumerate(rest, start=2):
        add_chapter(work, ChapterFields(content=text, title=f"Count {number}", notes=f"Notes {number}."), post=True)
    work.refresh_from_db()
    return work


def normalized(text: str) -> str:
    return " ".join(text.split())


def html_text(markup: str) -> str:
    """The text a reader sees in a fragment of HTML, whitespace-normalised."""
    return normalized(html_to_text(markup, separator=""))


def posted_texts(work: Work) -> list[str]:
    return [html_text(chapter.content) for chapter in work.chapters.posted()]


def epub_pages(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist() if name.endswith(".xhtml")}


def epub_chapter_texts(content: bytes) -> list[str]:
    pages = epub_pages(content)
    chapters = sorted(name for name in pages if re.search(r"chapter-\d+\.xhtml$", name))
    texts = []
    for name in chapters:
        soup = BeautifulSoup(pages[name], "html.parser")
        body = soup.find("div", class_="chapter-text")
        assert isinstance(body, Tag)
        texts.append(html_text(body.decode_contents()))
    return texts


def html_chapter_texts(content: bytes) -> list[str]:
    soup = BeautifulSoup(content.decode(), "html.parser")
    # Not get_text(): BeautifulSoup leaves ruby annotations out of it.
    return [html_text(div.decode_contents()) for div in soup.find_all("div", class_="chapter-text")]


def pdf_text(content: bytes, tmp_path: Path) -> str:
    require_tool("pdftotext", "`make test-deps` installs Debian's poppler-utils")
    path = tmp_path / "work.pdf"
    path.write_bytes(content)
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return result.stdout.decode()


def epubcheck(content: bytes, tmp_path: Path) -> str:
    """Run Debian's epubcheck on the file; fail with its report when it finds any error. In the SQLite pass only
    (the test stops here, skipped, on PostgreSQL): the file is built from the same rows on both databases, and
    epubcheck's start-up is a few seconds of the suite's 20-minute budget each time."""
    if connection.vendor != "sqlite":
        pytest.skip("epubcheck runs in the SQLite pass: an EPUB is built the same from either database")
    found = require_tool("epubcheck", "`make test-deps` installs it")
    # Debian's epubcheck is a bare jar that needs binfmt support to run directly; java runs it anywhere. A short
    # run gains nothing from the optimizing compiler: stopping at the first tier halves its time.
    real = Path(found).resolve()
    java = ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar"]
    command = [*java, str(real)] if real.suffix == ".jar" else [str(real)]
    path = tmp_path / "work.epub"
    path.write_bytes(content)
    result = subprocess.run([*command, str(path)], capture_output=True, text=True, timeout=120)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "ERROR" not in report, report
    assert "FATAL" not in report, report
    return report


@pytest.fixture(autouse=True)
def _downloads_in_tmp(settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    cache.clear()  # failed Basic logins are counted in the cache
