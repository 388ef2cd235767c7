"""Every write to bookmarks. Text is checked and cleaned before the transaction opens (works/cleaning.py), and a
work's public bookmark count moves with F() in the same transaction as its outbox row, so listings follow."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F

from fanshelf.accounts.models import Pseud, User, is_moderator
from fanshelf.bookmarks.models import Bookmark, ExternalWork
from fanshelf.core.sanitize import sanitize_notes
from fanshelf.tags.actions import clean_tag_name, find_or_create_tags
from fanshelf.tags.models import RATINGS, Tag, TagType
from fanshelf.works.cleaning import MAX_NOTES, MAX_TITLE, MAX_USER_TAGS, clean_html, clean_line
from fanshelf.works.models import Series, Work, WorkChange

MAX_URL = 500
_HTTP_URL = URLValidator(schemes=["http", "https"])


@dataclass
class BookmarkFields:
    """What a reader fills in for a bookmark. Tags are names as typed."""

    pseud: Pseud
    notes: str = ""
    tags: Sequence[str] = ()
    rec: bool = False
    private: bool = False


@dataclass
class ExternalFields:
    url: str
    title: str
    creator: str
    fandoms: Sequence[str]
    rating: str = ""
    relationships: Sequence[str] = field(default_factory=list)
    characters: Sequence[str] = field(default_factory=list)


def _tag_names(errors: dict[str, list[str]], key: str, names: Sequence[str]) -> list[str]:
    cleaned: list[str] = []
    for name in names:
        if not name.strip():
            continue
        try:
            cleaned.append(clean_tag_name(name))
        except ValidationError as error:
            errors.setdefault(key, []).extend(error.messages)
    if len(cleaned) > MAX_USER_TAGS:
        errors.setdefault(key, []).append(f"Use at most {MAX_USER_TAGS} tags (you gave {len(cleaned)}).")
    return list(dict.fromkeys(cleaned))


def _clean(user: User, fields: BookmarkFields) -> tuple[str, list[str]]:
    """The bookmark's notes, sanitized, and its tag names: no database, so it runs before the transaction."""
    errors: dict[str, list[str]] = {}
    notes = clean_html(errors, "notes", fields.notes, MAX_NOTES, "Notes", sanitize_notes)
    tags = _tag_names(errors, "tags", fields.tags)
    if fields.pseud.user_id != user.pk:
        errors["pseud"] = ["You can only bookmark under your own pseuds."]
    if errors:
        raise ValidationError(errors)
    return notes, tags


def _found_tags(requests: list[tuple[str, str]], key: str) -> list[Tag]:
    found = find_or_create_tags(requests)
    problems = [str(message) for result in found if isinstance(result, ValidationError) for message in result]
    if problems:
        raise ValidationError({key: problems})
    return [tag for tag in found if isinstance(tag, Tag)]


def _recount(work_id: int | None, delta: int) -> None:
    if work_id is not None and delta:
        Work.objects.filter(pk=work_id).update(bookmark_count=F("bookmark_count") + delta)
        WorkChange.objects.create(work_id=work_id, kind="bookmarks")


def _save(user: User, item: dict[str, object], fields: BookmarkFields, notes: str, tag_names: list[str]) -> Bookmark:
    """Create the user's bookmark of the item, or edit it if there is one: one bookmark per person per item."""
    bookmark = Bookmark.objects.select_for_update().filter(user=user, **item).first()
    was_counted = bookmark is not None and not bookmark.private
    values = {"pseud": fields.pseud, "notes": notes, "rec": fields.rec, "private": fields.private}
    if bookmark is None:
        try:
            with transaction.atomic():
                bookmark = Bookmark.objects.create(user=user, **item, **values)
        except IntegrityError:  # the same reader's other request made it a moment ago
            raise ValidationError("You bookmarked this a moment ago; reload the page to edit that bookmark.") from None
    else:
        for name, value in values.items():
            setattr(bookmark, name, value)
        bookmark.save(update_fields=[*values, "updated_at"])
    bookmark.tags.set(_found_tags([(name, TagType.FREEFORM) for name in tag_names], "tags"))
    _recount(bookmark.work_id, int(not bookmark.private and bookmark.work_id is not None) - int(was_counted))
    return bookmark


def bookmark_work(user: User, work: Work, fields: BookmarkFields) -> Bookmark:
    """Bookmark a posted work the user may open, or edit their bookmark of it."""
    notes, tags = _clean(user, fields)
    with transaction.atomic(durable=True):
        if not Work.objects.posted_visible_to(user).filter(pk=work.pk).exists():
            raise ValidationError("Only posted works you can read can be bookmarked.")
        return _save(user, {"work": work}, fields, notes, tags)


def bookmark_series(user: User, series: Series, fields: BookmarkFields) -> Bookmark:
    """Bookmark a series with a work the user may see (as its page decides), or edit their bookmark of it."""
    notes, tags = _clean(user, fields)
    with transaction.atomic(durable=True):
        if not (series.works_visible_to(user).exists() or series.is_created_by(user)):
            raise ValidationError("Only series you can see can be bookmarked.")
        return _save(user, {"series": series}, fields, notes, tags)


def _clean_external(external: ExternalFields) -> tuple[dict[str, str], list[tuple[str, str]]]:
    errors: dict[str, list[str]] = {}
    url = external.url.strip()
    if len(url) > MAX_URL:
        errors["url"] = [f"A URL can be at most {MAX_URL} characters."]
    else:
        try:
            _HTTP_URL(url)
        except ValidationError:
            errors["url"] = ["Give the work's full address, starting with http:// or https://."]
    title = clean_line(errors, "title", external.title, MAX_TITLE, "Title")
    if not title and "title" not in errors:
        errors["title"] = ["An external work needs a title."]
    creator = clean_line(errors, "creator", external.creator, MAX_TITLE, "Creator")
    if not creator and "creator" not in errors:
        errors["creator"] = ["Name the work's creator."]
    if external.rating and external.rating not in RATINGS:
        errors["rating"] = ["Choose one of the ratings offered."]
    requests: list[tuple[str, str]] = [(external.rating, TagType.RATING)] if external.rating else []
    for key, tag_type, names in (
        ("fandoms", TagType.FANDOM, external.fandoms),
        ("relationships", TagType.RELATIONSHIP, external.relationships),
        ("characters", TagType.CHARACTER, external.characters),
    ):
        requests += [(name, tag_type) for name in _tag_names(errors, key, names)]
    if not any(tag_type == TagType.FANDOM for _, tag_type in requests) and "fandoms" not in errors:
        errors["fandoms"] = ["Add at least one fandom."]
    if errors:
        raise ValidationError(errors)
    return {"url": url, "title": title, "creator": creator}, requests


def bookmark_external(user: User, external: ExternalFields, fields: BookmarkFields) -> Bookmark:
    """Bookmark a work elsewhere. Its URL names it: a URL someone bookmarked before is that same external work
    (as first described), and the user's bookmark of it is edited if they have one."""
    values, requests = _clean_external(external)
    notes, tags = _clean(user, fields)
    with transaction.atomic(durable=True):
        item = ExternalWork.objects.filter(url=values["url"]).first()
        if item is None:
            try:
                with transaction.atomic():
                    item = ExternalWork.objects.create(**values)
            except IntegrityError:
                raise ValidationError(
                    {"url": ["Someone bookmarked this URL a moment ago; please send again."]}
                ) from None
            types = {TagType.FANDOM: "fandoms", TagType.RELATIONSHIP: "relationships", TagType.CHARACTER: "characters"}
            for tag_type, key in types.items():
                item.tags.add(*_found_tags([r for r in requests if r[1] == tag_type], key))
            item.tags.add(*_found_tags([r for r in requests if r[1] == TagType.RATING], "rating"))
        return _save(user, {"external": item}, fields, notes, tags)


def edit_bookmark(bookmark: Bookmark, user: User, fields: BookmarkFields) -> Bookmark:
    """Change the owner's bookmark: notes, tags, pseud, rec and private."""
    notes, tags = _clean(user, fields)
    if bookmark.user_id != user.pk:
        raise ValidationError("Only the bookmark's owner can edit it.")
    ids = {"work_id": bookmark.work_id, "series_id": bookmark.series_id, "external_id": bookmark.external_id}
    item: dict[str, object] = {name: value for name, value in ids.items() if value is not None}
    with transaction.atomic(durable=True):
        return _save(user, item, fields, notes, tags)


def delete_bookmark(bookmark: Bookmark, user: User) -> None:
    """Delete a bookmark, as its owner or a moderator; a public bookmark of a work leaves its count. Not durable:
    the admin deletes inside a transaction of its own (accounts/admin_access.ActionDeletion)."""
    if bookmark.user_id != user.pk and not is_moderator(user):
        raise ValidationError("Only the bookmark's owner can delete it.")
    with transaction.atomic():
        deleted, _ = Bookmark.objects.filter(pk=bookmark.pk).delete()
        if deleted:
            _recount(bookmark.work_id, -int(not bookmark.private))


def remove_bookmarks_of(user: User) -> None:
    """Inside another action's transaction (an account being deleted): delete all the user's bookmarks, taking the
    public ones off their works' counts."""
    counted = Counter(Bookmark.objects.filter(user=user).counted().values_list("work_id", flat=True))
    Bookmark.objects.filter(user=user).delete()
    for work_id, count in sorted(counted.items()):
        _recount(work_id, -count)
