"""Writes of the discovery app: a reader's exclusion profile (docs/exclusions.md)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from fanshelf.accounts.models import Pseud, User
from fanshelf.core.numbers import NotANumber, number_message, parse_digits, shown
from fanshelf.discovery.exclusions import PROFILE_SHELVES, VERSIONS_MEMO, new_version
from fanshelf.discovery.models import ExclusionProfile
from fanshelf.discovery.query import split_names
from fanshelf.tags.models import RATINGS, WARNINGS, Tag
from fanshelf.works.languages import LANGUAGE_NAMES

MAX_EXCLUDED_TAGS = 300
MAX_EXCLUDED_CREATORS = 2_000
MAX_FANDOMS = 1_000


@dataclass
class ExclusionChoices:
    """What a reader typed and ticked on the exclusions page (names, not yet resolved)."""

    tags: str = ""
    creators: str = ""
    languages: list[str] = field(default_factory=list)
    ratings: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    crossovers: bool = False
    max_fandoms: str = ""
    shelves: list[str] = field(default_factory=list)


def _tags(text: str) -> list[Tag]:
    """Tag names as the search form takes them (any case; a synonym stands for its canonical, which also brings
    its subtags). A name that is no canonical tag nor a synonym of one is refused with the same words whether or
    not such a tag exists, so the page does not tell whether a tag seen only on drafts exists."""
    names = split_names([text])
    if len(names) > MAX_EXCLUDED_TAGS:
        raise ValidationError({"tags": f"You can exclude at most {MAX_EXCLUDED_TAGS} tags."})
    found: dict[int, Tag] = {}
    unknown: list[str] = []
    for name in names:
        tag = Tag.objects.named(name).select_related("merger").first()
        target = tag.filterable if tag is not None else None
        if target is None or not target.canonical:
            unknown.append(name)
        else:
            found[target.pk] = target
    if unknown:
        listed = ", ".join(shown(name) for name in unknown[:5])
        raise ValidationError({"tags": f"{listed}: not a tag the archive filters by. Use a tag's canonical name."})
    return list(found.values())


def _creators(text: str, owner: User) -> tuple[list[User], list[Pseud]]:
    """ "username" (every pseud of the account) or "pseud (username)" (that pseud), comma-separated."""
    names = split_names([text])
    if len(names) > MAX_EXCLUDED_CREATORS:
        raise ValidationError({"creators": f"You can exclude at most {MAX_EXCLUDED_CREATORS:,} creators."})
    users: dict[int, User] = {}
    pseuds: dict[int, Pseud] = {}
    unknown: list[str] = []
    for name in names:
        pseud_name, _, rest = name.partition("(")
        if rest.endswith(")") and pseud_name.strip():
            username = rest[:-1].strip()
            pseud = Pseud.objects.filter(user__username__iexact=username, name__iexact=pseud_name.strip()).first()
            if pseud is None:
                unknown.append(name)
            else:
                pseuds[pseud.pk] = pseud
            continue
        user = User.objects.filter(username__iexact=name, is_active=True).first()
        if user is None:
            unknown.append(name)
        else:
            users[user.pk] = user
    if unknown:
        listed = ", ".join(shown(name) for name in unknown[:5])
        raise ValidationError({"creators": f"No creator here is called {listed}."})
    if owner.pk in users or any(p.user_id == owner.pk for p in pseuds.values()):
        raise ValidationError({"creators": "Your own works are never hidden from you: leave yourself out."})
    return list(users.values()), list(pseuds.values())


def _choices(values: list[str], allowed: Collection[str], name: str) -> list[str]:
    wrong = [value for value in values if value not in allowed]
    if wrong:
        raise ValidationError({name: f"{shown(wrong[0])} is not one of the choices."})
    return list(dict.fromkeys(values))


def _max_fandoms(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        number = parse_digits(text)
    except NotANumber:
        raise ValidationError({"max_fandoms": number_message("More than this many fandoms", text)}) from None
    if number > MAX_FANDOMS:
        raise ValidationError({"max_fandoms": f"More than this many fandoms must be at most {MAX_FANDOMS:,}."})
    return number


def save_exclusion_profile(user: User, choices: ExclusionChoices) -> ExclusionProfile:
    """Replace the reader's exclusion profile; its new version shows the change at once on every listing."""
    tags = _tags(choices.tags)
    users, pseuds = _creators(choices.creators, user)
    languages = _choices(choices.languages, LANGUAGE_NAMES, "languages")
    ratings = _choices(choices.ratings, RATINGS, "ratings")
    warnings = _choices(choices.warnings, set(WARNINGS), "warnings")
    shelves = _choices(choices.shelves, PROFILE_SHELVES, "shelves")
    max_fandoms = _max_fandoms(choices.max_fandoms)
    with transaction.atomic():
        profile, _ = ExclusionProfile.objects.select_for_update().get_or_create(user=user)
        profile.languages, profile.ratings, profile.warnings, profile.shelves = languages, ratings, warnings, shelves
        profile.crossovers = choices.crossovers
        profile.max_fandoms = max_fandoms
        profile.version = new_version()
        profile.save(
            update_fields=[
                "languages", "ratings", "warnings", "shelves", "crossovers", "max_fandoms", "version", "updated_at"
            ]
        )  # fmt: skip
        profile.tags.set(tags)
        profile.users.set(users)
        profile.pseuds.set(pseuds)
    user.__dict__.pop(VERSIONS_MEMO, None)  # this user object's next listing reads the new version
    return profile
