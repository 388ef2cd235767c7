"""Every write to works and chapters. Views, the CLI, imports and the API call these; none save models directly.

Validation lives here too, so every entry point gives the same clear errors (a ValidationError keyed by field).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from fanshelf.accounts.models import Pseud, User
from fanshelf.core.sanitize import sanitize_notes, sanitize_text
from fanshelf.core.wordcount import count_words, html_to_text
from fanshelf.tags.actions import find_or_create_tags
from fanshelf.tags.models import USER_TYPES, Tag, TagType
from fanshelf.works.models import Chapter, Creatorship, Hit, Work, WorkChange
from fanshelf.works.related import notify_parent_creators

MAX_TITLE = 255
MAX_SUMMARY = 1250
MAX_NOTES = 5000
MIN_CHAPTER = 10
MAX_CHAPTER = 510_000
MAX_USER_TAGS = 75


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


@dataclass
class ChapterFields:
    content: str
    title: str = ""
    summary: str = ""
    notes: str = ""
    end_notes: str = ""
    published_on: datetime.date | None = None


@dataclass
class _CleanWork:
    values: dict[str, object]
    tags: list[Tag] = field(default_factory=list)


def _check_length(errors: dict[str, list[str]], name: str, value: str, limit: int, label: str) -> None:
    if len(value) > limit:
        errors.setdefault(name, []).append(f"{label} can be at most {limit:,} characters (it has {len(value):,}).")


def _check_date(errors: dict[str, list[str]], name: str, value: datetime.date | None) -> None:
    if value is not None and value > timezone.localdate():
        errors.setdefault(name, []).append("The date can't be in the future.")


def _clean_work(fields: WorkFields, user: User) -> _CleanWork:
    errors: dict[str, list[str]] = {}
    title = " ".join(fields.title.split())
    if not title:
        errors["title"] = ["A work needs a title."]
    _check_length(errors, "title", title, MAX_TITLE, "Title")
    summary, notes, end_notes = (sanitize_notes(t) for t in (fields.summary, fields.notes, fields.end_notes))
    _check_length(errors, "summary", summary, MAX_SUMMARY, "Summary")
    _check_length(errors, "notes", notes, MAX_NOTES, "Notes")
    _check_length(errors, "end_notes", end_notes, MAX_NOTES, "End notes")
    _check_date(errors, "published_on", fields.published_on)
    if not fields.pseuds:
        errors["pseuds"] = ["Choose at least one of your pseuds."]
    elif any(p.user_id != user.pk for p in fields.pseuds):
        errors["pseuds"] = ["You can only post under your own pseuds."]
    if fields.expected_chapters is not None and fields.expected_chapters < 1:
        errors["expected_chapters"] = ["The expected chapter count must be at least 1, or ? when unknown."]
    tags = _clean_tags(fields, errors)
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
    return _CleanWork(values=values, tags=tags)


def _clean_tags(fields: WorkFields, errors: dict[str, list[str]]) -> list[Tag]:
    """Every tag the form names, found or made in one batch; errors keyed by the field that named them."""
    requests: list[tuple[str, str, str]] = []  # (name, type, form field)
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
    tags: list[Tag] = []
    for (_, _, key), result in zip(requests, find_or_create_tags([(n, t) for n, t, _ in requests]), strict=True):
        if isinstance(result, ValidationError):
            errors.setdefault(key, []).extend(result.messages)
        else:
            tags.append(result)
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
    unique: dict[int, Tag] = {tag.pk: tag for tag in tags}
    return list(unique.values())


def _clean_chapter(fields: ChapterFields) -> dict[str, object]:
    errors: dict[str, list[str]] = {}
    content = sanitize_text(fields.content)
    text_length = len(" ".join(html_to_text(content).split()))
    if text_length < MIN_CHAPTER:
        errors["content"] = [f"Chapter text must be at least {MIN_CHAPTER} characters long."]
    _check_length(errors, "content", content, MAX_CHAPTER, "Chapter text")
    title = " ".join(fields.title.split())
    _check_length(errors, "chapter_title", title, MAX_TITLE, "Chapter title")
    summary, notes, end_notes = (sanitize_notes(t) for t in (fields.summary, fields.notes, fields.end_notes))
    _check_length(errors, "chapter_summary", summary, MAX_SUMMARY, "Chapter summary")
    _check_length(errors, "chapter_notes", notes, MAX_NOTES, "Chapter notes")
    _check_length(errors, "chapter_end_notes", end_notes, MAX_NOTES, "Chapter end notes")
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


def _record_change(work: Work, kind: str) -> None:
    WorkChange.objects.create(work_id=work.pk, kind=kind)


def refresh_totals(work: Work) -> None:
    """Word, chapter and podfic-length totals come from posted chapters only."""
    posted = work.chapters.posted()
    work.word_count = posted.aggregate(words=Sum("word_count"))["words"] or 0
    work.posted_chapter_count = posted.count()
    # Chapters' audio files (the audio app's rows, reached by their relation name); a separate sum, as joining
    # them into the word sum would count a chapter's words once per file.
    audio = posted.aggregate(seconds=Sum("audio_files__duration_seconds"))["seconds"] or 0
    work.audio_seconds = round(audio)
    work.save(update_fields=["word_count", "posted_chapter_count", "audio_seconds", "edited_at"])


def _set_creators(work: Work, pseuds: Sequence[Pseud]) -> None:
    work.creatorships.exclude(pseud__in=pseuds).delete()
    for position, pseud in enumerate(pseuds):
        Creatorship.objects.update_or_create(work=work, pseud=pseud, defaults={"position": position})


def _mark_posted(work: Work, published_on: datetime.date | None) -> None:
    today = timezone.localdate()
    work.posted = True
    work.published_on = published_on or work.published_on or today
    work.revised_at = timezone.now()
    for chapter in work.chapters.filter(posted=False):
        chapter.posted = True
        chapter.published_on = chapter.published_on or work.published_on
        chapter.save(update_fields=["posted", "published_on", "edited_at"])


@transaction.atomic
def create_work(user: User, fields: WorkFields, chapter: ChapterFields, post: bool) -> Work:
    """A new work with its first chapter, posted at once or saved as a draft."""
    clean = _clean_work(fields, user)
    chapter_values = _clean_chapter(chapter)
    # A new work has nothing to reconcile, so each row is inserted once, totals included.
    work = Work(**clean.values, published_on=fields.published_on)
    if post:
        work.posted = True
        work.published_on = fields.published_on or timezone.localdate()
        work.revised_at = timezone.now()
        work.posted_chapter_count = 1
        work.word_count = int(chapter_values["word_count"])  # type: ignore[call-overload]
        chapter_values["published_on"] = chapter_values["published_on"] or work.published_on
    work.save()
    Work.tags.through.objects.bulk_create([Work.tags.through(work_id=work.pk, tag_id=tag.pk) for tag in clean.tags])
    Creatorship.objects.bulk_create(
        [Creatorship(work=work, pseud=pseud, position=position) for position, pseud in enumerate(fields.pseuds)]
    )
    Chapter.objects.create(work=work, position=1, posted=post, **chapter_values)
    _record_change(work, "created")
    return work


@transaction.atomic
def update_work(work: Work, user: User, fields: WorkFields, post: bool = False) -> Work:
    """Save edits to a work's metadata; `post` also posts a draft and its draft chapters."""
    clean = _clean_work(fields, user)
    for name, value in clean.values.items():
        setattr(work, name, value)
    if fields.published_on is not None:
        work.published_on = fields.published_on
    work.save()
    work.tags.set(clean.tags)
    _set_creators(work, fields.pseuds)
    if post and not work.posted:
        _mark_posted(work, fields.published_on)
        work.save()
        notify_parent_creators(work)
    refresh_totals(work)
    _record_change(work, "edited")
    return work


@transaction.atomic
def post_work(work: Work) -> Work:
    """Post a draft work and its chapters."""
    if not work.posted:
        _mark_posted(work, None)
        work.save()
        refresh_totals(work)
        _record_change(work, "posted")
        notify_parent_creators(work)
    return work


@transaction.atomic
def add_chapter(work: Work, fields: ChapterFields, post: bool) -> Chapter:
    """Append a chapter. Posting it moves the work's updated date; saving a draft chapter does not."""
    values = _clean_chapter(fields)
    last = work.chapters.order_by("-position").values_list("position", flat=True).first() or 0
    chapter = Chapter.objects.create(work=work, position=last + 1, **values)
    if post and work.posted:
        _post_chapter(work, chapter)
    refresh_totals(work)
    _record_change(work, "chapter_added")
    return chapter


def _post_chapter(work: Work, chapter: Chapter) -> None:
    chapter.posted = True
    chapter.published_on = chapter.published_on or timezone.localdate()
    chapter.save(update_fields=["posted", "published_on", "edited_at"])
    work.revised_at = timezone.now()
    posted_count = work.chapters.posted().count()
    if work.expected_chapters is not None and posted_count > work.expected_chapters:
        work.expected_chapters = posted_count
    work.save(update_fields=["revised_at", "expected_chapters", "edited_at"])


@transaction.atomic
def post_chapter(chapter: Chapter) -> Chapter:
    work = chapter.work
    if not work.posted:
        raise ValidationError("Post the work first; its draft chapters are posted with it.")
    if not chapter.posted:
        _post_chapter(work, chapter)
        refresh_totals(work)
        _record_change(work, "chapter_posted")
    return chapter


@transaction.atomic
def update_chapter(chapter: Chapter, fields: ChapterFields) -> Chapter:
    values = _clean_chapter(fields)
    if values["published_on"] is None:
        values["published_on"] = chapter.published_on
    for name, value in values.items():
        setattr(chapter, name, value)
    chapter.save()
    refresh_totals(chapter.work)
    _record_change(chapter.work, "chapter_edited")
    return chapter


@transaction.atomic
def reorder_chapters(work: Work, chapter_ids: Sequence[int]) -> None:
    """Put the work's chapters in the given order; the list must name each chapter exactly once."""
    chapters = {c.pk: c for c in work.chapters.all()}
    if sorted(chapter_ids) != sorted(chapters):
        raise ValidationError("List every chapter of the work exactly once.")
    for position, chapter_id in enumerate(chapter_ids, start=1):
        chapter = chapters[chapter_id]
        if chapter.position != position:
            chapter.position = position
            chapter.save(update_fields=["position"])
    _record_change(work, "chapters_reordered")


@transaction.atomic
def delete_chapter(chapter: Chapter) -> None:
    work = chapter.work
    if work.chapters.count() <= 1:
        raise ValidationError("A work needs at least one chapter; delete the work instead.")
    chapter.delete()
    for position, remaining in enumerate(work.chapters.order_by("position"), start=1):
        if remaining.position != position:
            remaining.position = position
            remaining.save(update_fields=["position"])
    refresh_totals(work)
    _record_change(work, "chapter_deleted")


@transaction.atomic
def delete_work(work: Work) -> None:
    _record_change(work, "deleted")
    work.delete()


@transaction.atomic
def set_hidden_by_moderator(work: Work, hidden: bool) -> None:
    work.hidden_by_moderator = hidden
    work.save(update_fields=["hidden_by_moderator", "edited_at"])
    _record_change(work, "hidden" if hidden else "unhidden")


def record_hit(work: Work, visitor: str, viewer: User | None) -> bool:
    """Count one hit per visitor per day, never the creator's own. Returns whether it counted."""
    if not work.posted or (viewer is not None and work.is_created_by(viewer)):
        return False
    with transaction.atomic():
        _, created = Hit.objects.get_or_create(work=work, visitor=visitor, day=timezone.localdate())
        if created:
            Work.objects.filter(pk=work.pk).update(hit_count=F("hit_count") + 1)
            WorkChange.objects.create(work_id=work.pk, kind="hit")  # listings sort and filter by hits
            work.hit_count += 1
    return created
