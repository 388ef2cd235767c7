"""Series: writes, and the previous/next navigation a reader may see (never revealing works they may not see)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.dispatch import Signal

from fanshelf.accounts.models import User, is_moderator
from fanshelf.core.audit import moderator_acted
from fanshelf.core.sanitize import sanitize_notes
from fanshelf.works.cleaning import MAX_NOTES, MAX_SUMMARY, MAX_TITLE, clean_html, clean_line
from fanshelf.works.models import Series, SeriesEntry, Work, WorkChange

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

# Sent (with work= and series=) when a work joins a series, inside the transaction: the inbox tells the series'
# subscribers after commit, and only if the work is posted and listed by then.
work_joined_series = Signal()


@dataclass(frozen=True)
class SeriesPlace:
    series: Series
    part: int
    previous: Work | None
    next: Work | None


@transaction.atomic
def add_to_series(work: Work, user: User, series_title: str) -> Series:
    """Add the work to the user's series of that title, creating the series when the user has none by that name."""
    title = " ".join(series_title.split())
    if not title or len(title) > 255:
        raise ValidationError({"series_title": ["A series title needs 1 to 255 characters."]})
    series = Series.objects.filter(creators__user=user, title__iexact=title).first()
    if series is None:
        series = Series.objects.create(title=title)
        series.creators.set([p for p in work.creator_pseuds if p.user_id == user.pk])
    if not series.entries.filter(work=work).exists():
        last = series.entries.aggregate(last=Max("position"))["last"] or 0
        SeriesEntry.objects.create(series=series, work=work, position=last + 1)
        WorkChange.objects.create(work_id=work.pk, kind="series")
        work_joined_series.send(sender=Series, work=work, series=series)
    return series


@transaction.atomic
def remove_from_series(series: Series, work: Work, user: User) -> None:
    if not series.is_created_by(user) and not work.is_created_by(user):
        raise ValidationError("Only the series' or the work's creators can do that.")
    series.entries.filter(work=work).delete()
    WorkChange.objects.create(work_id=work.pk, kind="series")


@transaction.atomic
def delete_series(series: Series, *, acting: User) -> None:
    """A moderator deletes a series (its works stay, out of it); the listings hear of each work through the outbox."""
    if not is_moderator(acting):
        raise ValidationError("Only moderators can delete someone else's series.")
    moderator_acted(acting, "deleted series", f"series {series.pk}: {series.title}")
    work_ids = list(series.entries.values_list("work_id", flat=True))
    WorkChange.objects.bulk_create([WorkChange(work_id=work_id, kind="series") for work_id in work_ids])
    series.delete()


def update_series(series: Series, user: User, title: str, summary: str, notes: str, complete: bool) -> Series:
    """Text is checked and cleaned as a work's is (works/cleaning.py), before the transaction, so no write waits on
    it; overlong text is refused, never cut: cut HTML can end inside an <a> that then wraps the rest of the page."""
    if not series.is_created_by(user):
        raise ValidationError("Only the series' creators can edit it.")
    errors: dict[str, list[str]] = {}
    clean_title = clean_line(errors, "title", title, MAX_TITLE, "Title")
    if not clean_title and "title" not in errors:
        errors["title"] = ["A series needs a title."]
    clean_summary = clean_html(errors, "summary", summary, MAX_SUMMARY, "Summary", sanitize_notes)
    clean_notes = clean_html(errors, "notes", notes, MAX_NOTES, "Notes", sanitize_notes)
    if errors:
        raise ValidationError(errors)
    series.title, series.summary, series.notes, series.complete = clean_title, clean_summary, clean_notes, complete
    with transaction.atomic():
        series.save(update_fields=["title", "summary", "notes", "complete", "edited_at"])
    return series


def series_places(work: Work, viewer: User | AnonymousUser) -> list[SeriesPlace]:
    """Where the work stands in each of its series, counting only the works this reader may see."""
    places = []
    for series in Series.objects.filter(entries__work=work).distinct():
        visible = list(series.works_visible_to(viewer).only("pk", "title"))
        ids = [w.pk for w in visible]
        if work.pk not in ids:
            continue
        index = ids.index(work.pk)
        previous = visible[index - 1] if index > 0 else None
        following = visible[index + 1] if index + 1 < len(visible) else None
        places.append(SeriesPlace(series, index + 1, previous, following))
    return places
