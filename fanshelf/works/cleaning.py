"""A work's and a chapter's fields as typed, checked and cleaned before anything is written.

Nothing here reads or writes the database, so the actions (works/actions.py) run it before their transaction
opens: cleaning a long chapter never holds the write lock that every other writer waits for. Raw text far over a
field's limit is refused before it is cleaned at all.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone

from fanshelf.accounts.models import AiDisclosure, Pseud, Reuse, User
from fanshelf.core.sanitize import TextTooComplex, sanitize_notes, sanitize_text
from fanshelf.core.wordcount import count_words, html_to_text
from fanshelf.tags.actions import clean_tag_name
from fanshelf.tags.models import USER_TYPES, TagType

MAX_TITLE = 255
MAX_SUMMARY = 1250
MAX_NOTES = 5000
MIN_CHAPTER = 10
MAX_CHAPTER = 510_000
MAX_USER_TAGS = 75
# Raw input longer than twice a field's limit plus this is refused before it is cleaned (see raw_limit).
RAW_SLACK = 1_000
# works.models.CommentPermission's values; this module stays free of models.
COMMENT_PERMISSIONS = ("anyone", "registered", "nobody")


@dataclass
class WorkFields:
    """What a creator fills in for a work. Tag lists hold names as typed."""

    title: str
    pseuds: Sequence[Pseud]
    rating: str
    warnings: Sequence[str]
    fandoms: Sequence[str]
    categories: Sequence[str] = ()
    relationships: Sequence[str] = ()
    characters: Sequence[str] = ()
    freeforms: Sequence[str] = ()
    summary: str = ""
    notes: str = ""
    end_notes: str = ""
    language: str = "en"
    restricted: bool = False
    anonymous: bool = False
    expected_chapters: int | None = 1
    published_on: datetime.date | None = None
    # None keeps what the work has (a new work: the site's default, core/switches.py), so imports need not say.
    comment_permission: str | None = None
    moderate_comments: bool | None = None
    # Reuse permissions (accounts.models.Reuse values) and the AI-use disclosure; None keeps what the work has (a new
    # work: its creator's preferences, User.reuse_*, and "none"), so imports and older forms need not say.
    reuse_podfic: str | None = None
    reuse_translation: str | None = None
    reuse_remix: str | None = None
    reuse_ai_training: str | None = None
    ai_disclosure: str | None = None


# The WorkFields (and Work, and User preference) names of the four reuse permissions.
REUSE_FIELDS = ("reuse_podfic", "reuse_translation", "reuse_remix", "reuse_ai_training")


@dataclass
class ChapterFields:
    content: str
    title: str = ""
    summary: str = ""
    notes: str = ""
    end_notes: str = ""
    published_on: datetime.date | None = None


@dataclass
class CleanWork:
    """A work's fields ready to write; its tags are found or made inside the write (works.actions)."""

    values: dict[str, object]
    tag_requests: list[tuple[str, str, str]] = field(default_factory=list)  # (name, type, form field)


def raw_limit(limit: int) -> int:
    """How long a field may be before cleaning. Cleaning adds markup (paragraphs, escapes, rel="nofollow") or
    removes it, so twice the stored limit plus some slack; anything longer is refused without being cleaned."""
    return 2 * limit + RAW_SLACK


def check_length(errors: dict[str, list[str]], name: str, value: str, limit: int, label: str) -> None:
    if len(value) > limit:
        errors.setdefault(name, []).append(f"{label} can be at most {limit:,} characters (it has {len(value):,}).")


def clean_line(errors: dict[str, list[str]], name: str, value: str, limit: int, label: str) -> str:
    """A one-line field with its runs of whitespace made single spaces."""
    if len(value) > raw_limit(limit):
        check_length(errors, name, value, limit, label)
        return ""
    line = " ".join(value.split())
    check_length(errors, name, line, limit, label)
    return line


def clean_html(
    errors: dict[str, list[str]], name: str, value: str, limit: int, label: str, sanitize: Callable[[str], str]
) -> str:
    """Sanitized text, or "" with an error under `name` when it is too long, before or after cleaning, or too
    complex to clean in time (core/sanitize.py)."""
    if len(value) > raw_limit(limit):
        check_length(errors, name, value, limit, label)
        return ""
    try:
        cleaned = sanitize(value)
    except TextTooComplex as error:
        errors.setdefault(name, []).extend(error.messages)
        return ""
    check_length(errors, name, cleaned, limit, label)
    return cleaned


# The earliest time zone: its date is the latest one anywhere on Earth (UTC+14, the Line Islands).
LATEST_ZONE_AHEAD = datetime.timedelta(hours=14)


def _check_date(errors: dict[str, list[str]], name: str, value: datetime.date | None) -> None:
    """A date is in the future only when it is nowhere today: a work dated today by a creator far east of UTC
    stays saveable by a co-creator far west of it, whose own today is still the day before."""
    if value is not None and value > (timezone.now() + LATEST_ZONE_AHEAD).date():
        errors.setdefault(name, []).append("The date can't be in the future.")


def clean_work(fields: WorkFields, user: User) -> CleanWork:
    """Validate and sanitize a work's fields. Reads nothing and writes nothing, so it runs before any transaction."""
    errors: dict[str, list[str]] = {}
    title = clean_line(errors, "title", fields.title, MAX_TITLE, "Title")
    if not title and "title" not in errors:
        errors["title"] = ["A work needs a title."]
    summary = clean_html(errors, "summary", fields.summary, MAX_SUMMARY, "Summary", sanitize_notes)
    notes = clean_html(errors, "notes", fields.notes, MAX_NOTES, "Notes", sanitize_notes)
    end_notes = clean_html(errors, "end_notes", fields.end_notes, MAX_NOTES, "End notes", sanitize_notes)
    _check_date(errors, "published_on", fields.published_on)
    if not fields.pseuds:
        errors["pseuds"] = ["Choose at least one of your pseuds."]
    elif any(p.user_id != user.pk for p in fields.pseuds):
        errors["pseuds"] = ["You can only post under your own pseuds."]
    if fields.comment_permission not in (None, *COMMENT_PERMISSIONS):
        errors["comment_permission"] = ["Choose who may comment: anyone, registered users only, or nobody."]
    if fields.expected_chapters is not None and fields.expected_chapters < 1:
        errors["expected_chapters"] = ["The expected chapter count must be at least 1, or ? when unknown."]
    tag_requests = _check_tags(fields, errors)
    _check_reuse(fields, errors)
    if errors:
        raise ValidationError(errors)
    values: dict[str, object] = {
        "title": title,
        "summary": summary,
        "notes": notes,
        "end_notes": end_notes,
        "language": fields.language,
        "restricted": fields.restricted,
        "anonymous": fields.anonymous,
        "expected_chapters": fields.expected_chapters,
    }
    if fields.comment_permission is not None:
        values["comment_permission"] = fields.comment_permission
    if fields.moderate_comments is not None:
        values["moderate_comments"] = fields.moderate_comments
    for name in (*REUSE_FIELDS, "ai_disclosure"):
        if getattr(fields, name) is not None:
            values[name] = getattr(fields, name)
    return CleanWork(values=values, tag_requests=tag_requests)


def _check_reuse(fields: WorkFields, errors: dict[str, list[str]]) -> None:
    for name in REUSE_FIELDS:
        if getattr(fields, name) not in (None, *Reuse.values):
            errors[name] = ["Choose yes, ask me first, or no."]
    if fields.ai_disclosure not in (None, *AiDisclosure.values):
        errors["ai_disclosure"] = ["Choose whether AI was used: not at all, to assist, or to generate the work."]


def _check_tags(fields: WorkFields, errors: dict[str, list[str]]) -> list[tuple[str, str, str]]:
    """Every tag the form names as (name, type, form field), with what can be checked without the database."""
    requests: list[tuple[str, str, str]] = []
    for tag_type, key, names in (
        (TagType.RATING, "rating", [fields.rating] if fields.rating else []),
        (TagType.WARNING, "warnings", fields.warnings),
        (TagType.CATEGORY, "categories", fields.categories),
        (TagType.FANDOM, "fandoms", fields.fandoms),
        (TagType.RELATIONSHIP, "relationships", fields.relationships),
        (TagType.CHARACTER, "characters", fields.characters),
        (TagType.FREEFORM, "freeforms", fields.freeforms),
    ):
        requests.extend((name, tag_type, key) for name in names if name.strip())
    if not fields.rating:
        errors["rating"] = ["Choose a rating."]
    if not fields.warnings:
        errors["warnings"] = ["Choose at least one archive warning."]
    user_tag_count = sum(1 for _, tag_type, _ in requests if tag_type in USER_TYPES)
    if not any(name.strip() for name in fields.fandoms):
        errors["fandoms"] = ["Add at least one fandom."]
    if user_tag_count > MAX_USER_TAGS:
        errors.setdefault("freeforms", []).append(
            f"A work can have at most {MAX_USER_TAGS} fandom, relationship, character and additional tags "
            f"in all (it has {user_tag_count})."
        )
        return requests
    for name, _, key in requests:
        try:
            clean_tag_name(name)
        except ValidationError as error:
            errors.setdefault(key, []).extend(error.messages)
    return requests


def clean_chapter(fields: ChapterFields) -> dict[str, object]:
    """Validate and sanitize a chapter and count its words, before any transaction."""
    errors: dict[str, list[str]] = {}
    content = clean_html(errors, "content", fields.content, MAX_CHAPTER, "Chapter text", sanitize_text)
    if "content" not in errors and len(" ".join(html_to_text(content).split())) < MIN_CHAPTER:
        errors["content"] = [f"Chapter text must be at least {MIN_CHAPTER} characters long."]
    title = clean_line(errors, "chapter_title", fields.title, MAX_TITLE, "Chapter title")
    summary = clean_html(errors, "chapter_summary", fields.summary, MAX_SUMMARY, "Chapter summary", sanitize_notes)
    notes = clean_html(errors, "chapter_notes", fields.notes, MAX_NOTES, "Chapter notes", sanitize_notes)
    end_notes = clean_html(
        errors, "chapter_end_notes", fields.end_notes, MAX_NOTES, "Chapter end notes", sanitize_notes
    )
    _check_date(errors, "chapter_published_on", fields.published_on)
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "summary": summary,
        "notes": notes,
        "end_notes": end_notes,
        "content": content,
        "published_on": fields.published_on,
        "word_count": count_words(content),
    }
