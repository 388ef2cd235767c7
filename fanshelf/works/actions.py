"""Every write to works and chapters. Views, the CLI, imports and the API call these; none save models directly.

Validation lives beside them (works/cleaning.py), so every entry point gives the same clear errors (a
ValidationError keyed by field). It runs before each action's transaction opens: only the writes hold the lock.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from fanshelf.accounts.models import Pseud, User
from fanshelf.core import switches
from fanshelf.core.audit import moderator_acted
from fanshelf.tags.actions import find_or_create_tags
from fanshelf.tags.models import Tag
from fanshelf.works.cleaning import MAX_CHAPTER as MAX_CHAPTER
from fanshelf.works.cleaning import MAX_NOTES as MAX_NOTES
from fanshelf.works.cleaning import MAX_SUMMARY as MAX_SUMMARY
from fanshelf.works.cleaning import MAX_TITLE as MAX_TITLE
from fanshelf.works.cleaning import REUSE_FIELDS, clean_chapter, clean_work
from fanshelf.works.cleaning import ChapterFields as ChapterFields
from fanshelf.works.cleaning import WorkFields as WorkFields
from fanshelf.works.cleaning import check_length as check_length
from fanshelf.works.models import Chapter, Creatorship, Work, WorkChange, WorkTag
from fanshelf.works.related import notify_parent_creators


def _resolve_tags(requests: list[tuple[str, str, str]]) -> list[Tag]:
    """The tags named, found or made in one batch inside the write; a name of the wrong type is refused here."""
    errors: dict[str, list[str]] = {}
    tags: list[Tag] = []
    for (_, _, key), result in zip(requests, find_or_create_tags([(n, t) for n, t, _ in requests]), strict=True):
        if isinstance(result, ValidationError):
            errors.setdefault(key, []).extend(result.messages)
        else:
            tags.append(result)
    if errors:
        raise ValidationError(errors)
    unique: dict[int, Tag] = {tag.pk: tag for tag in tags}
    return list(unique.values())


def _set_tags(work: Work, tags: list[Tag]) -> None:
    """The work's tags, each at the place its creator typed it (a reordering alone is a change too)."""
    typed = {tag.pk: position for position, tag in enumerate(tags)}
    links = list(WorkTag.objects.filter(work=work))
    WorkTag.objects.filter(pk__in=[link.pk for link in links if link.tag_id not in typed]).delete()
    moved = [link for link in links if link.tag_id in typed and link.position != typed[link.tag_id]]
    for link in moved:
        link.position = typed[link.tag_id]
    WorkTag.objects.bulk_update(moved, ["position"])
    present = {link.tag_id for link in links}
    WorkTag.objects.bulk_create(
        [
            WorkTag(work=work, tag_id=tag_id, position=position)
            for tag_id, position in typed.items()
            if tag_id not in present
        ]
    )


def _record_change(work: Work, kind: str) -> None:
    WorkChange.objects.create(work_id=work.pk, kind=kind)


def _announce_first_posting(work: Work) -> None:
    """Tell the apps above (spam scoring) inside the transaction that posts the work, so what they do to it (hide
    it pending review) commits with the posting or not at all. Sent before the parents' creators are told of it,
    so they are not told of a work held as spam."""
    # Imported here: works.signals imports the actions.
    from fanshelf.works.signals import work_first_posted

    work_first_posted.send(sender=Work, work=work)


def refresh_totals(work: Work) -> None:
    """Re-derive what comes from a work's chapters: word, chapter and podfic-length totals from its posted
    chapters, and its updated date from the latest of their dates. Every action that changes chapters calls this.

    A draft counts the words of all its chapters, so its creator sees how long it is before posting it.
    """
    posted = work.chapters.posted()
    counted = posted if work.posted else work.chapters.all()
    work.word_count = counted.aggregate(words=Sum("word_count"))["words"] or 0
    work.posted_chapter_count = posted.count()
    # Chapters' audio files (the audio app's rows, reached by their relation name); a separate sum, as joining
    # them into the word sum would count a chapter's words once per file.
    audio = posted.aggregate(seconds=Sum("audio_files__duration_seconds"))["seconds"] or 0
    work.audio_seconds = round(audio)
    work.revised_at = _revised_at(work, posted.aggregate(latest=Max("published_on"))["latest"])
    work.save(update_fields=["word_count", "posted_chapter_count", "audio_seconds", "revised_at", "edited_at"])


def _revised_at(work: Work, latest: datetime.date | None) -> datetime.datetime | None:
    """The updated date: the day of the latest posted chapter, so a backdated work sorts and filters by its own
    dates. Within that day the time already stored is kept (works updated the same day keep the order they were
    updated in); a new day is now when it is today, else the start of that day in the site's time zone."""
    if latest is None:
        return work.revised_at  # no posted chapter: a draft, which has no updated date yet
    if work.revised_at is not None and timezone.localdate(work.revised_at) == latest:
        return work.revised_at
    if latest >= timezone.localdate():
        return timezone.now()
    return datetime.datetime.combine(latest, datetime.time.min, tzinfo=timezone.get_current_timezone())


def _set_creators(work: Work, user: User, pseuds: Sequence[Pseud]) -> None:
    """The editing person's own pseuds on the work become `pseuds`, in the place their first one held; co-creators
    who accepted an invitation (works/sharing.py) keep their credit and their order."""
    work.creatorships.filter(pseud__user=user).exclude(pseud__in=pseuds).delete()
    others = list(work.creatorships.exclude(pseud__user=user).order_by("position", "pk"))
    mine = work.creatorships.filter(pseud__user=user).order_by("position").values_list("position", flat=True)
    place = next(iter(mine), None)
    at = len(others) if place is None else sum(1 for c in others if c.position < place)
    ordered = [c.pseud for c in others[:at]] + list(pseuds) + [c.pseud for c in others[at:]]
    for position, pseud in enumerate(ordered):
        Creatorship.objects.update_or_create(work=work, pseud=pseud, defaults={"position": position})


def _mark_posted(work: Work, published_on: datetime.date | None) -> None:
    """Post the work and its draft chapters; the caller saves the work's _POSTED_FIELDS, then refresh_totals
    derives the updated date from the chapters' dates."""
    today = timezone.localdate()
    work.posted = True
    work.published_on = published_on or work.published_on or today
    for chapter in work.chapters.filter(posted=False):
        chapter.posted = True
        chapter.published_on = chapter.published_on or work.published_on
        chapter.save(update_fields=["posted", "published_on", "edited_at"])


# Saves of existing rows name their fields: a full-row save would write back the kudos and hit counts read
# before, undoing F() increments other requests made meanwhile.
_POSTED_FIELDS = ["posted", "published_on", "revised_at", "edited_at"]


def create_work(
    user: User,
    fields: WorkFields,
    chapter: ChapterFields,
    post: bool,
    then: Callable[[Work], object] | None = None,
    more_chapters: Sequence[ChapterFields] = (),
) -> Work:
    """A new work with its first chapter (and, for imports, `more_chapters` after it), posted at once or saved as
    a draft.

    Text is cleaned before the transaction opens, so no other writer waits on it. `then` runs inside the
    transaction once the work exists (the form's parent citation and series); a ValidationError there undoes all.
    """
    clean = clean_work(fields, user)
    chapter_values = clean_chapter(chapter)
    more_values = [_clean_numbered_chapter(extra, number) for number, extra in enumerate(more_chapters, start=2)]
    with transaction.atomic():
        tags = _resolve_tags(clean.tag_requests)
        # A new work has nothing to reconcile, so each row is inserted once, totals included.
        work = Work(**clean.values, published_on=fields.published_on)
        if fields.comment_permission is None:
            work.comment_permission = switches.current().comment_permission_for_new_works()
        for name in REUSE_FIELDS:  # not given (an import, an older form): the creator's preferences
            if getattr(fields, name) is None:
                setattr(work, name, getattr(user, name))
        # A draft counts its words too, so its creator sees them (refresh_totals).
        work.word_count = int(chapter_values["word_count"])  # type: ignore[call-overload]
        if post:
            work.posted = True
            # The first chapter's date is the work's: either one given backdates both.
            first_date = cast("datetime.date | None", chapter_values["published_on"])
            work.published_on = fields.published_on or first_date or timezone.localdate()
            work.posted_chapter_count = 1
            chapter_values["published_on"] = first_date = first_date or work.published_on
            work.revised_at = _revised_at(work, first_date)
        work.save()
        WorkTag.objects.bulk_create(
            [WorkTag(work_id=work.pk, tag_id=tag.pk, position=position) for position, tag in enumerate(tags)]
        )
        Creatorship.objects.bulk_create(
            [Creatorship(work=work, pseud=pseud, position=position) for position, pseud in enumerate(fields.pseuds)]
        )
        Chapter.objects.create(work=work, position=1, posted=post, **chapter_values)
        for position, values in enumerate(more_values, start=2):
            values["published_on"] = values["published_on"] or (work.published_on if post else None)
            Chapter.objects.create(work=work, position=position, posted=post, **values)
        if more_values:
            refresh_totals(work)
        _record_change(work, "created")
        if post:  # before `then`, so a citation it adds tells nobody of a work held as spam
            _announce_first_posting(work)
        if then is not None:
            then(work)
    return work


def _clean_numbered_chapter(fields: ChapterFields, number: int) -> dict[str, object]:
    """A later chapter's values; its errors say which chapter they are about."""
    try:
        return clean_chapter(fields)
    except ValidationError as error:
        messages = error.message_dict if hasattr(error, "error_dict") else {"content": error.messages}
        raise ValidationError(
            {name: [f"Chapter {number}: {message}" for message in texts] for name, texts in messages.items()}
        ) from None


def update_work(
    work: Work, user: User, fields: WorkFields, post: bool = False, then: Callable[[Work], object] | None = None
) -> Work:
    """Save edits to a work's metadata; `post` also posts a draft and its draft chapters. Cleaning runs before
    the transaction; `then` runs inside it, as for create_work."""
    clean = clean_work(fields, user)
    with transaction.atomic():
        tags = _resolve_tags(clean.tag_requests)
        for name, value in clean.values.items():
            setattr(work, name, value)
        changed = [*clean.values, "edited_at"]
        if fields.published_on is not None:
            work.published_on = fields.published_on
            changed.append("published_on")
            # The work's published date is its first chapter's: backdating one backdates the other.
            work.chapters.filter(position=1).update(published_on=fields.published_on)
        work.save(update_fields=changed)
        _set_tags(work, tags)
        _set_creators(work, user, fields.pseuds)
        if post and not work.posted:
            _mark_posted(work, fields.published_on)
            work.save(update_fields=_POSTED_FIELDS)
            _announce_first_posting(work)
            notify_parent_creators(work)
        refresh_totals(work)
        _record_change(work, "edited")
        if then is not None:
            then(work)
    return work


@transaction.atomic
def post_work(work: Work) -> Work:
    """Post a draft work and its chapters."""
    if not work.posted:
        _mark_posted(work, None)
        work.save(update_fields=_POSTED_FIELDS)
        refresh_totals(work)
        _record_change(work, "posted")
        _announce_first_posting(work)
        notify_parent_creators(work)
    return work


def add_chapter(work: Work, fields: ChapterFields, post: bool) -> Chapter:
    """Append a chapter. Posting it moves the work's updated date; saving a draft chapter does not."""
    values = clean_chapter(fields)  # before the transaction, so no other writer waits on the cleaning
    with transaction.atomic():
        last = work.chapters.order_by("-position").values_list("position", flat=True).first() or 0
        chapter = Chapter.objects.create(work=work, position=last + 1, **values)
        if post and work.posted:
            _post_chapter(work, chapter)
        refresh_totals(work)
        # "chapter_posted" tells subscribers (the inbox listens to the outbox); a draft chapter tells nobody.
        _record_change(work, "chapter_posted" if chapter.posted else "chapter_added")
    return chapter


def _post_chapter(work: Work, chapter: Chapter) -> None:
    chapter.posted = True
    today = timezone.localdate()
    chapter.published_on = chapter.published_on or today
    chapter.save(update_fields=["posted", "published_on", "edited_at"])
    if chapter.published_on == today:
        work.revised_at = timezone.now()  # posted now; a backdated chapter's date is left to refresh_totals
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


def update_chapter(chapter: Chapter, fields: ChapterFields) -> Chapter:
    """Save edits to a chapter; its text is cleaned before the transaction opens."""
    values = clean_chapter(fields)
    if values["published_on"] is None:
        values["published_on"] = chapter.published_on
    with transaction.atomic():
        for name, value in values.items():
            setattr(chapter, name, value)
        chapter.save(update_fields=[*values, "edited_at"])
        work = chapter.work
        if chapter.position == 1 and chapter.posted and work.published_on != chapter.published_on:
            work.published_on = chapter.published_on  # the work's published date is its first chapter's
            work.save(update_fields=["published_on", "edited_at"])
        refresh_totals(work)
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
@transaction.atomic
def delete_work(work: Work, *, acting: User | None = None) -> None:
    """Delete a work. `acting` names a moderator deleting someone else's work, for the audit log."""
    if acting is not None and not work.is_created_by(acting):
        moderator_acted(acting, "deleted work", _audit_name(work))
    _record_change(work, "deleted")
    work.delete()


def _audit_name(work: Work) -> str:
    return f"work {work.pk}: {work.title}"


@transaction.atomic
def set_hidden_by_moderator(work: Work, hidden: bool, *, acting: User | None = None) -> None:
    if acting is not None and work.hidden_by_moderator != hidden:
        moderator_acted(acting, "hid work" if hidden else "unhid work", _audit_name(work))
    work.hidden_by_moderator = hidden
    work.save(update_fields=["hidden_by_moderator", "edited_at"])
    _record_change(work, "hidden" if hidden else "unhidden")


@transaction.atomic
def set_work_flags(
    work: Work,
    *,
    restricted: bool | None = None,
    anonymous: bool | None = None,
    unrevealed: bool | None = None,
    acting: User | None = None,
) -> bool:
    """Moderators' switches for who may see a work and whether its creators are named; None leaves a flag as it
    is. Returns whether anything changed; a change reaches listings, search, feeds and downloads via the outbox."""
    wanted = {"restricted": restricted, "anonymous": anonymous, "unrevealed": unrevealed}
    changed = [name for name, value in wanted.items() if value is not None and getattr(work, name) != value]
    if not changed:
        return False
    if acting is not None:
        moderator_acted(acting, "changed work flags", _audit_name(work), "", **{name: wanted[name] for name in changed})
    for name in changed:
        setattr(work, name, wanted[name])
    work.save(update_fields=[*changed, "edited_at"])
    # Its own outbox kind, so the inbox can announce a revealed work as it would a newly posted one.
    _record_change(work, "revealed" if "unrevealed" in changed and not work.unrevealed else "visibility")
    return True


@transaction.atomic
def remove_creator(work: Work, user: User) -> None:
    """Take a person's pseuds off a work made with others (when their account goes); the others stay credited.
    A work this person made alone is deleted with delete_work instead, so it never lists without a creator."""
    if not work.creatorships.exclude(pseud__user=user).exists():
        raise ValidationError("This is the only creator of the work; delete the work instead.")
    removed, _ = work.creatorships.filter(pseud__user=user).delete()
    if removed:
        _record_change(work, "creators")
