"""Rate limits per client address, or per API key when one is given, counted in the shared
cache so that every process and thread counts together.

A fixed window of a minute: the first request of a minute creates its counter (`add`, which
keeps an existing one), each request increments it (`incr`, atomic in Redis); past the
limit the answer is 429 with `Retry-After` up to the next minute.
"""

import math
import time
from dataclasses import dataclass

from django.core.cache import cache

WINDOW_SECONDS = 60


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int


def count(scope, limit):
    """Counts one request of `scope` ("address:…", "key:…") against `limit` a minute."""
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    key = f"api-rate:{scope}:{window}"
    # Kept past its minute, so a slow clock on another process still finds it.
    cache.add(key, 0, WINDOW_SECONDS * 2)
    try:
        used = cache.incr(key)
    except ValueError:
        # Evicted between add() and incr(): start the window again.
        cache.set(key, 1, WINDOW_SECONDS * 2)
        used = 1
    retry_after = max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
    return Verdict(used <= limit, limit, max(0, limit - used), retry_after)
