"""The whole-buffer sort keys agree with `sort_key` one text at a time."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from fanshelf.discovery.columns import fixed_width, sort_key, sort_keys, sort_keys_utf8

TRICKY = [
    "",
    " ",
    "The",
    "The ",
    "the  End",
    "A",
    "a b",
    "An\tOwl",
    "Anne",
    '"The Tide"',
    "...and then",
    "\x1f\x1fthe\x1cx",
    "Ünicode ümlauts",
    "“Quoted” title",
    "THE LONG TITLE THAT GOES ON WELL PAST TWENTY-FOUR BYTES",
    "ß straße",
    "the \u00e9t\u00e9",
]
texts = st.text(alphabet=st.sampled_from(list(" \t\x1c\"'(-.atheAnTHEbz\u00e9\u201c\u2014")), max_size=40)


def test_tricky_titles_match_sort_key() -> None:
    assert sort_keys(TRICKY).tolist() == [sort_key(t) for t in TRICKY]


@given(st.lists(texts, max_size=30))
def test_random_titles_match_sort_key(titles: list[str]) -> None:
    assert sort_keys(titles).tolist() == [sort_key(t) for t in titles]


def test_empty_input() -> None:
    assert len(sort_keys_utf8(b"", np.zeros(0, np.int64))) == 0


def test_fixed_width_keeps_each_value() -> None:
    values = ["en", "de", "", "pt-BR", "日本語"]
    encoded = [v.encode() for v in values]
    lengths = np.array([len(e) for e in encoded], dtype=np.int64)
    assert [bytes(v).decode() for v in fixed_width(b"".join(encoded), lengths).tolist()] == values
