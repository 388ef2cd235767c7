"""Writes to tags. Creators make fandom, character, relationship and freeform tags by typing them; wranglers
make them canonical, synonyms, parents and metatags of each other (see fanshelf/tags/graph.py for what that
means for listings)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models.functions import Lower

from fanshelf.accounts.models import is_moderator
from fanshelf.core.audit import moderator_acted
from fanshelf.tags.graph import filed_under, metatag_closure
from fanshelf.tags.models import CHILD_TYPES, FIXED_TYPES, TAG_NAME_VALIDATOR, Tag, TagType
from fanshelf.tags.permissions import require_wrangler
from fanshelf.tags.signals import tags_rewired

if TYPE_CHECKING:
    from fanshelf.accounts.models import User

MAX_TAG_LENGTH = 150


def clean_tag_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValidationError("A tag needs a name.")
    if len(cleaned) > MAX_TAG_LENGTH:
        raise ValidationError(f"Tags can be at most {MAX_TAG_LENGTH} characters: “{cleaned[:40]}…”.")
    TAG_NAME_VALIDATOR(cleaned)
    return cleaned


def find_or_create_tag(name: str, tag_type: str) -> Tag:
    """The existing tag of that name (ignoring case) or a new unwrangled one of that type.

    A name already used by a tag of another type is still that tag: names are unique across types, as on AO3.
    """
    [result] = find_or_create_tags([(name, tag_type)])
    if isinstance(result, ValidationError):
        raise result
    return result


def find_or_create_tags(requests: Sequence[tuple[str, str]]) -> list[Tag | ValidationError]:
    """For each (name, type) asked for: the tag, found ignoring case or made new, or why it can't be used.

    One query finds every existing tag; only new tags cost an insert each. Fixed types (rating, warning,
    category) must already exist with that type; a typed name that is a fixed tag of another type is refused, and
    so is a banned tag (docs/moderation.md): this is where works, imports and bookmarks turn names into tags.
    """
    cleaned: list[str | ValidationError] = []
    for name, _ in requests:
        try:
            cleaned.append(clean_tag_name(name))
        except ValidationError as error:
            cleaned.append(error)
    names = [name for name in cleaned if isinstance(name, str)]
    matches = Tag.objects.annotate(lower_name=Lower("name")).select_related("merger")
    matches = matches.filter(models.Q(lower_name__in={n.lower() for n in names}) | models.Q(name__in=names))
    found = {tag.name.lower(): tag for tag in matches}
    results: list[Tag | ValidationError] = []
    for (_, tag_type), clean in zip(requests, cleaned, strict=True):
        if isinstance(clean, ValidationError):
            results.append(clean)
            continue
        name = clean
        tag = found.get(name.lower())
        if tag is None and tag_type not in FIXED_TYPES:
            tag = found[name.lower()] = Tag.objects.create(name=name, type=tag_type)
        if tag is not None and tag.under_ban:
            results.append(ValidationError(f"“{tag.name}” can't be used: the moderators have banned this tag."))
        elif tag is None or (tag.type != tag_type and (tag_type in FIXED_TYPES or tag.type in FIXED_TYPES)):
            results.append(_wrong_type(name, tag_type, tag))
        else:
            results.append(tag)
    return results


def _with_article(noun: str) -> str:
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def _wrong_type(name: str, tag_type: str, existing: Tag | None) -> ValidationError:
    if existing is not None and existing.type in FIXED_TYPES:
        kind = _with_article(existing.get_type_display().lower())
        return ValidationError(f"“{existing.name}” is {kind}; choose it there.")
    return ValidationError(f"“{name}” is not {_with_article(TagType(tag_type).label.lower())}.")


# Wrangling. Every action below is atomic, re-reads the tags it changes under a row lock, checks the user may
# wrangle them (fanshelf.tags.permissions), raises ValidationError with a clear message for a change that makes
# no sense, and sends `tags_rewired` with the tags whose works are affected so works can write its outbox rows.


def _fold(name: str) -> str:
    """The name with case and accents ignored: "Pokémon" and "POKEMON" fold alike."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def _lock(*tags: Tag) -> None:
    """Lock the tags' rows (PostgreSQL; SQLite's IMMEDIATE transactions already serialise writers) and reload them,
    so validation sees what another wrangler may just have committed."""
    list(Tag.objects.select_for_update().filter(pk__in=[tag.pk for tag in tags]).order_by("pk"))
    for tag in tags:
        tag.refresh_from_db()


def _rewired(tag_ids: Iterable[int], action: str, *, by: User, tag: Tag, **details: Any) -> None:
    """Tell the apps above which tags' works changed, and write the change to the audit log (who, what, before
    and after), both inside the action's transaction (fanshelf/core/audit.py)."""
    tags_rewired.send(sender=Tag, tag_ids=frozenset(tag_ids), action=action)
    moderator_acted(by, AUDIT_PHRASES[action], tag.name, tag_type=tag.type, **details)


# What each action is called in the audit log (fanshelf/moderation, /moderation/audit/).
AUDIT_PHRASES = {
    "make_canonical": "made tag canonical",
    "make_noncanonical": "made tag non-canonical",
    "make_synonym": "made tag a synonym",
    "remove_synonym": "removed tag as a synonym",
    "add_parent": "added parent tag",
    "remove_parent": "removed parent tag",
    "add_metatag": "added metatag",
    "remove_metatag": "removed metatag",
    "rename_tag": "renamed tag",
    "ban_tag": "banned tag",
    "unban_tag": "unbanned tag",
}


def _refuse_fixed(tag: Tag) -> None:
    if tag.is_fixed:
        raise ValidationError(f"“{tag.name}” is a {tag.get_type_display().lower()}; those are a fixed set.")


def _require_canonical(tag: Tag, role: str) -> None:
    if not tag.canonical:
        raise ValidationError(f"“{tag.name}” is not canonical, so it cannot be {role}.")


@transaction.atomic
def make_canonical(tag: Tag, *, by: User) -> None:
    """Make the tag canonical: filterable, and able to have synonyms, children and metatags."""
    _lock(tag)
    require_wrangler(by, tag)
    _refuse_fixed(tag)
    if tag.merger is not None:
        raise ValidationError(
            f"“{tag.name}” is a synonym of “{tag.merger.name}”; remove it as a synonym before making it canonical."
        )
    if tag.canonical:
        return
    tag.canonical = True
    tag.save(update_fields=["canonical"])
    _rewired({tag.pk}, "make_canonical", by=by, tag=tag, before={"canonical": False}, after={"canonical": True})


@transaction.atomic
def make_noncanonical(tag: Tag, *, by: User) -> None:
    """Make a canonical tag unwrangled again. Refused while other tags hang on it (synonyms, canonical children,
    metatags or subtags): those links would point at a tag that can no longer hold them."""
    _lock(tag)
    require_wrangler(by, tag)
    _refuse_fixed(tag)
    if not tag.canonical:
        return
    links = {
        "synonyms": tag.synonyms.count(),
        "child tags": tag.children.count(),
        "metatags": tag.metatags.count(),
        "subtags": tag.subtags.count(),
    }
    held = ", ".join(f"{count} {label}" for label, count in links.items() if count)
    if held:
        raise ValidationError(f"“{tag.name}” still has {held}; remove them before making it non-canonical.")
    tag.canonical = False
    tag.save(update_fields=["canonical"])
    _rewired({tag.pk}, "make_noncanonical", by=by, tag=tag, before={"canonical": True}, after={"canonical": False})


@transaction.atomic
def make_synonym(tag: Tag, canonical: Tag, *, by: User) -> None:
    """Make `tag` a synonym of `canonical`: its works are then found under the canonical.

    A canonical tag made a synonym hands everything to its new canonical, as on AO3: its synonyms, child tags,
    metatags and subtags move over (checked for cycles), and the canonical gains its parents. It stops being
    canonical.
    """
    _lock(tag, canonical)
    require_wrangler(by, tag)
    _refuse_fixed(tag)
    if tag.pk == canonical.pk:
        raise ValidationError(f"“{tag.name}” cannot be a synonym of itself.")
    _require_canonical(canonical, "the canonical of a synonym")
    if canonical.type != tag.type:
        raise ValidationError(
            f"“{tag.name}” is a {tag.get_type_display().lower()} and “{canonical.name}” a "
            f"{canonical.get_type_display().lower()}; a synonym must be of its canonical's type."
        )
    if tag.merger_id == canonical.pk:
        return
    affected = filed_under({tag.pk})
    before = {"canonical": tag.canonical, "synonym_of": tag.merger.name if tag.merger else None}
    if tag.canonical:
        _hand_over(tag, canonical)
        affected |= filed_under({canonical.pk})  # it may have gained metatags
    tag.merger = canonical
    tag.canonical = False
    tag.save(update_fields=["merger", "canonical"])
    after = {"canonical": False, "synonym_of": canonical.name}
    _rewired(affected, "make_synonym", by=by, tag=tag, before=before, after=after)


def _hand_over(old: Tag, new: Tag) -> None:
    """Move a canonical's synonyms, children, metatags and subtags to `new`, and copy its parents there."""
    old.synonyms.update(merger=new)
    for metatag in old.metatags.exclude(pk=new.pk):
        _check_metatag(new, metatag)
        new.metatags.add(metatag)
    for subtag in old.subtags.exclude(pk=new.pk):
        _check_metatag(subtag, new)
        subtag.metatags.add(new)
    old.metatags.clear()
    old.subtags.clear()
    new.children.add(*old.children.exclude(pk=new.pk))
    old.children.clear()
    new.parents.add(*(parent for parent in old.parents.all() if new.type in CHILD_TYPES.get(parent.type, ())))


@transaction.atomic
def remove_synonym(synonym: Tag, *, by: User) -> None:
    """Detach a synonym from its canonical; it becomes unwrangled (keeping its parents)."""
    _lock(synonym)
    if synonym.merger is None:
        raise ValidationError(f"“{synonym.name}” is not a synonym of any tag.")
    require_wrangler(by, synonym, synonym.merger)
    before = {"synonym_of": synonym.merger.name}
    synonym.merger = None
    synonym.save(update_fields=["merger"])
    _rewired({synonym.pk}, "remove_synonym", by=by, tag=synonym, before=before, after={"synonym_of": None})


@transaction.atomic
def add_parent(tag: Tag, parent: Tag, *, by: User) -> None:
    """File `tag` under a canonical parent: media → fandom → character, relationship and freeform tags, and a
    relationship under its characters. The tag itself need not be canonical (that is how a wrangler assigns a
    fandom to an unwrangled tag)."""
    _lock(tag, parent)
    require_wrangler(by, tag)
    _refuse_fixed(tag)
    _require_canonical(parent, "a parent tag")
    allowed = CHILD_TYPES.get(parent.type, frozenset())
    if tag.type not in allowed:
        kinds = " or ".join(sorted(TagType(kind).label.lower() for kind in allowed)) or "no"
        raise ValidationError(
            f"A {parent.get_type_display().lower()} like “{parent.name}” can only be the parent of {kinds} tags, "
            f"not of the {tag.get_type_display().lower()} “{tag.name}”."
        )
    if tag.parents.filter(pk=parent.pk).exists():
        return
    tag.parents.add(parent)
    _rewired({tag.pk}, "add_parent", by=by, tag=tag, parent=parent.name)


@transaction.atomic
def remove_parent(tag: Tag, parent: Tag, *, by: User) -> None:
    """Unlink a parent from the tag."""
    _lock(tag, parent)
    require_wrangler(by, tag)
    if not tag.parents.filter(pk=parent.pk).exists():
        raise ValidationError(f"“{parent.name}” is not a parent of “{tag.name}”.")
    tag.parents.remove(parent)
    _rewired({tag.pk}, "remove_parent", by=by, tag=tag, parent=parent.name)


def _check_metatag(tag: Tag, metatag: Tag) -> None:
    _refuse_fixed(tag)
    _require_canonical(tag, "a subtag")
    _require_canonical(metatag, "a metatag")
    if metatag.type != tag.type:
        raise ValidationError(
            f"A metatag must be of its subtag's type: “{metatag.name}” is a {metatag.get_type_display().lower()}, "
            f"“{tag.name}” a {tag.get_type_display().lower()}."
        )
    if metatag.pk == tag.pk or tag.pk in metatag_closure({metatag.pk}):
        raise ValidationError(f"“{metatag.name}” is already a subtag of “{tag.name}”; the two would loop.")


@transaction.atomic
def add_metatag(tag: Tag, metatag: Tag, *, by: User) -> None:
    """Make `metatag` a broader canonical of `tag`: the metatag's listing and filter then include the tag's works
    (and its subtags', transitively). Cycles are refused."""
    _lock(tag, metatag)
    require_wrangler(by, tag)
    _check_metatag(tag, metatag)
    if tag.metatags.filter(pk=metatag.pk).exists():
        return
    tag.metatags.add(metatag)
    _rewired(filed_under({tag.pk}), "add_metatag", by=by, tag=tag, metatag=metatag.name)


@transaction.atomic
def remove_metatag(tag: Tag, metatag: Tag, *, by: User) -> None:
    """Unlink a metatag: its listing no longer includes the tag's works."""
    _lock(tag, metatag)
    require_wrangler(by, tag)
    if not tag.metatags.filter(pk=metatag.pk).exists():
        raise ValidationError(f"“{metatag.name}” is not a metatag of “{tag.name}”.")
    affected = filed_under({tag.pk})
    tag.metatags.remove(metatag)
    _rewired(affected, "remove_metatag", by=by, tag=tag, metatag=metatag.name)


@transaction.atomic
def rename_tag(tag: Tag, new_name: str, *, by: User) -> None:
    """Rename a tag. Admins may rename freely; wranglers may only change case and accents ("pokemon" →
    "Pokémon"), since any other change makes it a different tag: make that a synonym instead."""
    _lock(tag)
    require_wrangler(by, tag)
    _refuse_fixed(tag)
    cleaned = clean_tag_name(new_name)
    if cleaned == tag.name:
        return
    if not is_moderator(by) and _fold(cleaned) != _fold(tag.name):
        raise ValidationError(
            f"Wranglers may only change the case and accents of “{tag.name}”; ask an admin for other renames, "
            "or make the tag a synonym of the right one."
        )
    if Tag.objects.named(cleaned).exclude(pk=tag.pk).exists():
        raise ValidationError(f"A tag named “{cleaned}” already exists; make this tag a synonym of it instead.")
    before = {"name": tag.name}
    tag.name = cleaned
    tag.save(update_fields=["name"])
    _rewired({tag.pk}, "rename_tag", by=by, tag=tag, before=before, after={"name": cleaned})


@transaction.atomic
def set_tag_banned(tag: Tag, banned: bool, *, acting: User, reason: str = "") -> bool:
    """Ban a tag, or lift the ban (moderators only); returns whether anything changed. A banned tag answers as
    missing to everyone but moderators, no work can add it, and works carrying it keep it without showing it
    (docs/moderation.md). Audited; the discovery index reloads the tag (its facets drop it)."""
    if not is_moderator(acting):
        raise PermissionDenied("Only moderators ban tags.")
    _lock(tag)
    _refuse_fixed(tag)
    if tag.banned == banned:
        return False
    tag.banned = banned
    tag.save(update_fields=["banned"])
    action = "ban_tag" if banned else "unban_tag"
    details = {"before": {"banned": not banned}, "after": {"banned": banned}}
    tags_rewired.send(sender=Tag, tag_ids=frozenset(filed_under({tag.pk})), action=action)
    moderator_acted(acting, AUDIT_PHRASES[action], tag.name, reason, tag_type=tag.type, **details)
    return True


@dataclass
class TagEdit:
    """The changes the tag edit page asks for. Names are resolved to tags by the form."""

    name: str
    canonical: bool
    synonym_of: Tag | None = None
    remove_synonyms: Sequence[Tag] = ()
    add_parents: Sequence[Tag] = ()
    remove_parents: Sequence[Tag] = ()
    add_metatags: Sequence[Tag] = ()
    remove_metatags: Sequence[Tag] = ()


Step = tuple[str, str, Callable[[], None]]
"""One action within a bigger change: the form field its errors belong to, a prefix for its messages, the call."""


def _steps(tag: Tag, edit: TagEdit, by: User) -> Iterator[Step]:
    """The single actions an edit amounts to, in an order where each makes sense after the one before (a synonym
    is detached before the tag is made canonical, and so on)."""
    yield "name", "", partial(rename_tag, tag, edit.name, by=by)
    if tag.merger is not None and edit.synonym_of is None:
        yield "synonym_of", "", partial(remove_synonym, tag, by=by)
    if edit.synonym_of is not None:
        yield "synonym_of", "", partial(make_synonym, tag, edit.synonym_of, by=by)
    elif edit.canonical != tag.canonical:
        yield "canonical", "", partial(make_canonical if edit.canonical else make_noncanonical, tag, by=by)
    for synonym in edit.remove_synonyms:
        yield "remove_synonyms", "", partial(remove_synonym, synonym, by=by)
    for parent in edit.add_parents:
        yield "add_parents", "", partial(add_parent, tag, parent, by=by)
    for parent in edit.remove_parents:
        yield "remove_parents", "", partial(remove_parent, tag, parent, by=by)
    for metatag in edit.add_metatags:
        yield "add_metatags", "", partial(add_metatag, tag, metatag, by=by)
    for metatag in edit.remove_metatags:
        yield "remove_metatags", "", partial(remove_metatag, tag, metatag, by=by)


def _apply_all(steps: Iterable[Step]) -> None:
    """Run every step, collecting their errors by field; if any failed, raise them all so the caller's transaction
    rolls back every step (each action runs in its own savepoint, so a failed one leaves no trace)."""
    errors: dict[str, list[str]] = {}
    for key, prefix, step in steps:
        try:
            step()
        except ValidationError as error:
            errors.setdefault(key, []).extend(prefix + message for message in error.messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def edit_tag(tag: Tag, edit: TagEdit, *, by: User) -> None:
    """Apply everything the tag edit page asks for, all or nothing; errors are keyed by the form field."""
    require_wrangler(by, tag)
    _apply_all(_steps(tag, edit, by))


class BinAction(models.TextChoices):
    CANONICAL = "canonical", "Make canonical and file under this fandom"
    SYNONYM = "synonym", "Make synonyms of the tag named below"
    FANDOM = "fandom", "File under the fandom named below"


@transaction.atomic
def wrangle_bin(fandom: Tag, tags: Sequence[Tag], action: str, target: Tag | None, *, by: User) -> int:
    """A mass action on tags picked from `fandom`'s bin, all or nothing; returns how many tags were wrangled.

    CANONICAL makes each tag canonical and files it under the bin's fandom; SYNONYM makes each a synonym of
    `target`; FANDOM files each under `target` (or the bin's fandom when no target is given).
    """
    if not tags:
        raise ValidationError({"tags": ["Choose at least one tag."]})
    if action == BinAction.SYNONYM and target is None:
        raise ValidationError({"target": ["Name the canonical tag to make them synonyms of."]})
    parent = target or fandom

    def steps(tag: Tag) -> Iterator[Step]:
        prefix = f"{tag.name}: "
        if action == BinAction.CANONICAL:
            yield "tags", prefix, partial(make_canonical, tag, by=by)
            if fandom.canonical:
                yield "tags", prefix, partial(add_parent, tag, fandom, by=by)
        elif action == BinAction.SYNONYM and target is not None:
            yield "tags", prefix, partial(make_synonym, tag, target, by=by)
        elif action == BinAction.FANDOM:
            yield "tags", prefix, partial(add_parent, tag, parent, by=by)
        else:
            raise ValidationError({"action": [f"“{action}” is not a bin action."]})

    _apply_all(step for tag in tags for step in steps(tag))
    return len(tags)
