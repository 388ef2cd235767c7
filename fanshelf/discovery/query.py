"""The one query object shared by listings, search, the API and the CLI, and its two readable forms: URL
parameters (`/works/?include=...&sort=kudos`) and operators written into the search text (`words>1000`).

Anything a reader can type that makes no sense raises `QueryError` with a message fit to show them.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import QueryDict

from fanshelf.accounts.models import AiDisclosure
from fanshelf.core.numbers import NotANumber, name_holding_nul, nul_message, number_message, parse_digits
from fanshelf.core.pagination import MAX_PAGE
from fanshelf.core.prepared import MAX_VALUES, Prepared, all_fields, loaded
from fanshelf.discovery.reader_sets import SHELF_LABELS
from fanshelf.tags.models import CATEGORIES, RATINGS, WARNINGS, Tag, typed_names

MAX_TAGS = 30
MAX_TEXT = 1_000
PER_PAGE = 20
Crossover = Literal["include", "exclude", "only"]
Direction = Literal["asc", "desc"]
Getter = Callable[[str], list[str]]

SORTS = ("best_match", "creator", "title", "posted", "updated", "words", "hits", "kudos", "comments", "bookmarks")
SORT_ALIASES = {
    "_score": "best_match", "relevance": "best_match", "author": "creator", "authors_to_sort_on": "creator",
    "title_to_sort_on": "title", "created_at": "posted", "date_posted": "posted", "published": "posted",
    "revised_at": "updated", "date_updated": "updated", "date": "updated", "word_count": "words",
    "kudos_count": "kudos", "comments_count": "comments", "bookmarks_count": "bookmarks",
}  # fmt: skip
# The sorts the filter form offers, in its words.
SORT_LABELS = {
    "best_match": "Best match", "creator": "Creator", "title": "Title", "posted": "Date posted",
    "updated": "Date updated", "words": "Word count", "hits": "Hits", "kudos": "Kudos", "comments": "Comments",
    "bookmarks": "Bookmarks",
}  # fmt: skip
ASCENDING_BY_DEFAULT = frozenset({"creator", "title"})
RANGE_FIELDS = ("words", "kudos", "hits", "comments", "bookmarks", "audio")  # audio in whole minutes
_TRUE = {"1", "true", "yes", "on", "t", "y"}
FALSE_WORDS = frozenset({"0", "false", "no", "off", "f", "n"})
RATING_CODES = {code.lower(): name for name, code in RATINGS.items()}
# A work's AI-use disclosure as the `ai` and `ai_exclude` parameters take it: the value, or its label.
AI_USES = {str(value): str(label) for value, label in AiDisclosure.choices}
AI_USE_NAMES = {**{value: value for value in AI_USES}, **{label.lower(): value for value, label in AI_USES.items()}}
_AI_USE_MESSAGE = "an AI use: none, assisted or generated"
# The filter form's words for each parameter, so a message names what the reader sees on the form, not the URL.
RANGE_LABELS = {
    "words": "Words", "hits": "Hits", "kudos": "Kudos", "comments": "Comments", "bookmarks": "Bookmarks",
    "audio": "Podfic minutes",
}  # fmt: skip
DATE_LABELS = {"updated": "Date updated", "posted": "Date posted"}
FIELD_LABELS: dict[str, str] = {
    "include": "Include tags", "exclude": "Exclude tags", "rating": "Rating", "warning": "Archive warnings",
    "category": "Categories", "crossover": "Crossovers", "complete": "Completion status",
    "single_chapter": "Single chapter only", "otp": "One relationship only", "language": "Language",
    "q": "Search text", "shelf": "Only works on my shelf", "hide_shelf": "Hide works on my shelves",
    "sort": "Sort by", "direction": "Direction", "page": "Page", "exclusions": "Your filters",
    "ai": "AI use", "ai_exclude": "Hide works by AI use",
    **{f"{name}_{end}": f"{label} {end}" for name, label in {**RANGE_LABELS, **DATE_LABELS}.items()
       for end in ("from", "to")},
}  # fmt: skip


class QueryError(ValueError):
    """A query a reader wrote that cannot be run; the message says why, in words fit for the page."""


@dataclass(frozen=True)
class Range:
    """An inclusive integer range; None means open on that side."""

    low: int | None = None
    high: int | None = None

    def narrowed(self, low: int | None = None, high: int | None = None) -> Range:
        """This range intersected with [low, high]."""
        new_low = self.low if low is None else low if self.low is None else max(self.low, low)
        new_high = self.high if high is None else high if self.high is None else min(self.high, high)
        return Range(new_low, new_high)

    @property
    def is_open(self) -> bool:
        return self.low is None and self.high is None


@dataclass(frozen=True)
class DateRange:
    start: datetime.date | None = None
    end: datetime.date | None = None

    @property
    def is_open(self) -> bool:
        return self.start is None and self.end is None


@dataclass(frozen=True)
class WorkQuery:
    """What a reader asked for. Tag names are canonical names (synonyms are resolved when parsing)."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    ratings: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    crossover: Crossover = "include"
    complete: bool | None = None
    single_chapter: bool = False
    otp: bool | None = None  # exactly one relationship (a synonym and its canonical count as one), as on AO3
    words: Range = Range()
    kudos: Range = Range()
    hits: Range = Range()
    comments: Range = Range()
    bookmarks: Range = Range()
    audio: Range = Range()  # whole minutes of podfic
    posted: DateRange = DateRange()
    updated: DateRange = DateRange()
    language: str = ""
    # The AI-use disclosure (AI_USES): only works saying one of `ai`; none saying one of `ai_exclude`.
    ai: tuple[str, ...] = ()
    ai_exclude: tuple[str, ...] = ()
    pseud_ids: tuple[int, ...] = ()
    # The reader's own shelves (discovery/reader_sets.py): only works on this one; none of the works on these.
    shelf: str = ""
    hide_shelves: tuple[str, ...] = ()
    # The reader's exclusion profile (discovery/exclusions.py) applies unless `exclusions=off` is in the URL.
    exclusions: bool = True
    q: str = ""
    # Names typed as tags that are no canonical tag (nor a synonym of one): searched as text instead, like AO3's
    # "other tags"; their words are in `phrases` / `excluded_phrases` too.
    other_include: tuple[str, ...] = ()
    other_exclude: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    excluded_phrases: tuple[str, ...] = ()
    sort: str = ""
    direction: Direction | None = None
    page: int = 1
    per_page: int = PER_PAGE

    @property
    def effective_sort(self) -> str:
        """The sort in force: best match for text searches, newest updated otherwise."""
        if self.sort and (self.sort != "best_match" or self.phrases):
            return self.sort
        return "best_match" if self.phrases else "updated"

    @property
    def descending(self) -> bool:
        if self.direction is not None:
            return self.direction == "desc"
        return self.effective_sort not in ASCENDING_BY_DEFAULT

    @classmethod
    def from_params(cls, params: QueryDict | Mapping[str, str | list[str]], **fixed: object) -> WorkQuery:
        """Parse readable URL parameters (see docs/discovery.md); `fixed` adds what the page itself implies,
        e.g. pseud_ids on a creator page. Tag names are resolved (synonyms to their canonical)."""
        get = _getter(params)
        nul = name_holding_nul(params)
        if nul is not None:
            raise QueryError(nul_message(FIELD_LABELS.get(nul, nul)))
        typed = {label: _tag_names_typed(get, label) for label in ("include", "exclude")}
        known = tags_named([*typed["include"], *typed["exclude"]])
        include, other_include = resolve_tag_names(typed["include"], known)
        exclude, other_exclude = resolve_tag_names(typed["exclude"], known)
        query = cls(
            include=include,
            exclude=exclude,
            other_include=other_include,
            other_exclude=other_exclude,
            ratings=_fixed_names(
                split_names(get("rating")), {**{n.lower(): n for n in RATINGS}, **RATING_CODES}, "a rating"
            ),
            warnings=_fixed_names(split_names(get("warning")), {n.lower(): n for n in WARNINGS}, "an archive warning"),
            categories=_fixed_names(split_names(get("category")), {n.lower(): n for n in CATEGORIES}, "a category"),
            crossover=_choice(_last(get("crossover")) or "include", ("include", "exclude", "only"), "Crossovers"),  # type: ignore[arg-type]
            complete=_flag(_last(get("complete")), FIELD_LABELS["complete"]),
            single_chapter=bool(_flag(_last(get("single_chapter")), FIELD_LABELS["single_chapter"])),
            otp=_flag(_last(get("otp")), FIELD_LABELS["otp"]),
            posted=_dates(get, "posted"),
            updated=_dates(get, "updated"),
            language=_last(get("language")).strip(),
            ai=_fixed_names(split_names(get("ai")), AI_USE_NAMES, _AI_USE_MESSAGE),
            ai_exclude=_fixed_names(split_names(get("ai_exclude")), AI_USE_NAMES, _AI_USE_MESSAGE),
            shelf=_shelf_name(_last(get("shelf"))),
            hide_shelves=tuple(dict.fromkeys(_shelf_name(name) for name in split_names(get("hide_shelf")))),
            exclusions=_choice(_last(get("exclusions")).strip() or "on", ("on", "off"), "Your filters") == "on",
            sort=_sort_name(_last(get("sort"))),
            direction=_direction(_last(get("direction"))),
            page=_page(_last(get("page"))),
            **{name: _range(get, name) for name in RANGE_FIELDS},  # type: ignore[arg-type]
        )
        query = replace(query, **fixed)  # type: ignore[arg-type]
        return with_text(query, _last(get("q")))

    def to_params(self) -> list[tuple[str, str]]:
        """The URL parameters that parse back into this query (for links: next page, remove a filter)."""
        pairs = [("include", n) for n in (*self.include, *self.other_include)]
        pairs += [("exclude", n) for n in (*self.exclude, *self.other_exclude)]
        pairs += [("rating", n) for n in self.ratings] + [("warning", n) for n in self.warnings]
        pairs += [("category", n) for n in self.categories]
        if self.crossover != "include":
            pairs.append(("crossover", self.crossover))
        if self.complete is not None:
            pairs.append(("complete", "1" if self.complete else "0"))
        if self.single_chapter:
            pairs.append(("single_chapter", "1"))
        if self.otp is not None:
            pairs.append(("otp", "1" if self.otp else "0"))
        for name in RANGE_FIELDS:
            value: Range = getattr(self, name)
            pairs += [(f"{name}_from", str(value.low))] if value.low is not None else []
            pairs += [(f"{name}_to", str(value.high))] if value.high is not None else []
        for name in ("posted", "updated"):
            dates: DateRange = getattr(self, name)
            pairs += [(f"{name}_from", dates.start.isoformat())] if dates.start else []
            pairs += [(f"{name}_to", dates.end.isoformat())] if dates.end else []
        pairs += [("language", self.language)] if self.language else []
        pairs += [("ai", name) for name in self.ai] + [("ai_exclude", name) for name in self.ai_exclude]
        pairs += [("shelf", self.shelf)] if self.shelf else []
        pairs += [("hide_shelf", name) for name in self.hide_shelves]
        pairs += [] if self.exclusions else [("exclusions", "off")]
        pairs += [("q", self.q)] if self.q else []
        pairs += [("sort", self.sort)] if self.sort else []
        pairs += [("direction", self.direction)] if self.direction else []
        pairs += [("page", str(self.page))] if self.page != 1 else []
        return pairs


def _getter(params: QueryDict | Mapping[str, str | list[str]]) -> Getter:
    def get(name: str) -> list[str]:
        if isinstance(params, QueryDict):
            return params.getlist(name)
        value = params.get(name, [])
        return [value] if isinstance(value, str) else list(value)

    return get


def _last(values: list[str]) -> str:
    return values[-1] if values else ""


def split_names(values: Iterable[str]) -> list[str]:
    """Repeated parameters, each possibly a comma list (tag names cannot contain commas)."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _tag_names_typed(get: Getter, label: str) -> list[str]:
    names = split_names(get(label))
    if len(names) > MAX_TAGS:
        raise QueryError(f"You can {label} at most {MAX_TAGS} tags.")
    return names


def tags_named(names: list[str]) -> dict[str, Tag]:
    """The tags these names name (as `Tag.objects.named_any` finds them), with their canonicals, in one query (none
    for no names): {name stripped and lowercased: tag}. A listing with tags asks it on every view, so by SQL
    compiled once per size of the list of names (core/prepared.py: rows_in)."""
    typed = typed_names(names)
    if not typed:
        return {}
    if len(typed) > MAX_VALUES:
        return Tag.objects.select_related("merger").named_any(typed)
    fields = all_fields(Tag)
    found: dict[str, Tag] = {}
    for lower_name, *row in _tags_named.rows_in("named", typed):
        tag, merger_row = loaded(Tag, fields, row[: len(fields)]), row[len(fields) :]
        merger = loaded(Tag, fields, merger_row) if merger_row[0] is not None else None
        Tag.merger.field.set_cached_value(tag, merger)
        found[lower_name] = tag
    return found


def _tags_named_of(shape: Any, *typed: str) -> QuerySet[Any]:
    fields = all_fields(Tag)
    named = Tag.objects.named_in(typed)
    return named.values_list("lower_name", *fields, *(f"merger__{name}" for name in fields))


_tags_named = Prepared(_tags_named_of, text=True)


def resolve_tag_names(names: list[str], known: dict[str, Tag]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Tag names as typed (any case, synonyms accepted), with the tags `tags_named` found for them: (the canonical
    names they filter by, the names that are no canonical tag nor a synonym of one). Those are searched as text, as
    AO3 does, rather than refused: a partial name ("Liesl") still finds works whose tags hold it, and an unwrangled
    tag is found by its words. Treating every tag without a canonical alike also keeps the answer from telling
    whether a tag seen only on drafts or hidden works exists."""
    resolved: list[str] = []
    others: list[str] = []
    for name in names:
        tag = known.get(name.strip().lower())
        target = tag.filterable if tag is not None else None
        if target is None or not target.canonical or target.banned:  # banned: as if missing (moderation.md)
            if " ".join(name.split()) not in others:
                others.append(" ".join(name.split()))
        elif target.name not in resolved:
            resolved.append(target.name)
    return tuple(resolved), tuple(others)


def _fixed_names(values: list[str], known: dict[str, str], label: str) -> tuple[str, ...]:
    names: list[str] = []
    for value in values:
        name = known.get(value.lower())
        if name is None:
            raise QueryError(f"“{value}” is not {label}.")
        if name not in names:
            names.append(name)
    return tuple(names)


def _shelf_name(value: str) -> str:
    name = value.strip().lower()
    if name and name not in SHELF_LABELS:
        raise QueryError(f"“{value}” is not a shelf: use {', '.join(SHELF_LABELS)}.")
    return name


def _choice(value: str, allowed: tuple[str, ...], label: str) -> str:
    if value.lower() not in allowed:
        raise QueryError(f"{label} must be {', '.join(allowed[:-1])} or {allowed[-1]}, not “{value}”.")
    return value.lower()


def _flag(value: str, label: str) -> bool | None:
    if not value.strip():
        return None
    if value.lower() in _TRUE:
        return True
    if value.lower() in FALSE_WORDS:
        return False
    raise QueryError(f"{label} must be yes or no (1 or 0), not “{value}”.")


def parse_count(value: str, label: str) -> int:
    """A whole non-negative number in the digits 0-9, commas allowed ("1,000")."""
    try:
        return parse_digits(value.replace(",", "").replace("_", "").strip())
    except NotANumber:
        raise QueryError(number_message(label, value)) from None


def _range(get: Getter, name: str) -> Range:
    values = get(f"{name}_from"), get(f"{name}_to")
    low = parse_count(_last(values[0]), FIELD_LABELS[f"{name}_from"]) if _last(values[0]).strip() else None
    high = parse_count(_last(values[1]), FIELD_LABELS[f"{name}_to"]) if _last(values[1]).strip() else None
    return Range(low, high)


def _dates(get: Getter, name: str) -> DateRange:
    parsed: list[datetime.date | None] = []
    for suffix in ("from", "to"):
        value = _last(get(f"{name}_{suffix}")).strip()
        try:
            parsed.append(datetime.date.fromisoformat(value) if value else None)
        except ValueError:
            label = FIELD_LABELS[f"{name}_{suffix}"]
            raise QueryError(f"{label} must be a date like 2024-12-31, not “{value}”.") from None
    return DateRange(parsed[0], parsed[1])


def _sort_name(value: str) -> str:
    name = value.strip().lower().replace(" ", "_")
    if not name:
        return ""
    name = SORT_ALIASES.get(name, name)
    if name not in SORTS:
        offered = [label.lower() for label in SORT_LABELS.values()]
        raise QueryError(f"Works can be sorted by {', '.join(offered[:-1])} or {offered[-1]}, not “{value}”.")
    return name


def _direction(value: str) -> Direction | None:
    if not value.strip():
        return None
    if value.strip().lower() not in ("asc", "desc"):
        raise QueryError(f"Direction must be ascending or descending (asc or desc), not “{value}”.")
    return value.strip().lower()  # type: ignore[return-value]


def _page(value: str) -> int:
    if not value.strip():
        return 1
    page = parse_count(value, "Page")
    if not 1 <= page <= MAX_PAGE:
        raise QueryError(f"Page must be between 1 and {MAX_PAGE:,}.")
    return page


# -- operators inside the search text ---------------------------------------------------------------------------

_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')
_OPERATOR = re.compile(r"^(?P<field>[a-z_]+)(?P<op>>=|<=|>|<|:|=)(?P<value>.*)$", re.IGNORECASE)
_FIELD_ALIASES = {"word": "words", "word_count": "words", "comment": "comments", "bookmark": "bookmarks"}
_FLAG_FIELDS = {"complete", "single_chapter", "single", "otp", "crossover", "sort", "language", "lang"}


@dataclass
class _TextParts:
    phrases: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    changes: dict[str, object] = field(default_factory=dict)


def with_text(query: WorkQuery, text: str) -> WorkQuery:
    """The query with the search text parsed in: words and phrases, exclusions, and field operators."""
    text = text.strip()
    if not text:
        return _searching_other_names(query)
    if len(text) > MAX_TEXT:
        raise QueryError(f"The search text can be at most {MAX_TEXT:,} characters.")
    if text.count('"') % 2:
        raise QueryError("A quotation mark in the search text is not closed.")
    parts = _TextParts()
    for match in _TOKEN.finditer(text):
        negated, quoted, bare = match.group(1), match.group(2), match.group(3)
        if quoted is not None:
            _add_phrase(parts, quoted, bool(negated))
        elif not _operator(query, parts, bare):
            _add_phrase(parts, bare[1:], True) if bare.startswith("-") else _add_phrase(parts, bare, False)
    query = replace(query, **parts.changes)  # type: ignore[arg-type]
    query = replace(query, q=text, phrases=tuple(parts.phrases), excluded_phrases=tuple(parts.excluded))
    return _searching_other_names(query)


def _searching_other_names(query: WorkQuery) -> WorkQuery:
    """The query with its other tag names (no canonical tag) added to the text it searches for or excludes."""
    if not query.other_include and not query.other_exclude:
        return query
    parts = _TextParts(phrases=list(query.phrases), excluded=list(query.excluded_phrases))
    for name in query.other_include:
        _add_phrase(parts, name, False)
    for name in query.other_exclude:
        _add_phrase(parts, name, True)
    return replace(query, phrases=tuple(parts.phrases), excluded_phrases=tuple(parts.excluded))


def _add_phrase(parts: _TextParts, phrase: str, negated: bool) -> None:
    phrase = " ".join(phrase.split())
    if not any(ch.isalnum() for ch in phrase):
        return
    target = parts.excluded if negated else parts.phrases
    if phrase not in target:
        target.append(phrase)


def _operator(query: WorkQuery, parts: _TextParts, token: str) -> bool:
    """Apply `token` if it is a field operator; False when it is just a word (e.g. "Re:Zero")."""
    match = _OPERATOR.match(token)
    if match is None:
        return False
    name = match["field"].lower()
    name = _FIELD_ALIASES.get(name, name)
    op, value = match["op"], match["value"]
    if name in RANGE_FIELDS:
        current: Range = parts.changes.get(name, getattr(query, name))  # type: ignore[assignment]
        parts.changes[name] = _range_operator(current, name, op, value, token)
        return True
    if name not in _FLAG_FIELDS or op not in (":", "="):
        return False
    if name == "sort":
        sort, _, direction = value.partition("-") if "-" in value else (value, "", "")
        parts.changes["sort"] = _sort_name(sort)
        if direction:
            parts.changes["direction"] = _direction(direction)
    elif name in ("complete", "single_chapter", "single", "otp"):
        key = {"complete": "complete", "otp": "otp"}.get(name, "single_chapter")
        flag = _flag(value, token)
        if flag is None:
            raise QueryError(f"“{token}” needs true or false.")
        parts.changes[key] = flag
    elif name == "crossover":
        parts.changes["crossover"] = _choice(value or "?", ("include", "exclude", "only"), token)
    else:
        parts.changes["language"] = value.strip()
    return True


def _range_operator(current: Range, name: str, op: str, value: str, token: str) -> Range:
    if op in (":", "=") and "-" in value.strip("-"):
        low_text, _, high_text = value.partition("-")
        low, high = parse_count(low_text, token), parse_count(high_text, token)
        if low > high:
            raise QueryError(f"“{token}”: the range starts after it ends.")
        return current.narrowed(low, high)
    number = parse_count(value, token)
    bounds = {
        ">": (number + 1, None), ">=": (number, None), "<": (None, number - 1), "<=": (None, number),
        ":": (number, number), "=": (number, number),
    }[op]  # fmt: skip
    return current.narrowed(*bounds)
