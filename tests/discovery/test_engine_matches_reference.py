"""The engine answers exactly what a plain Python reference answers, over random corpora and random queries."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from fanshelf.accounts.models import User
from fanshelf.discovery import search
from fanshelf.discovery.live import ensure_fresh, reset_shared_index
from fanshelf.discovery.query import WorkQuery
from fanshelf.tags.models import CATEGORIES, Tag, TagType
from fanshelf.works.actions import ChapterFields, add_chapter, delete_work, set_hidden_by_moderator
from fanshelf.works.models import Work, WorkChange
from tests.discovery.reference import expected
from tests.factories import make_user, make_work

FANDOMS = ["Tidewater Chronicles", "Harbor Lights", "Salt Road"]
CHARACTERS = ["Mira Vance", "Oren Hale", "Kestrel"]
RELATIONSHIPS = ["Mira Vance/Oren Hale", "Kestrel & Tamsin"]
FREEFORMS = ["Fluff", "Angst", "Slow Burn"]
SYNONYMS = {"TC": "Tidewater Chronicles", "Mira": "Mira Vance", "fluffy": "Fluff", "Mira/Oren": "Mira Vance/Oren Hale"}
UNWRANGLED = ["Lighthouse AU"]
ALL_USER_TAGS = FANDOMS + CHARACTERS + RELATIONSHIPS + FREEFORMS + list(SYNONYMS) + UNWRANGLED
# Names that filter (canonical tags and synonyms); any other name is searched as text, which the reference leaves out.
FILTER_TAGS = [name for name in ALL_USER_TAGS if name not in UNWRANGLED]
RATINGS = ["General Audiences", "Teen And Up Audiences", "Explicit", "Not Rated"]
WARNINGS = ["No Archive Warnings Apply", "Major Character Death", "Graphic Depictions Of Violence"]
SORTS = ["", "title", "creator", "posted", "updated", "words", "kudos", "hits", "comments", "bookmarks"]
TODAY = datetime.date(2025, 1, 31)

if TYPE_CHECKING:
    from fanshelf.works.models import Viewer


def _make_tags() -> None:
    for tag_type, names in (
        (TagType.FANDOM, FANDOMS),
        (TagType.CHARACTER, CHARACTERS),
        (TagType.RELATIONSHIP, RELATIONSHIPS),
        (TagType.FREEFORM, FREEFORMS),
    ):
        for name in names:
            Tag.objects.create(name=name, type=tag_type, canonical=True)
    for synonym, canonical in SYNONYMS.items():
        target = Tag.objects.get(name=canonical)
        Tag.objects.create(name=synonym, type=target.type, merger=target)
    Tag.objects.create(name="Lighthouse AU", type=TagType.FREEFORM)


def _typed(names: list[str], tag_type: str) -> list[str]:
    types = dict(Tag.objects.filter(name__in=names).values_list("name", "type"))
    return [n for n in names if types.get(n, TagType.FREEFORM) == tag_type]


work_specs = st.fixed_dictionaries(
    {
        "title": st.sampled_from(["Salt", "the Lantern", "Ember Tide", "Ébène", "Quiet Harbor", "a Keeper"]),
        "tags": st.lists(st.sampled_from(ALL_USER_TAGS), max_size=4, unique=True),
        "fandoms": st.lists(st.sampled_from([*FANDOMS, "TC"]), min_size=1, max_size=2, unique=True),
        "rating": st.sampled_from(RATINGS),
        "warnings": st.lists(st.sampled_from(WARNINGS), min_size=1, max_size=2, unique=True),
        "categories": st.lists(st.sampled_from(CATEGORIES), max_size=2, unique=True),
        "chapters": st.integers(1, 2),
        "expected": st.sampled_from([None, 1, 2]),
        "state": st.sampled_from(["public"] * 4 + ["restricted", "anonymous", "draft", "hidden", "unrevealed"]),
        "language": st.sampled_from(["en", "en", "fr"]),
        "counts": st.tuples(*[st.integers(0, 4)] * 4),
        "days_ago": st.integers(0, 40),
        "author": st.integers(0, 1),
    }
)

query_params = st.fixed_dictionaries(
    {},
    optional={
        "include": st.lists(st.sampled_from(FILTER_TAGS), max_size=2),
        "exclude": st.lists(st.sampled_from(FILTER_TAGS), max_size=2),
        "rating": st.lists(st.sampled_from(RATINGS), max_size=2),
        "warning": st.lists(st.sampled_from(WARNINGS), max_size=1),
        "category": st.lists(st.sampled_from(CATEGORIES), max_size=1),
        "crossover": st.sampled_from(["include", "exclude", "only"]),
        "complete": st.sampled_from(["1", "0"]),
        "single_chapter": st.just("1"),
        "otp": st.sampled_from(["1", "0"]),
        "words_from": st.integers(10, 30).map(str),
        "kudos_to": st.integers(0, 3).map(str),
        "hits_from": st.integers(0, 3).map(str),
        # Bounds beyond a uint32 column's range: nothing, or everything, passes.
        "bookmarks_from": st.sampled_from(["1", "99999999999"]),
        "comments_to": st.sampled_from(["2", "99999999999"]),
        "language": st.sampled_from(["en", "fr"]),
        "posted_from": st.integers(0, 40).map(lambda d: (TODAY - datetime.timedelta(days=d)).isoformat()),
        "sort": st.sampled_from(SORTS),
        "direction": st.sampled_from(["asc", "desc"]),
        "page": st.sampled_from(["1", "2"]),
    },
)


def _create(spec: dict[str, Any], authors: list[User]) -> Work:
    user = authors[spec["author"]]
    tags = spec["tags"]
    words = "Waves folded over the quay while the lamps came on. " * (1 + len(spec["tags"]))
    work = make_work(
        user,
        title=spec["title"],
        chapters=[words] * spec["chapters"],
        post=spec["state"] != "draft",
        rating=spec["rating"],
        warnings=spec["warnings"],
        fandoms=spec["fandoms"],
        categories=spec["categories"],
        characters=_typed(tags, TagType.CHARACTER),
        relationships=_typed(tags, TagType.RELATIONSHIP),
        freeforms=_typed(tags, TagType.FREEFORM) + _typed(tags, TagType.FANDOM),
        restricted=spec["state"] == "restricted",
        anonymous=spec["state"] == "anonymous",
        language=spec["language"],
        published_on=TODAY - datetime.timedelta(days=spec["days_ago"]),
    )
    kudos, hits, comments, bookmarks = spec["counts"]
    Work.objects.filter(pk=work.pk).update(
        kudos_count=kudos, hit_count=hits, comment_count=comments, bookmark_count=bookmarks,
        expected_chapters=spec["expected"], unrevealed=spec["state"] == "unrevealed",
    )  # fmt: skip
    WorkChange.objects.create(work_id=work.pk, kind="test_counts")
    if spec["state"] == "hidden":
        set_hidden_by_moderator(work, True)
    return work


# How facets are counted: through the work -> tags column; by walking tags (never giving up); or walking with a
# budget of tags that runs out part way, after `checkpoint` tags, so the column finishes the job.
FACET_PATHS = st.one_of(
    st.just(("column", 0.0, 1)),
    st.just(("walk", float("inf"), 1)),
    st.tuples(st.just("budget"), st.floats(0.0, 3.0), st.integers(1, 4)),
)


def _check(
    params: dict[str, Any], viewer: Viewer, facet_path: tuple[str, float, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    query = WorkQuery.from_params(params)
    query = WorkQuery(**{**query.__dict__, "per_page": 3})
    path, budget, checkpoint = facet_path
    monkeypatch.setattr(search, "SMALL_RESULT", 10_000 if path == "column" else 0)
    monkeypatch.setattr(search, "_walk_budget", lambda matches, results: budget)
    monkeypatch.setattr(search, "WALK_CHECKPOINT", checkpoint)
    if path == "budget":  # skip the up-front estimate, so the walk itself runs out of budget
        monkeypatch.setattr(search, "_expected_steps", lambda *args: 0)
    result = search.execute(query, viewer, ensure_fresh())
    want = expected(query, viewer)
    assert (result.total, result.work_ids) == (want.total, want.work_ids), params
    got = {name: [(f.tag_id, f.count) for f in counts] for name, counts in result.facets.items() if counts}
    assert got == want.facets, params


@pytest.mark.django_db
# Shrinking replays whole corpora through the database and can take minutes; the failing example is printed as is.
@settings(
    max_examples=25,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    corpus=st.lists(work_specs, min_size=1, max_size=9),
    later=st.lists(work_specs, max_size=3),
    queries=st.lists(query_params, min_size=1, max_size=4),
    facet_path=FACET_PATHS,
    edits=st.lists(st.sampled_from(["hide", "unhide", "chapter", "delete"]), max_size=2),
)
def test_filters_sorts_pages_and_facets_match_the_reference_for_guests_and_users(
    corpus: list[dict[str, Any]],
    later: list[dict[str, Any]],
    queries: list[dict[str, Any]],
    facet_path: tuple[str, float, int],
    edits: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with transaction.atomic():
        reset_shared_index()
        _make_tags()
        authors = [make_user("Quillfeather"), make_user("Inkwell")]
        works = [_create(spec, authors) for spec in corpus]
        ensure_fresh()  # built now; everything below arrives through the outbox
        works += [_create(spec, authors) for spec in later]
        for edit, work in zip(edits, works, strict=False):
            if edit in ("hide", "unhide"):
                set_hidden_by_moderator(work, edit == "hide")
            elif edit == "chapter" and work.posted:
                add_chapter(work, ChapterFields(content="A new tide came in before dawn."), post=True)
            elif edit == "delete":
                delete_work(work)
        reader = User.objects.get(username="Inkwell")
        for params in queries:
            _check(params, AnonymousUser(), facet_path, monkeypatch)
            _check(params, reader, facet_path, monkeypatch)
        transaction.set_rollback(True)
    reset_shared_index()
