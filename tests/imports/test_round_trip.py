"""A work downloaded from Fanshelf imports back as the same work: every field a reader sees, in every format the
importer reads (EPUB and HTML), for a left-to-right and a right-to-left work."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.actions import PseudFields, create_pseud
from fanshelf.accounts.models import Pseud, User
from fanshelf.core.wordcount import html_to_text
from fanshelf.imports.actions import ImportChoices, import_file
from fanshelf.imports.parsers import UnreadableFile, parse_file
from fanshelf.tags.models import TagType
from fanshelf.works.actions import ChapterFields, WorkFields, add_chapter, create_work
from fanshelf.works.models import Chapter, Work
from fanshelf.works.series import add_to_series
from tests.factories import make_work

pytestmark = pytest.mark.django_db

PUBLISHED = datetime.date(2019, 3, 14)
TAG_TYPES = [
    TagType.RATING, TagType.WARNING, TagType.CATEGORY, TagType.FANDOM, TagType.RELATIONSHIP, TagType.CHARACTER,
    TagType.FREEFORM,
]  # fmt: skip
HEBREW = "<p>נוגה ספרה את הגלים פעמיים, כי „פעם אחת” לא הספיקה לים.</p><p>היא אמרה: ״עוד מעט נגיע״ — והאור כבה.</p>"
JAPANESE = (
    "<p>月影の庭で、彼女は「潮が満ちる前に帰る」と言った。</p>"
    "<p>灯台守は、<em>二度</em>カモメを数えた…</p><p>등대지기는 갈매기를 두 번 셌다.</p>"
)
ENGLISH = (
    "<p>“Curly quotes,” she said — with an em dash – an en dash, and an ellipsis… ‘Single’ too.</p>\n"
    "<p>Nothing <strong>broke</strong>, <s>not even this</s>, nor x² + y₂ & <a href='/works/1'>a link</a>.</p>\n"
    "<blockquote><p>A quoted letter, signed <em>Marin</em>.</p></blockquote><ul><li>One</li><li>Two</li></ul>"
)


def make_round_trip_work(author: User, language: str, pseud: Pseud | None = None) -> Work:
    """A posted, backdated work with several tags of each type and notes everywhere, through the real actions."""
    fields = WorkFields(
        title="月影の庭で — “Moonlit” ‘Garden’ של נוגה",
        pseuds=[pseud or author.default_pseud()],
        rating="Mature",
        warnings=["Major Character Death", "Graphic Depictions Of Violence"],
        categories=["Multi", "F/F"],
        fandoms=["Tidewater Chronicles", "月影 (Anime)"],
        relationships=["Noga/Marin", "Marin & The Gull"],
        characters=["Noga", "Marin", "水野 月"],
        freeforms=["Found Family", "Angst with a Happy Ending", "ים ואור"],
        summary="<p>A keeper counts the gulls — <em>twice</em>. 潮が満ちる。 „הים”.</p>",
        notes="<p>Thanks to “Anne”, my beta reader.</p>",
        end_notes="<p>Comments are love; תודה רבה.</p>",
        language=language,
        expected_chapters=4,
        published_on=PUBLISHED,
    )
    first = ChapterFields(
        content=HEBREW, title="הספירה הראשונה", summary="<p>Waves.</p>", notes="<p>Notes one.</p>",
        end_notes="<p>End one.</p>", published_on=PUBLISHED,
    )  # fmt: skip
    work = create_work(author, fields, first, post=True)
    second = ChapterFields(
        content=JAPANESE, title="潮の歌", notes="<p>「注」二つ目。</p>", end_notes="<p>End two.</p>",
        published_on=datetime.date(2019, 4, 2),
    )  # fmt: skip
    add_chapter(work, second, post=True)
    add_chapter(work, ChapterFields(content=ENGLISH, published_on=datetime.date(2019, 5, 20)), post=True)
    work.refresh_from_db()
    return work


def downloaded(client: Client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def download(client: Client, work: Work, format_name: str) -> bytes:
    return downloaded(client, reverse("downloads:work", args=[work.pk, format_name]))


def visible(markup: str) -> str:
    """The text a reader sees, whitespace-normalised."""
    return " ".join(html_to_text(markup, separator="").split())


def tag_names(work: Work) -> dict[str, list[str]]:
    return {tag_type: [tag.name for tag in work.tags_by_type.get(tag_type, [])] for tag_type in TAG_TYPES}


def chapters_of(work: Work) -> list[dict[str, str]]:
    chapters = Chapter.objects.filter(work=work, posted=True).order_by("position")
    return [
        {
            "title": chapter.title,
            "summary": visible(chapter.summary),
            "notes": visible(chapter.notes),
            "end_notes": visible(chapter.end_notes),
            "text": visible(chapter.content),
        }
        for chapter in chapters
    ]


@pytest.fixture(autouse=True)
def _downloads_in_tmp(settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    cache.clear()


@pytest.mark.parametrize("language", ["he", "ja"])
@pytest.mark.parametrize("format_name", ["epub", "html"])
def test_a_fanshelf_download_imports_back_as_the_same_work(
    format_name: str, language: str, author: User, author_client: Client
) -> None:
    original = make_round_trip_work(author, language)
    data = download(author_client, original, format_name)

    copy = import_file(author, f"download.{format_name}", data, ImportChoices(), post=True)

    assert copy.pk != original.pk
    assert copy.posted
    assert copy.title == original.title
    assert copy.creator_pseuds == [author.default_pseud()]
    assert copy.language == language
    assert tag_names(copy) == tag_names(original)
    assert all(tag_names(copy).values())
    assert copy.summary == original.summary
    assert copy.notes == original.notes  # the importer is the creator: no "Imported from a file by" note
    assert copy.end_notes == original.end_notes
    assert copy.published_on == PUBLISHED
    assert copy.chapter_display == "3/4"
    assert chapters_of(copy) == chapters_of(original)
    assert [c["title"] for c in chapters_of(copy)] == ["הספירה הראשונה", "潮の歌", ""]


@pytest.mark.parametrize("format_name", ["epub", "html"])
def test_someone_else_importing_a_download_keeps_its_creator_as_a_plain_name(
    format_name: str, author: User, author_client: Client, reader: User
) -> None:
    original = make_round_trip_work(author, "en")
    data = download(author_client, original, format_name)

    assert parse_file(f"download.{format_name}", data).creators == [str(author.default_pseud())]
    copy = import_file(reader, f"download.{format_name}", data, ImportChoices(), post=True)

    assert copy.creator_pseuds == [reader.default_pseud()]
    assert copy.notes == f"<p>Imported from a file by {author.username}.</p>{original.notes}"


def test_a_creator_importing_their_download_under_another_pseud_gets_no_credit_note(
    author: User, author_client: Client
) -> None:
    pseud = create_pseud(author, PseudFields(name="Tide Singer"))
    original = make_round_trip_work(author, "en", pseud)
    data = download(author_client, original, "epub")

    assert parse_file("download.epub", data).creators == [f"Tide Singer ({author.username})"]
    copy = import_file(author, "download.epub", data, ImportChoices(pseuds=[pseud]), post=True)

    assert copy.creator_pseuds == [pseud]
    assert copy.notes == original.notes


def test_a_series_download_is_refused_with_a_message_saying_what_to_import(author: User, author_client: Client) -> None:
    series = add_to_series(make_round_trip_work(author, "en"), author, "Tides")
    data = downloaded(author_client, reverse("downloads:series", args=[series.pk]))

    with pytest.raises(UnreadableFile, match="import each work's own download"):
        parse_file("series.epub", data)


def test_text_that_borrows_the_downloads_class_names_stays_in_the_chapter(author: User, author_client: Client) -> None:
    text = (
        '<blockquote class="notes"><p>A letter, quoted.</p></blockquote>'
        '<div class="chapter-text"><p>Inner words.</p></div><h2 class="heading">Not a chapter</h2>'
    )
    original = make_work(author, chapters=[text, "<p>The second chapter.</p>"])
    data = download(author_client, original, "html")

    copy = import_file(author, "download.html", data, ImportChoices(), post=True)

    assert chapters_of(copy) == chapters_of(original)
    assert chapters_of(copy)[0]["notes"] == ""
