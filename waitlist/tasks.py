"""Waitlist work for the worker: the offer of freed time (queued when time comes free), and
the minute sweep's expiry of offers not confirmed in time and of entries whose period began.

Each is a query over what is due, with compare-and-set changes, so running it twice, or two
workers running it at once, does each thing once.
"""

import datetime

from django_tasks import task

from waitlist import services
from worker import sweep
from worker.queue import retry_later


@task
def offer_freed_time(room_ids, start, end, attempt=1):
    """Offer the freed time of these rooms to the first in line (ISO datetimes: task arguments
    are JSON)."""
    try:
        offers = services.offer_freed_time(
            room_ids, datetime.datetime.fromisoformat(start), datetime.datetime.fromisoformat(end)
        )
    except Exception:
        retry_later(offer_freed_time, room_ids, start, end, attempt=attempt)
        raise
    return len(offers)


@sweep.step()
def expire_waitlist_offers(now):
    """End the offers not confirmed in time; their time goes to the next in line."""
    return services.expire_offers(now=now)


@sweep.step()
def expire_waitlist_entries(now):
    """End the entries whose period began without an offer."""
    return services.expire_waiting(now=now)
