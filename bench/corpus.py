"""A deterministic AO3-shaped corpus: Zipf-skewed tags across the tag types (~13 per work, ~100,000 distinct per
million works), realistic ratings, warnings, word counts and statistics, loaded with bulk_create into the real tables.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from django.db import transaction
from django.utils import timezone

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
BATCH = 20_000


@dataclass
class Corpus:
    """What was generated, for the benchmark's query generator and the other engines."""

    work_ids: npt.NDArray[np.int64]
    tags_by_type: dict[str, list[int]]  # canonical ids, most popular first
    fixed: dict[str, list[int]]


def _zipf(rng: np.random.Generator, size: int, draws: int) -> npt.NDArray[np.int64]:
    weights = 1.0 / np.arange(1, size + 1, dtype=np.float64) ** ZIPF_EXPONENT
    return rng.choice(size, size=draws, p=weights / weights.sum())


def _make_tags(rng: np.random.Generator, works: int) -> dict[str, list[int]]:
    total = max(200, works * TAGS_PER_MILLION // 1_000_000)
    created: dict[str, list[int]] = {}
    for tag_type, share in TYPE_SHARES.items():
        count = max(10, int(total * share))
        names = [f"{tag_type.title()} {i:06d}" for i in range(count)]
        synonyms = rng.random(count) < SYNONYM_SHARE
        synonyms[:5] = False  # the most popular tags are canonical
        tags = [Tag(name=n, type=tag_type, canonical=not s) for n, s in zip(names, synonyms, strict=True)]
        Tag.objects.bulk_create(tags, batch_size=BATCH)
        ids = list(Tag.objects.filter(type=tag_type, name__in=names).order_by("name").values_list("pk", flat=True))
        # A synonym points at a canonical more popular than itself.
        updates = []
        for position in np.flatnonzero(synonyms).tolist():
            target = int(rng.integers(0, position))
            while synonyms[target]:
                target = int(rng.integers(0, max(1, target)))
            updates.append(Tag(pk=ids[position], merger_id=ids[target]))
        Tag.objects.bulk_update(updates, ["merger"], batch_size=BATCH)
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
    with transaction.atomic():
        tags = _make_tags(rng, size)
        pseuds = _make_creators(max(10, size // 8))
        work_ids = _make_works(rng, size)
        _link_creators(rng, work_ids, pseuds)
        _link_tags(rng, work_ids, tags, fixed)
    canonical = set(Tag.objects.filter(canonical=True).values_list("pk", flat=True))
    return Corpus(
        work_ids=work_ids, tags_by_type={t: [i for i in ids if i in canonical] for t, ids in tags.items()}, fixed=fixed
    )


def _make_creators(count: int) -> list[int]:
    unusable = "!"  # Django's marker for an unusable password
    users = [User(username=f"bench{i:07d}", email=f"bench{i}@example.org", password=unusable) for i in range(count)]
    User.objects.bulk_create(users, batch_size=BATCH)
    user_ids = User.objects.filter(username__startswith="bench").values_list("pk", "username")
    Pseud.objects.bulk_create(
        [Pseud(user_id=pk, name=name, is_default=True) for pk, name in user_ids], batch_size=BATCH
    )
    return list(Pseud.objects.filter(user__username__startswith="bench").values_list("pk", flat=True))


def _make_works(rng: np.random.Generator, size: int) -> npt.NDArray[np.int64]:
    words = np.clip(rng.lognormal(8.0, 1.3, size), 100, 600_000).astype(np.int64)
    chapters = np.clip((words / rng.uniform(2_000, 6_000, size)).astype(np.int64) + 1, 1, 200)
    unknown = rng.random(size) < 0.15
    expected = np.where(rng.random(size) < 0.7, chapters, chapters + rng.integers(1, 10, size))
    kudos = (rng.lognormal(3.0, 1.6, size) * np.sqrt(words / 3_000)).astype(np.int64)
    hits = (kudos * rng.uniform(8, 25, size)).astype(np.int64)
    comments = (kudos * rng.uniform(0.02, 0.3, size)).astype(np.int64)
    bookmarks = (kudos * rng.uniform(0.05, 0.25, size)).astype(np.int64)
    today = timezone.now()
    published_days = rng.integers(0, 15 * 365, size)
    revised_days = published_days - np.minimum(published_days, rng.integers(0, 400, size))
    state = rng.random(size)
    languages = np.where(rng.random(size) < 0.85, "en", rng.choice(["es", "fr", "zh", "ru", "de", "pt"], size))
    works = []
    for i in range(size):
        published = today - datetime.timedelta(days=int(published_days[i]))
        works.append(
            Work(
                title=f"{_TITLE_WORDS[i % len(_TITLE_WORDS)]} {_TITLE_WORDS[(i * 7) % len(_TITLE_WORDS)]} {i}",
                summary="A generated summary.", language=str(languages[i]),
                restricted=bool(state[i] < 0.03), anonymous=bool(0.03 <= state[i] < 0.05),
                posted=not 0.05 <= state[i] < 0.06, hidden_by_moderator=bool(0.06 <= state[i] < 0.065),
                expected_chapters=None if unknown[i] else int(expected[i]), posted_chapter_count=int(chapters[i]),
                word_count=int(words[i]), published_on=published.date(),
                revised_at=today - datetime.timedelta(days=int(revised_days[i]), seconds=i % 86_400),
                kudos_count=int(kudos[i]), hit_count=int(hits[i]), comment_count=int(comments[i]),
                bookmark_count=int(bookmarks[i]),
            )
        )  # fmt: skip
    created = Work.objects.bulk_create(works, batch_size=BATCH)
    return np.asarray([w.pk for w in created], dtype=np.int64)


_TITLE_WORDS = ["Salt", "Lantern", "Harbor", "Ember", "Tide", "Quiet", "Hollow", "Gull", "Ferry", "North", "Ash"]


def _link_creators(rng: np.random.Generator, work_ids: npt.NDArray[np.int64], pseuds: list[int]) -> None:
    chosen = _zipf(rng, len(pseuds), len(work_ids))
    rows = [
        Creatorship(work_id=int(w), pseud_id=pseuds[int(p)], position=0) for w, p in zip(work_ids, chosen, strict=True)
    ]
    Creatorship.objects.bulk_create(rows, batch_size=BATCH)


def _link_tags(
    rng: np.random.Generator, work_ids: npt.NDArray[np.int64], tags: dict[str, list[int]], fixed: dict[str, list[int]]
) -> None:
    through = Work.tags.through
    size = len(work_ids)
    pairs: list[tuple[int, int]] = []
    for tag_type, (low, high) in PER_WORK.items():
        counts = rng.integers(low, high + 1, size)
        if tag_type == TagType.FANDOM:
            counts = np.where(rng.random(size) < 0.9, 1, counts)  # about one work in ten is a crossover
        picks = _zipf(rng, len(tags[tag_type]), int(counts.sum()))
        owners = np.repeat(work_ids, counts)
        ids = np.asarray(tags[tag_type])[picks]
        pairs.extend(zip(owners.tolist(), ids.tolist(), strict=True))
    ratings = rng.choice(fixed["rating"], size=size, p=RATING_WEIGHTS)
    warnings = rng.choice(fixed["warning"], size=size, p=[0.25, 0.55, 0.1, 0.05, 0.03, 0.02])
    categories = rng.choice(fixed["category"], size=size, p=[0.12, 0.25, 0.25, 0.3, 0.05, 0.03])
    for column in (ratings, warnings, categories):
        pairs.extend(zip(work_ids.tolist(), column.tolist(), strict=True))
    unique = sorted(set(pairs))
    for begin in range(0, len(unique), BATCH * 5):
        through.objects.bulk_create(
            [through(work_id=w, tag_id=t) for w, t in unique[begin : begin + BATCH * 5]], batch_size=BATCH
        )
