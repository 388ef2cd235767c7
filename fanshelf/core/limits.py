"""Counting events per key over a sliding window, in the shared cache, so every worker counts the same.

Failed sign-ins (every way in shares one count, see accounts/limits.py) and guest kudos are counted here. Each key
keeps the times of its last few events; an event is refused while the window already holds as many as the rate
allows, and allowed again as soon as the oldest of them is older than the window.

The times are compared with the clock, not left to cache expiry: Django's file cache rewrites an entry with its
default five-minute timeout on `incr`, which once stretched a 20-second lockout to five minutes. Two events in two
workers at the same instant may be counted once; the limit is a brake on guessing and flooding, not a meter.
"""

from __future__ import annotations

import hashlib
import math
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import BaseCache, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

_RATE = re.compile(r"(\d+)/(\d*)([smhd])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


def parse_rate(text: str, setting: str) -> Rate:
    """`5/20s` is five in 20 seconds, `10/m` ten a minute, `30/1h` thirty an hour."""
    match = _RATE.fullmatch(text.strip())
    if match is None or int(match[1]) < 1 or int(match[2] or 1) < 1:
        raise ImproperlyConfigured(
            f"{setting} must be COUNT/PERIOD, such as 5/20s, 10/m or 30/1h (a period in s, m, h or d), not {text!r}"
        )
    return Rate(count=int(match[1]), seconds=int(match[2] or 1) * _UNIT_SECONDS[match[3]])


def _now() -> float:
    # One clock for the whole module, so tests move it forward instead of sleeping through a window.
    return time.time()


def _cache_key(scope: str, key: str) -> str:
    # Hashed: keys hold account names and addresses, which have no business sitting in cache files as written.
    return f"fanshelf:limit:{scope}:{hashlib.sha256(key.encode()).hexdigest()}"


def _recent(scope: str, key: str, rate: Rate, now: float) -> list[float]:
    stamps = cache.get(_cache_key(scope, key), [])
    return [stamp for stamp in stamps if stamp > now - rate.seconds]


def seconds_to_wait(scope: str, keys: Iterable[str], rate: Rate) -> int:
    """How long until one more event is allowed for every one of the keys; 0 when it is allowed now."""
    now = _now()
    wait = 0.0
    for key in filter(None, keys):
        stamps = _recent(scope, key, rate, now)
        if len(stamps) >= rate.count:
            wait = max(wait, stamps[-rate.count] + rate.seconds - now)
    return max(1, math.ceil(wait)) if wait > 0 else 0


def count_event(scope: str, keys: Iterable[str], rate: Rate) -> None:
    """Count one event against each of the keys (empty keys are skipped)."""
    now = _now()
    for key in filter(None, keys):
        stamps = [*_recent(scope, key, rate, now), now][-rate.count :]
        cache.set(_cache_key(scope, key), stamps, timeout=rate.seconds + 1)


def wait_in_words(seconds: int) -> str:
    if seconds <= 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    if minutes <= 90:
        return f"{minutes} minutes"
    return f"{math.ceil(minutes / 60)} hours"


def too_many(request: HttpRequest, seconds: int, message: str) -> HttpResponse:
    """A 429 page that says why and for how long, with Retry-After for programs."""
    context = {"message": message, "retry_after": seconds, "wait": wait_in_words(seconds)}
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response


def count_in_window(scope: str, key: str, rate: Rate) -> int:
    """Count one request and return how many this key made in the last `rate.seconds`, estimated from two fixed
    windows (the current one, and the previous one weighted by how much of it the sliding window still covers).
    An increment and a read, whatever the rate: cheap enough for every request, unlike keeping each time. In Redis
    both go in one round trip and the increment is atomic; in the file cache two workers at the same instant may
    count once."""
    now = _now()
    window, elapsed = divmod(now, rate.seconds)
    current = _cache_key(scope, f"{key}|{int(window)}")
    previous = _cache_key(scope, f"{key}|{int(window) - 1}")
    timeout = 2 * rate.seconds + 1
    shared = caches["default"]
    if isinstance(shared, RedisCache):
        count, before = _count_in_redis(shared, current, previous, timeout)
    else:
        count, before = _count_in_cache(shared, current, previous, timeout)
    return count + math.floor(before * (1 - elapsed / rate.seconds))


def _count_in_redis(shared: RedisCache, current: str, previous: str, timeout: int) -> tuple[int, int]:
    """INCR, EXPIRE and GET in one pipeline. Django's own `add` then `incr` (which asks EXISTS first) and `get`
    took four round trips. Django stores integers in Redis as plain numbers, so `cache.get` reads these counts."""
    counted, earlier = shared.make_and_validate_key(current), shared.make_and_validate_key(previous)
    pipeline = shared._cache.get_client(counted, write=True).pipeline(transaction=False)
    pipeline.incr(counted)
    pipeline.expire(counted, timeout)
    pipeline.get(earlier)
    count, _, before = pipeline.execute()
    return int(count), int(before or 0)


def _count_in_cache(shared: BaseCache, current: str, previous: str, timeout: int) -> tuple[int, int]:
    if shared.add(current, 1, timeout=timeout):
        count = 1
    else:
        try:
            count = int(shared.incr(current))
        except ValueError:  # expired between the two calls
            shared.set(current, 1, timeout=timeout)
            count = 1
    return count, int(shared.get(previous, 0))


def seconds_to_next_window(rate: Rate) -> int:
    return max(1, math.ceil(rate.seconds - _now() % rate.seconds))
