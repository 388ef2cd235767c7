"""A full build reading on worker threads matches one reading on this thread; rare tags keep id lists."""

from __future__ import annotations

import numpy as np
import pytest
from pyroaring import BitMap

from fanshelf.accounts.models import User
from fanshelf.discovery import loader
from fanshelf.discovery.columns import Columns, IdArray, ShortLists, SortRank
from fanshelf.discovery.index import DiscoveryIndex
from fanshelf.discovery.tagstore import RARE_LIMIT, TagBitmaps
from tests.factories import make_work


@pytest.mark.django_db(transaction=True)
def test_threaded_read_matches_inline_read(author: User) -> None:
    make_work(author, title="The Lantern", fandoms=("Tidewater Chronicles", "Harbor Lights"))
    make_work(author, title="Élan vital", fandoms=("Salt Road",), language="fr")
    make_work(author, title="A draft", post=False)
    with loader.ReadPool(parallel=True) as pool:
        threaded = loader.load_works(pool=pool)
    with loader.ReadPool(parallel=False) as pool:
        inline = loader.load_works(pool=pool)
    assert threaded.ids.tolist() == inline.ids.tolist()
    assert len(inline) == 2
    assert threaded.title_keys.tolist() == inline.title_keys.tolist() == [b"lantern", b"elan vital"]
    assert [threaded.language(i) for i in range(2)] == [inline.language(i) for i in range(2)] == ["en", "fr"]
    for name in loader.NUMBER_FIELDS:
        assert threaded.numbers[name].tolist() == inline.numbers[name].tolist(), name
    assert [a.tolist() for a in threaded.tag_pairs] == [a.tolist() for a in inline.tag_pairs]
    assert [a.tolist() for a in threaded.credits] == [a.tolist() for a in inline.credits]
    assert threaded.pseud_keys.tolist() == inline.pseud_keys.tolist()
    assert len(DiscoveryIndex.build()) == 2


def test_tag_bitmaps_read_like_a_dict_and_promote_rare_tags() -> None:
    works = list(range(RARE_LIMIT + 5))
    store = TagBitmaps.from_groups(
        tag_ids=_ids([3, 7]), bounds=_ids([0, 2, 2 + len(works)]), works=_ids([10, 20, *works])
    )
    assert dict(store.items()) == {3: BitMap([10, 20]), 7: BitMap(works)}
    assert 3 in store
    assert 4 not in store
    assert len(store) == 2
    assert sorted(store) == [3, 7]
    assert store.get(4) is None
    assert store.get(4, BitMap()) == BitMap()
    with pytest.raises(KeyError):
        store[4]
    store.add(3, 15)
    store.add(9, 1)
    assert store[3] == BitMap([10, 15, 20])
    assert store[9] == BitMap([1])
    assert store.discard(3, 10)
    assert not store.discard(5, 1)
    store.discard(9, 1)
    assert 9 not in store
    assert store[3] == BitMap([15, 20])
    for work_id in range(100, 100 + RARE_LIMIT):
        store.add(3, work_id)
    assert 3 in store.common
    assert len(store[3]) == RARE_LIMIT + 2
    tags, counts = store.counts()
    assert dict(zip(tags.tolist(), counts.tolist(), strict=True)) == {3: RARE_LIMIT + 2, 7: len(works)}


def _ids(values: list[int]) -> IdArray:
    return np.asarray(values, dtype=np.int64)


def test_narrow_columns_widen_for_large_counts() -> None:
    columns = Columns({"comments": np.uint16})
    columns.ensure(3)
    columns.put("comments", _ids([1, 2]), _ids([5, 70_000]))
    assert columns["comments"].dtype == np.uint32
    assert columns["comments"][:3].tolist() == [0, 5, 70_000]
    columns.put("comments", 3, 2**40)
    assert columns["comments"][3] == 2**40


def test_sort_rank_keeps_order_when_midpoints_run_out() -> None:
    rank = SortRank()
    rank.ensure(200)
    for owner in range(1, 200):  # every new key lands between the same two neighbours: gaps run out often
        rank.set(owner, b"m" if owner > 2 else (b"a" if owner == 1 else b"z"))
    rank.set(5, None)
    ids = [i for i in range(200) if rank.rank[i]]
    assert sorted(ids, key=lambda i: int(rank.rank[i])) == [1, *(i for i in range(3, 200) if i != 5), 2]


def test_short_lists_store_single_ids_inline() -> None:
    lists = ShortLists.from_sorted_pairs(_ids([1, 2, 2, 4]), _ids([7, 8, 9, 6]), 6)
    assert [lists.get(i).tolist() for i in range(7)] == [[], [7], [8, 9], [], [6], [], []]
    lists.put(1, [3, 5])
    lists.put(2, [])
    lists.put(6, [1])
    lists.put(4, ())
    assert [lists.get(i).tolist() for i in range(7)] == [[], [3, 5], [], [], [], [], [1]]
    lists.put(2, [4, 4, 4])
    assert lists.get(2).tolist() == [4, 4, 4]
    assert lists.slots == 2
