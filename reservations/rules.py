"""Booking policy as data: a ministry policy change is a one-line edit here."""

import datetime
from dataclasses import dataclass
from functools import cache

import holidays
from django.utils.translation import get_language

from rooms.models import RoomKind

SLOT = datetime.timedelta(minutes=30)
USER_MAX_UPCOMING = 5


@dataclass(frozen=True)
class BookingPolicy:
    max_days_ahead: int
    min_duration: datetime.timedelta
    # None: as long as the facility is open that day.
    max_duration: datetime.timedelta | None
    always_needs_approval: bool


POLICIES = {
    RoomKind.STANDARD: BookingPolicy(
        max_days_ahead=30,
        min_duration=SLOT,
        max_duration=datetime.timedelta(hours=4),
        always_needs_approval=False,
    ),
    RoomKind.BOOTH: BookingPolicy(
        max_days_ahead=30, min_duration=SLOT, max_duration=None, always_needs_approval=False
    ),
    RoomKind.HALL: BookingPolicy(
        max_days_ahead=90, min_duration=SLOT, max_duration=None, always_needs_approval=True
    ),
}


@cache
def _calendar(language):
    return holidays.country_holidays("KR", language=language)


def korean_holiday(day):
    """The public holiday's name in the active language, or None on an ordinary day."""
    language = "en_US" if (get_language() or "ko").startswith("en") else "ko"
    return _calendar(language).get(day)
