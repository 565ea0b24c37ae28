"""Names of cache entries for answers that depend on many things."""

import hashlib


def key(prefix, *parts):
    """A cache key for `parts` (their repr): short and safe for any backend, whatever they hold."""
    return f"{prefix}:{hashlib.sha256(repr(parts).encode()).hexdigest()}"
