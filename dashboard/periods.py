"""Reporting periods and the working calendar: which days a site is open, by weekday."""

import calendar
import datetime
from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from rooms.calendar import korean_holiday

PRESETS = {
    "last_30_days": _("Last 30 days"),
    "this_month": _("This month"),
    "last_month": _("Last month"),
    "last_90_days": _("Last 90 days"),
    "this_year": _("This year"),
    "last_12_months": _("Last 12 months"),
    "custom": _("Custom range"),
}
# Up to today: on the first of a month "this month" is a day old and mostly ahead.
DEFAULT_PRESET = "last_30_days"
TREND_MONTHS = 12
LONGEST_RANGE = datetime.timedelta(days=3 * 366)


@dataclass(frozen=True)
class Period:
    first: datetime.date
    last: datetime.date  # inclusive

    @property
    def days(self):
        return (self.last - self.first).days + 1

    def __contains__(self, day):
        return self.first <= day <= self.last

    def days_so_far(self, today):
        """Days of the period up to and including today."""
        return max(0, (min(self.last, today) - self.first).days + 1)

    def days_ahead(self, today):
        """Days of the period after today: their figures are bookings made, not meetings held."""
        return self.days - self.days_so_far(today)

    def span(self, other):
        return Period(min(self.first, other.first), max(self.last, other.last))


def month_start(day, months_back=0):
    index = day.year * 12 + day.month - 1 - months_back
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_end(day):
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def preset_period(preset, today):
    if preset == "last_30_days":
        return Period(today - datetime.timedelta(days=29), today)
    if preset == "this_month":
        return Period(month_start(today), month_end(today))
    if preset == "last_month":
        first = month_start(today, 1)
        return Period(first, month_end(first))
    if preset == "last_90_days":
        return Period(today - datetime.timedelta(days=89), today)
    if preset == "this_year":
        return Period(datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31))
    if preset == "last_12_months":
        return Period(month_start(today, TREND_MONTHS - 1), month_end(today))
    raise ValueError(preset)


def trend_months(today):
    """The first day of each of the last twelve months, this month last."""
    return [month_start(today, back) for back in range(TREND_MONTHS - 1, -1, -1)]


def trend_period(today):
    return Period(month_start(today, TREND_MONTHS - 1), month_end(today))


def working_days(period):
    """How many days of each weekday (0 = Monday) the period holds, public holidays left out."""
    counts = Counter()
    for offset in range(period.days):
        day = period.first + datetime.timedelta(days=offset)
        if not korean_holiday(day):
            counts[day.weekday()] += 1
    return counts
