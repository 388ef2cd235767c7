"""Every write to history and shelves. Each write that changes which works are on a reader's shelves moves their
shelf version on, so listing filters built from the shelves (fanshelf/reading/sets.py) are rebuilt."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from fanshelf.accounts.models import User
from fanshelf.reading.models import PublicShelf, Reading, Shelf, ShelfEntry
from fanshelf.reading.sets import shelves_changed
from fanshelf.works.access import is_listed_for
from fanshelf.works.models import Chapter, Work


def record_reading(user: User, work: Work, chapter: Chapter | None) -> bool:
    """Note that `user` opened `work` (at `chapter`, None for the entire work). Returns whether it was recorded:
    only posted works the reader may list, and only while their preference keeps history."""
    if not user.keep_history or not work.posted:
        return False
    if not is_listed_for(user, work.pk):
        return False  # a moderator opening a hidden work: the reader's own history is not the place for it
    chapter_id = chapter.pk if chapter is not None and chapter.posted else None
    when = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_READ_AGAIN, [user.pk, work.pk, chapter_id, when])
    return True


# One statement, a first visit or another (SQLite 3.24+ and PostgreSQL): the update, select and insert it replaced
# took seven statements with their transaction and savepoint on a reader's first view of a work. The last chapter
# read is kept when the entire work is opened.
_READ_AGAIN = (
    "INSERT INTO reading_reading (user_id, work_id, last_chapter_id, visits, last_read_at) VALUES (%s, %s, %s, 1, %s) "
    "ON CONFLICT (user_id, work_id) DO UPDATE SET visits = reading_reading.visits + 1, "
    "last_read_at = excluded.last_read_at, "
    "last_chapter_id = COALESCE(excluded.last_chapter_id, reading_reading.last_chapter_id)"
)


def delete_reading(user: User, work_id: int) -> bool:
    """Take one work off the reader's history. Returns whether there was an entry."""
    deleted, _ = Reading.objects.filter(user=user, work_id=work_id).delete()
    return bool(deleted)


def clear_history(user: User) -> int:
    """Forget everything the reader read. Returns how many entries went."""
    deleted, _ = Reading.objects.filter(user=user).delete()
    return deleted


def parse_shelf(value: str) -> Shelf:
    try:
        return Shelf(value)
    except ValueError:
        raise ValidationError({"shelf": f"“{value}” is not a shelf."}) from None


def shelve(user: User, work: Work, shelf: str) -> ShelfEntry:
    """Put the work on one of the reader's shelves, taking it off any other (a work is on one shelf at most).
    Only a posted work the reader may open: a shelf never holds what its owner could not read."""
    chosen = parse_shelf(shelf)
    if not Work.objects.posted_visible_to(user).filter(pk=work.pk).exists():
        raise ValidationError({"shelf": "Only posted works you may read go on shelves."})
    with transaction.atomic():
        entry, _ = ShelfEntry.objects.update_or_create(user=user, work=work, defaults={"shelf": chosen.value})
        shelves_changed(user)
    return entry


def unshelve(user: User, work_id: int) -> bool:
    with transaction.atomic():
        deleted, _ = ShelfEntry.objects.filter(user=user, work_id=work_id).delete()
        if deleted:
            shelves_changed(user)
    return bool(deleted)


def set_shelf_public(user: User, shelf: str, public: bool) -> None:
    chosen = parse_shelf(shelf)
    if public:
        PublicShelf.objects.get_or_create(user=user, shelf=chosen.value)
    else:
        PublicShelf.objects.filter(user=user, shelf=chosen.value).delete()
