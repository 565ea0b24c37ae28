"""When a facility is open: its weekly opening hours and Korea's public holidays, when all close."""

import datetime
from functools import cache

import holidays
from django.utils import timezone
from django.utils.translation import get_language


@cache
def _holidays(language):
    return holidays.country_holidays("KR", language=language)


def korean_holiday(day):
    """The public holiday's name in the active language, or None on an ordinary day."""
    language = "en_US" if (get_language() or "ko").startswith("en") else "ko"
    return _holidays(language).get(day)


def at(day, time):
    """The aware instant of a local date and time in the portal's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, time))
