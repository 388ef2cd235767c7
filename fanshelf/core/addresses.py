"""Addresses of named URLs, reversed once per URL name and script prefix.

A listing page links twenty works and ~250 tags and creators, most of them seen for the first time on a first
view, and `reverse()` matched each address against its pattern (~10-50 µs). For a pattern whose arguments are
plain `str` or `int` parts, the address is the same text around each part, quoted as `reverse()` quotes it: so
the pattern is reversed once with stand-ins, and each address is that text with the parts put in. A part that
`str` or `int` would refuse (empty, holding a slash, negative) goes through `reverse()`, which refuses it the same
way.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import quote

from django.core.signals import setting_changed
from django.urls import get_script_prefix, reverse
from django.utils.http import RFC3986_SUBDELIMS

_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what reverse() leaves unquoted
# Stand-ins no real part is: letters (quoting leaves them as they are) for text, digits for numbers.
_TEXT_STAND_IN, _NUMBER_STAND_IN = "zqxstandin{}zqx", "73400327710{}"


@functools.lru_cache(maxsize=256)
def _pieces(prefix: str, name: str, numbers: tuple[bool, ...]) -> tuple[str, ...]:
    """The address of `name` cut around its arguments (`numbers`: which are ints): one piece more than them."""
    stand_ins = [(_NUMBER_STAND_IN if number else _TEXT_STAND_IN).format(n) for n, number in enumerate(numbers)]
    if not stand_ins:  # an address without arguments is one piece (an empty pattern would split every character)
        return (reverse(name),)
    pieces = re.split("|".join(stand_ins), reverse(name, args=stand_ins))
    if len(pieces) != len(numbers) + 1:
        raise ValueError(f"{name}: each argument must appear once in its address")
    return tuple(pieces)


# A test that changes the URLs gets its own addresses.
setting_changed.connect(lambda **kwargs: _pieces.cache_clear(), weak=False)


def address(name: str, *parts: str | int) -> str:
    """`reverse(name, args=parts)` for a URL whose arguments are all `str` or `int` parts, in that order."""
    if any(not part or "/" in part if isinstance(part, str) else part < 0 for part in parts):
        return reverse(name, args=parts)
    pieces = _pieces(get_script_prefix(), name, tuple(isinstance(part, int) for part in parts))
    built = [pieces[0]]
    for part, after in zip(parts, pieces[1:], strict=True):
        built += (quote(part, safe=_SAFE) if isinstance(part, str) else str(int(part)), after)
    return "".join(built)
