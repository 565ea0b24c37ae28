"""Recording unmet demand: one insert per event, deduplicated searches, never failing the page.

A search is counted once per distinct question per visitor per 30 minutes. The visitor is
known only to the cache, as a keyed hash of their session (or address and browser) and the
question, kept for those 30 minutes: the event row itself names no one.
"""

import hashlib
import hmac
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.utils import timezone

from demand.models import DemandEvent

logger = logging.getLogger(__name__)
SEARCH_WINDOW_SECONDS = 30 * 60


def _visitor(request):
    session = getattr(request, "session", None)
    key = session.session_key if session is not None else None
    if key:
        return f"session:{key}"
    meta = request.META
    return f"client:{meta.get('REMOTE_ADDR', '')}:{meta.get('HTTP_USER_AGENT', '')}"


def _seen_key(request, question):
    message = repr((_visitor(request), question)).encode("utf-8", "surrogatepass")
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
    return f"demand:search:{digest}"


def _insert(**fields):
    """One row, in its own savepoint; a failure is logged and the page goes on."""
    try:
        with transaction.atomic():
            DemandEvent.objects.create(at=timezone.now(), **fields)
    except DatabaseError:
        logger.exception("unmet demand not recorded")
        return False
    return True


def record_search_without_free_room(request, question, *, region, district=None):
    """Count a search that found no free room, once per visitor and question in 30 minutes.

    `question` is a hashable summary of what was asked (the search's own parameters). Searches
    without a region belong to no level below the nation and are not counted.
    """
    if region is None:
        return False
    try:
        first = cache.add(_seen_key(request, question), 1, SEARCH_WINDOW_SECONDS)
    except Exception:  # noqa: BLE001 - a cache outage must not fail the search
        logger.exception("unmet demand not deduplicated")
        return False
    if not first:
        return False
    return _insert(kind=DemandEvent.Kind.NO_FREE_ROOM, region=region, district=district)


def record_just_taken(room):
    """Count a booking refused because its time had just been taken. `room` with its site
    and district selected."""
    facility = room.facility
    return _insert(
        kind=DemandEvent.Kind.JUST_TAKEN,
        region_id=facility.district.region_id,
        district_id=facility.district_id,
        facility_id=facility.pk,
        room_id=room.pk,
    )
