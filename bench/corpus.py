"""A deterministic AO3-shaped corpus: Zipf-skewed tags across the tag types (~13 per work, ~100,000 distinct per
million works), realistic ratings, warnings, word counts and statistics, loaded into the real tables.

Rows are generated as numpy columns and written with `bench.bulkload` (executemany of plain tuples on SQLite, COPY
on PostgreSQL, in one transaction), so a million works load in minutes rather than an hour.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection, transaction
from django.utils import timezone

from bench.bulkload import fast_sqlite, insert_rows, next_id, reset_sequences
from fanshelf.accounts.models import Pseud, User
from fanshelf.tags.models import CATEGORIES, RATINGS, WARNINGS, Tag, TagType
from fanshelf.works.models import Creatorship, Work

SEED = 20_250_131
TAGS_PER_MILLION = 100_000
# Share of distinct user tags per type, and how many of each a work gets (low, high inclusive).
TYPE_SHARES = {TagType.FANDOM: 0.06, TagType.CHARACTER: 0.30, TagType.RELATIONSHIP: 0.24, TagType.FREEFORM: 0.40}
PER_WORK = {TagType.FANDOM: (1, 2), TagType.CHARACTER: (2, 4), TagType.RELATIONSHIP: (1, 2), TagType.FREEFORM: (2, 5)}
ZIPF_EXPONENT = 1.07
SYNONYM_SHARE = 0.08
RATING_WEIGHTS = [0.28, 0.30, 0.16, 0.16, 0.10]  # G, T, M, E, NR
Ids = npt.NDArray[np.int64]


@dataclass
class Corpus:
    """What was generated, for the benchmark's query generator and the other engines."""

    work_ids: Ids
    tags_by_type: dict[str, list[int]]  # canonical ids, most popular first
    fixed: dict[str, list[int]]


def _zipf(rng: np.random.Generator, size: int, draws: int) -> Ids:
    weights = 1.0 / np.arange(1, size + 1, dtype=np.float64) ** ZIPF_EXPONENT
    return rng.choice(size, size=draws, p=weights / weights.sum())


def _timestamps(values: npt.NDArray[np.datetime64]) -> list[str]:
    """UTC datetimes as the text each backend stores (SQLite: naive ISO text; PostgreSQL: timestamptz input)."""
    suffix = "+00:00" if connection.vendor == "postgresql" else ""
    return [text.replace("T", " ") + suffix for text in np.datetime_as_string(values, unit="us").tolist()]


def _make_tags(rng: np.random.Generator, works: int) -> dict[str, list[int]]:
    total = max(200, works * TAGS_PER_MILLION // 1_000_000)
    created: dict[str, list[int]] = {}
    next_tag = next_id(Tag)
    for tag_type, share in TYPE_SHARES.items():
        count = max(10, int(total * share))
        ids = list(range(next_tag, next_tag + count))
        next_tag += count
        synonyms = rng.random(count) < SYNONYM_SHARE
        synonyms[:5] = False  # the most popular tags are canonical
        merger: list[int | None] = [None] * count
        for position in np.flatnonzero(synonyms).tolist():  # a synonym points at a more popular canonical
            target = int(rng.integers(0, position))
            while synonyms[target]:
                target = int(rng.integers(0, max(1, target)))
            merger[position] = ids[target]
        rows = (
            (pk, f"{tag_type.title()} {i:06d}", str(tag_type), not synonyms[i], merger[i]) for i, pk in enumerate(ids)
        )
        insert_rows(Tag, ["id", "name", "type", "canonical", "merger_id"], rows)
        created[tag_type] = ids
    return created


def build_corpus(size: int, seed: int = SEED) -> Corpus:
    """Generate and load `size` works (deterministic for a seed)."""
    rng = np.random.default_rng(seed)
    fixed = {
        "rating": [Tag.objects.get(name=n).pk for n in RATINGS],
        "warning": [Tag.objects.get(name=n).pk for n in WARNINGS],
        "category": [Tag.objects.get(name=n).pk for n in CATEGORIES],
    }
    with fast_sqlite(), transaction.atomic():
        tags = _make_tags(rng, size)
        pseuds = _make_creators(max(10, size // 8))
        work_ids = _make_works(rng, size)
        _link_creators(rng, work_ids, pseuds)
        _link_tags(rng, work_ids, tags, fixed)
        reset_sequences([Tag, User, Pseud, Work])
    _analyze()
    canonical = set(Tag.objects.filter(canonical=True).values_list("pk", flat=True))
    return Corpus(
        work_ids=work_ids, tags_by_type={t: [i for i in ids if i in canonical] for t, ids in tags.items()}, fixed=fixed
    )


def _analyze() -> None:
    """Give PostgreSQL's planner the tables' statistics now: until autovacuum gets to millions of new rows it
    plans from empty tables' (one batch of the text index's reads took 1 s instead of 0.03 s). And vacuum, as
    autovacuum does on an archive that has run for a while (and `fanshelf move_to_postgres` does after its copy):
    until then every index-only lookup visits the table too (a listing's blurbs: ~3x the buffers for their tags),
    and a copy of the corpus, made as a template, keeps no statistics that would start autovacuum on it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def _make_creators(count: int) -> list[int]:
    first_user, first_pseud = next_id(User), next_id(Pseud)
    users = range(first_user, first_user + count)
    names = [f"bench{i:07d}" for i in range(count)]
    unusable = "!"  # Django's marker for an unusable password
    insert_rows(
        User,
        ["id", "username", "email", "password"],
        ((pk, name, f"{name}@example.org", unusable) for pk, name in zip(users, names, strict=True)),
    )
    pseuds = list(range(first_pseud, first_pseud + count))
    insert_rows(
        Pseud,
        ["id", "user_id", "name", "is_default"],
        ((pk, user, name, True) for pk, user, name in zip(pseuds, users, names, strict=True)),
    )
    return pseuds


def _make_works(rng: np.random.Generator, size: int) -> Ids:
    words = np.clip(rng.lognormal(8.0, 1.3, size), 100, 600_000).astype(np.int64)
    chapters = np.clip((words / rng.uniform(2_000, 6_000, size)).astype(np.int64) + 1, 1, 200)
    unknown = rng.random(size) < 0.15
    expected = np.where(rng.random(size) < 0.7, chapters, chapters + rng.integers(1, 10, size))
    kudos = (rng.lognormal(3.0, 1.6, size) * np.sqrt(words / 3_000)).astype(np.int64)
    hits = (kudos * rng.uniform(8, 25, size)).astype(np.int64)
    comments = (kudos * rng.uniform(0.02, 0.3, size)).astype(np.int64)
    bookmarks = (kudos * rng.uniform(0.05, 0.25, size)).astype(np.int64)
    now = np.datetime64(timezone.now().replace(tzinfo=None), "us")  # UTC
    published_days = rng.integers(0, 15 * 365, size)
    revised_days = published_days - np.minimum(published_days, rng.integers(0, 400, size))
    state = rng.random(size)
    languages = np.where(rng.random(size) < 0.85, "en", rng.choice(["es", "fr", "zh", "ru", "de", "pt"], size))
    first = next_id(Work)
    ids = np.arange(first, first + size, dtype=np.int64)
    published = np.datetime_as_string(
        now.astype("datetime64[D]") - published_days.astype("timedelta64[D]"), unit="D"
    ).tolist()
    seconds = (np.arange(size) % 86_400).astype("timedelta64[s]")
    revised = _timestamps(now - revised_days.astype("timedelta64[D]") - seconds)
    words_ = _TITLE_WORDS
    titles = [f"{words_[i % len(words_)]} {words_[(i * 7) % len(words_)]} {i}" for i in range(size)]
    expected_chapters: list[int | None] = [
        None if u else int(e) for u, e in zip(unknown, expected.tolist(), strict=True)
    ]
    columns: dict[str, list[Any]] = {
        "id": ids.tolist(), "title": titles, "summary": ["A generated summary."] * size,
        "language": languages.tolist(), "restricted": (state < 0.03).tolist(),
        "anonymous": ((state >= 0.03) & (state < 0.05)).tolist(),
        "posted": (~((state >= 0.05) & (state < 0.06))).tolist(),
        "hidden_by_moderator": ((state >= 0.06) & (state < 0.065)).tolist(), "expected_chapters": expected_chapters,
        "posted_chapter_count": chapters.tolist(), "word_count": words.tolist(), "published_on": published,
        "revised_at": revised, "kudos_count": kudos.tolist(), "hit_count": hits.tolist(),
        "comment_count": comments.tolist(), "bookmark_count": bookmarks.tolist(),
    }  # fmt: skip
    insert_rows(Work, list(columns), zip(*columns.values(), strict=True))
    return ids


_TITLE_WORDS = ["Salt", "Lantern", "Harbor", "Ember", "Tide", "Quiet", "Hollow", "Gull", "Ferry", "North", "Ash"]


def _link_creators(rng: np.random.Generator, work_ids: Ids, pseuds: list[int]) -> None:
    chosen = np.asarray(pseuds, dtype=np.int64)[_zipf(rng, len(pseuds), len(work_ids))]
    rows = zip(work_ids.tolist(), chosen.tolist(), [0] * len(work_ids), strict=True)
    insert_rows(Creatorship, ["work_id", "pseud_id", "position"], rows)


def _link_tags(
    rng: np.random.Generator, work_ids: Ids, tags: dict[str, list[int]], fixed: dict[str, list[int]]
) -> None:
    size = len(work_ids)
    owners: list[Ids] = []
    picked: list[Ids] = []
    for tag_type, (low, high) in PER_WORK.items():
        counts = rng.integers(low, high + 1, size)
        if tag_type == TagType.FANDOM:
            counts = np.where(rng.random(size) < 0.9, 1, counts)  # about one work in ten is a crossover
        picks = _zipf(rng, len(tags[tag_type]), int(counts.sum()))
        owners.append(np.repeat(work_ids, counts))
        picked.append(np.asarray(tags[tag_type], dtype=np.int64)[picks])
    ratings = rng.choice(fixed["rating"], size=size, p=RATING_WEIGHTS)
    warnings = rng.choice(fixed["warning"], size=size, p=[0.25, 0.55, 0.1, 0.05, 0.03, 0.02])
    categories = rng.choice(fixed["category"], size=size, p=[0.12, 0.25, 0.25, 0.3, 0.05, 0.03])
    for column in (ratings, warnings, categories):
        owners.append(work_ids)
        picked.append(np.asarray(column, dtype=np.int64))
    # One sorted, duplicate-free (work, tag) list: sorted order keeps the (work_id, tag_id) index appends cheap.
    keys = np.unique((np.concatenate(owners) << 32) | np.concatenate(picked))
    rows = zip((keys >> 32).tolist(), (keys & 0xFFFFFFFF).tolist(), strict=True)
    insert_rows(Work.tags.through, ["work_id", "tag_id"], rows)
