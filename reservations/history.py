"""A version number for bookings that have already taken place.

Figures about past days are cached under this version. Past bookings change rarely (a manager
cancels one after the fact, an account is deleted); whatever changes them calls `changed()`.
"""

from django.core.cache import cache
from django.utils import timezone

KEY = "reservations:history-version"


def version():
    return cache.get_or_set(KEY, 1, timeout=None)


def changed():
    try:
        cache.incr(KEY)
    except ValueError:
        cache.set(KEY, 2, timeout=None)


def touches_history(reservation):
    return timezone.localdate(reservation.start) < timezone.localdate()
