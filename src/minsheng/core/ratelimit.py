"""Counting requests per address, phone, key or project over a time window, in the Django cache.

The cache is Redis in production (``REDIS_URL``), so every app server and worker counts together;
without it each process counts alone (LocMemCache), which suits a demo and tests, not a deployment.

Each window is a counter that ``cache.incr`` raises atomically. The count that decides is the
current window's plus the previous window's share still inside the sliding window, rounded up: a
burst at the turn of the hour cannot pass twice the limit, and nothing needs a list of timestamps.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


def _keys(scope: str, ident: str, seconds: int, now: float) -> tuple[str, str, float]:
    # Hashed: an address or a phone number never sits in the cache in clear.
    digest = hashlib.sha256(f"{scope}\0{ident}".encode()).hexdigest()[:32]
    window = int(now // seconds)
    elapsed = (now - window * seconds) / seconds
    return f"rl:{digest}:{seconds}:{window}", f"rl:{digest}:{seconds}:{window - 1}", elapsed


def used(scope: str, ident: str, rate: Rate, now: float | None = None) -> int:
    """How many of ``rate.count`` the identity has used in the last ``rate.seconds``."""
    current, previous, elapsed = _keys(scope, ident, rate.seconds, time.time() if now is None else now)
    values = cache.get_many([current, previous])
    return values.get(current, 0) + math.ceil(values.get(previous, 0) * (1 - elapsed))


def exceeded(scope: str, ident: str, rate: Rate, now: float | None = None) -> bool:
    return bool(ident) and used(scope, ident, rate, now) >= rate.count


def hit(scope: str, ident: str, rate: Rate, now: float | None = None) -> None:
    """Count one more for the identity (nothing for an empty one)."""
    if not ident:
        return
    current, _previous, _elapsed = _keys(scope, ident, rate.seconds, time.time() if now is None else now)
    # Kept for two windows: the next window still reads this one as its previous.
    cache.add(current, 0, timeout=2 * rate.seconds)
    try:
        cache.incr(current)
    except ValueError:
        # Evicted between add and incr: start again from one.
        cache.set(current, 1, timeout=2 * rate.seconds)
