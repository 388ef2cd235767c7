"""Importing a file as a work: parse it, merge what the file says with what the person importing chose, and
create the work and its chapters through works.actions, all in one transaction (nothing is saved on failure)."""

from __future__ import annotations

import datetime
import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError

from fanshelf.accounts.models import Pseud, User
from fanshelf.imports.parsers import ParsedChapter, ParsedWork, UnreadableFile, parse_file
from fanshelf.tags.models import RATINGS, WARNINGS
from fanshelf.works.actions import ChapterFields, WorkFields, create_work
from fanshelf.works.models import Work

DEFAULT_RATING = "Not Rated"
DEFAULT_WARNING = "Creator Chose Not To Use Archive Warnings"
_RATING_NAMES = {name.casefold(): name for name in RATINGS}
_WARNING_NAMES = {name.casefold(): name for name in WARNINGS}


@dataclass
class ImportChoices:
    """What the person importing chose. Anything left empty is taken from the file, then from the defaults."""

    title: str = ""
    pseuds: Sequence[Pseud] = ()
    rating: str = ""
    warnings: Sequence[str] = ()
    categories: Sequence[str] = ()
    fandoms: Sequence[str] = ()
    relationships: Sequence[str] = ()
    characters: Sequence[str] = ()
    freeforms: Sequence[str] = ()
    summary: str = ""
    notes: str = ""
    end_notes: str = ""
    language: str = ""
    restricted: bool = False
    anonymous: bool = False
    published_on: datetime.date | None = None
    expected_chapters: int | None = 0  # 0: count the chapters in the file; None: unknown


def title_from_file_name(name: str) -> str:
    """The fallback title for a file that names none: "the_long_tide.txt" becomes "the long tide"."""
    return " ".join(PurePath(name).stem.replace("_", " ").split())


def _named(name: str, known: dict[str, str]) -> str:
    # Fixed tags match ignoring case, so "mature" on the command line means "Mature".
    return known.get(name.strip().casefold(), name)


def _credit_note(parsed: ParsedWork, pseuds: Sequence[Pseud]) -> str:
    """Creators named by the file are kept as plain names when they are not the importer's own pseuds."""
    # A download names a pseud as the archive shows it: "Name", or "Name (username)" when they differ.
    own = {name.casefold() for pseud in pseuds for name in (pseud.name, str(pseud))}
    others = [name for name in parsed.creators if name.casefold() not in own]
    if not parsed.creators or not others:
        return ""
    return f"<p>Imported from a file by {html.escape(', '.join(parsed.creators))}.</p>"


def work_fields_for(user: User, parsed: ParsedWork, choices: ImportChoices, file_name: str) -> WorkFields:
    """Choices win over the file, the file over the defaults (rating Not Rated, warning "Creator Chose...")."""
    pseuds = list(choices.pseuds) or [user.default_pseud()]
    expected = choices.expected_chapters if choices.expected_chapters != 0 else parsed.expected_chapters
    if expected == 0 or (expected is not None and expected < len(parsed.chapters)):
        expected = len(parsed.chapters)
    notes = choices.notes or (_credit_note(parsed, pseuds) + parsed.notes)
    return WorkFields(
        title=choices.title or parsed.title or title_from_file_name(file_name),
        pseuds=pseuds,
        rating=_named(choices.rating or parsed.rating or DEFAULT_RATING, _RATING_NAMES),
        warnings=[_named(name, _WARNING_NAMES) for name in (choices.warnings or parsed.warnings or [DEFAULT_WARNING])],
        categories=list(choices.categories or parsed.categories),
        fandoms=list(choices.fandoms or parsed.fandoms),
        relationships=list(choices.relationships or parsed.relationships),
        characters=list(choices.characters or parsed.characters),
        freeforms=list(choices.freeforms or parsed.freeforms),
        summary=choices.summary or parsed.summary,
        notes=notes,
        end_notes=choices.end_notes or parsed.end_notes,
        language=choices.language or parsed.language or "en",
        restricted=choices.restricted,
        anonymous=choices.anonymous,
        expected_chapters=expected,
        published_on=choices.published_on or parsed.published_on,
    )


def _chapter_fields(chapter: ParsedChapter, published_on: datetime.date | None) -> ChapterFields:
    return ChapterFields(
        content=chapter.text, title=chapter.title, summary=chapter.summary, notes=chapter.notes,
        end_notes=chapter.end_notes, published_on=published_on,
    )  # fmt: skip


def import_parsed_work(user: User, parsed: ParsedWork, choices: ImportChoices, post: bool, file_name: str) -> Work:
    """Create a work from a parsed file: posted at once or saved as a draft, with every chapter in order. One
    action, so every chapter is cleaned before the write and a bad chapter leaves nothing saved."""
    if not parsed.chapters:
        raise ValidationError({"file": ["The file has no chapters in it."]})
    fields = work_fields_for(user, parsed, choices, file_name)
    first, *rest = (_chapter_fields(chapter, fields.published_on) for chapter in parsed.chapters)
    work = create_work(user, fields, first, post=post, more_chapters=rest)
    work.refresh_from_db()
    return work


class AlreadyImported(Exception):
    """The creator already has a work of this title: a resumed bulk import skips the file."""

    def __init__(self, work: Work) -> None:
        super().__init__(f"Already imported as “{work.title}”.")
        self.work = work


def import_file(
    user: User, file_name: str, data: bytes, choices: ImportChoices, post: bool, skip_existing: bool = False
) -> Work:
    """Parse and import one file; an unreadable file raises ValidationError keyed "file", and nothing is saved.

    With `skip_existing`, a file whose work (same title, same creator) is already here raises AlreadyImported, so
    an interrupted bulk import can be run again to finish.
    """
    try:
        parsed = parse_file(file_name, data)
    except UnreadableFile as error:
        raise ValidationError({"file": [str(error)]}) from None
    except RecursionError:
        raise ValidationError({"file": ["The file is nested too deeply to read."]}) from None
    if skip_existing:
        title = " ".join((choices.title or parsed.title or title_from_file_name(file_name)).split())
        existing = Work.objects.filter(title=title, creatorships__pseud__user=user).first()
        if existing is not None:
            raise AlreadyImported(existing)
    return import_parsed_work(user, parsed, choices, post=post, file_name=file_name)
