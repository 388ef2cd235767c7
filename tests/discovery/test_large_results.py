"""What the engine does only with thousands of results (the random corpora of the reference test are too small to
reach it): choosing a page and the facets' top ten with a bound from block extremes, and reading many works' tags
as rows. Each is compared with a plain sort or count of the same data."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from fanshelf.discovery.index import DiscoveryIndex
from fanshelf.discovery.rowlists import RowLists
from fanshelf.discovery.search import FACET_LIMIT, _counted_tags, _kth, _packed_page

RNG_SEEDS = range(6)


def _arrays(seed: int) -> list[np.ndarray]:
    """Values as the engine meets them: random, few distinct (kudos of 0), and decreasing in order (counts of
    tags numbered by popularity), in each dtype it selects from."""
    rng = np.random.default_rng(seed)
    size = int(rng.integers(1, 20_000))
    return [
        rng.integers(0, 2**40, size, dtype=np.uint64),
        rng.integers(0, 3, size).astype(np.int64),
        np.sort(rng.zipf(1.5, size).astype(np.int64))[::-1].copy(),
        rng.random(size),
    ]


@pytest.mark.parametrize("seed", RNG_SEEDS)
def test_the_kth_value_is_the_sorted_arrays(seed: int) -> None:
    for values in _arrays(seed):
        ordered = np.sort(values)
        for k in {1, 10, 20, 60, len(values)}:
            if k <= len(values):
                assert _kth(values, k, largest=True) == ordered[-k]
                assert _kth(values, k, largest=False) == ordered[k - 1]


@pytest.mark.parametrize("seed", RNG_SEEDS)
def test_a_page_of_packed_keys_is_that_slice_of_the_sorted_keys(seed: int) -> None:
    rng = np.random.default_rng(seed)
    keys = rng.integers(0, 50, 30_000).astype(np.uint64) << np.uint64(32)  # many ties, broken by the work id
    packed = np.unique(keys | rng.permutation(30_000).astype(np.uint64))
    rng.shuffle(packed)
    ordered = np.sort(packed) & np.uint64(0xFFFFFFFF)
    for begin in (0, 20, 980, 29_990):
        end = min(begin + 20, len(packed))
        assert _packed_page(packed.copy(), begin, end, descending=False) == ordered[begin:end].tolist()
        assert _packed_page(packed.copy(), begin, end, descending=True) == ordered[::-1][begin:end].tolist()


def _tag_lists(rng: np.random.Generator, works: int, tags: int) -> dict[int, list[int]]:
    """Each work's tag ids (1..tags), tag 1 the most popular; a few works with far more tags than most."""
    lists = {}
    for work in range(1, works + 1):
        count = int(rng.integers(40, 60)) if work % 97 == 0 else int(rng.integers(0, 12))
        lists[work] = sorted({int(t) for t in rng.zipf(1.3, count) if t <= tags})
    return lists


def _rows(lists: dict[int, list[int]]) -> RowLists:
    owners = np.array([w for w, tags in lists.items() for _ in tags], dtype=np.int64)
    values = np.array([t for tags in lists.values() for t in tags], dtype=np.int64)
    return RowLists.from_sorted_pairs(owners, values, max(lists) + 1)


@pytest.mark.parametrize("seed", RNG_SEEDS)
def test_facet_counts_over_many_works_are_the_counted_tags_top_ten(seed: int) -> None:
    rng = np.random.default_rng(seed)
    lists = _tag_lists(rng, works=6_000, tags=3_000)
    index = DiscoveryIndex()
    index.tags = _rows(lists)
    index.facet_code = rng.integers(4, 8, 3_001).astype(np.int8)  # the four walked types, spread over the ids
    index.facet_code[rng.integers(1, 3_001, 300)] = 0  # synonyms and unwrangled tags: no facet
    results = np.sort(rng.choice(np.arange(1, 6_001), int(rng.integers(100, 6_000)), replace=False))
    counted = Counter(t for work in results.tolist() for t in lists[work])
    expected: dict[int, list[tuple[int, int]]] = {}
    for tag, count in sorted(counted.items(), key=lambda pair: (-pair[1], pair[0])):
        if index.facet_code[tag] and len(expected.setdefault(int(index.facet_code[tag]), [])) < FACET_LIMIT:
            expected[int(index.facet_code[tag])].append((tag, count))
    assert _counted_tags(index, results.astype(np.uint32)) == expected


def test_row_lists_keep_every_list_however_long_and_however_rewritten() -> None:
    rng = np.random.default_rng(11)
    lists = _tag_lists(rng, works=2_000, tags=100_000)
    rows = _rows(lists)
    assert rows.width < 40  # most works fit in a row; the long lists overflow
    rewrites = {7: list(range(1, 80)), 97: [5], 194: [], 2_500: [3, 9]}  # longer, shorter, emptied, a new work
    for work, tags in rewrites.items():
        rows.put(work, tags)
    lists.update(rewrites)
    for work, tags in lists.items():
        assert sorted(rows.get(work).tolist()) == tags
    owners = np.array(sorted(lists), dtype=np.int64)
    pair_owners, pair_tags = rows.pairs(owners)
    assert sorted(zip(pair_owners.tolist(), pair_tags.tolist(), strict=True)) == sorted(
        (w, t) for w, tags in lists.items() for t in tags
    )
    padded = rows.padded(owners)
    assert Counter(padded[padded != 0].tolist()) == Counter(t for tags in lists.values() for t in tags)
    assert rows.get(10**6).tolist() == []


def test_row_lists_refuse_the_padding_value() -> None:
    with pytest.raises(ValueError, match="positive"):
        RowLists().put(3, [4, 0])
