"""Importing a parsed file: choices override the file, the file overrides defaults; all or nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from fanshelf.accounts.models import User
from fanshelf.imports.actions import ImportChoices, import_file
from fanshelf.tags.models import TagType
from fanshelf.works.models import Chapter, Work
from tests.imports.epubs import FIXTURES, ao3_epub

pytestmark = pytest.mark.django_db


def _names(work: Work, tag_type: str) -> list[str]:
    return [tag.name for tag in work.tags_by_type.get(tag_type, [])]


def test_an_ao3_download_becomes_a_posted_work_with_its_metadata_and_chapters(author: User) -> None:
    data = (FIXTURES / "ao3_two_chapters.html").read_bytes()
    work = import_file(author, "download.html", data, ImportChoices(), post=True)
    assert work.posted
    assert work.title == "The Glassblower’s Apprentice"
    assert _names(work, TagType.RATING) == ["Teen And Up Audiences"]
    assert _names(work, TagType.CATEGORY) == ["F/M", "Gen"]
    assert _names(work, TagType.RELATIONSHIP) == ["Maren Oakhollow/Tobiah Fenn", "Maren Oakhollow & Old Wick"]
    assert work.published_on == datetime.date(2021, 4, 3)
    assert work.chapter_display == "2/3"
    chapters = list(work.chapters.order_by("position"))
    assert [c.title for c in chapters] == ["The Cold Furnace", ""]
    assert all(c.posted and c.published_on == datetime.date(2021, 4, 3) for c in chapters)
    assert chapters[0].end_notes == "<p>More soon, I promise.</p>"
    assert work.end_notes == "<p>Chapter three is half-blown; it will cool in time.</p>"


def test_creators_named_by_the_file_are_kept_as_plain_names_in_the_notes(author: User) -> None:
    work = import_file(author, "oneshot.html", (FIXTURES / "ao3_oneshot_ja.html").read_bytes(), ImportChoices(), True)
    assert work.notes == "<p>Imported from a file by Hoshikuzu_Ame, Lantern_Moth.</p>"
    assert work.language == "ja"
    assert work.creator_pseuds == [author.default_pseud()]


def test_the_importers_own_ao3_download_gets_no_credit_note(author: User) -> None:
    data = (FIXTURES / "ao3_two_chapters.html").read_bytes().replace(b"Inkwell_Heron", author.username.encode())
    work = import_file(author, "mine.html", data, ImportChoices(), post=True)
    assert work.notes == "<p>Written for the “Small Crafts” challenge. Thanks to my beta!</p>"


def test_choices_override_what_the_file_says(author: User) -> None:
    choices = ImportChoices(
        title="My Title", rating="explicit", warnings=["major character death"], fandoms=["Other Fandom"],
        freeforms=["Mine"], summary="Mine too.", restricted=True, expected_chapters=None,
    )  # fmt: skip
    work = import_file(author, "salt.epub", ao3_epub(), choices, post=True)
    assert work.title == "My Title"
    assert _names(work, TagType.RATING) == ["Explicit"]
    assert _names(work, TagType.WARNING) == ["Major Character Death"]
    assert _names(work, TagType.FANDOM) == ["Other Fandom"]
    assert _names(work, TagType.FREEFORM) == ["Mine"]
    assert _names(work, TagType.CHARACTER) == ["Ilse Brackwater", "Noa Ketterin"]
    assert work.summary == "<p>Mine too.</p>"
    assert work.restricted
    assert work.expected_chapters is None


def test_a_draft_import_posts_nothing(author: User) -> None:
    work = import_file(author, "salt.epub", ao3_epub(), ImportChoices(), post=False)
    assert not work.posted
    assert not Chapter.objects.filter(work=work, posted=True).exists()
    assert work.chapters.count() == 2


def test_a_plain_file_without_a_title_is_named_after_the_file(author: User) -> None:
    data = b"A story with enough words in it."
    work = import_file(author, "the_long-tide.txt", data, ImportChoices(fandoms=["F"]), post=True)
    assert work.title == "the long-tide"


def test_a_bad_later_chapter_saves_nothing_at_all(author: User) -> None:
    data = (FIXTURES / "ao3_two_chapters.html").read_bytes()
    data = data.replace(b"Old Wick came with the bellows", b"x" * 520_000, 1)
    with pytest.raises(ValidationError) as raised:
        import_file(author, "long.html", data, ImportChoices(), post=True)
    assert "Chapter 2: Chapter text can be at most" in str(raised.value.message_dict["content"])
    assert Work.objects.count() == 0
    assert Chapter.objects.count() == 0


def test_an_unreadable_file_is_a_validation_error_on_the_file_field(author: User) -> None:
    with pytest.raises(ValidationError) as raised:
        import_file(author, "x.txt", "caf\xe9".encode("latin-1"), ImportChoices(fandoms=["F"]), post=True)
    assert list(raised.value.message_dict) == ["file"]
    assert Work.objects.count() == 0
