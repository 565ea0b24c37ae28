"""The dashboard's figures for one scope of rooms and its parts, computed by the database.

Every figure is an aggregate over the room-day roll-up, the opening hours or the
reservations table; the number of queries depends on neither rooms nor bookings.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, ExtractMinute, RowNumber
from django.utils import timezone

from accounts.models import AccountType
from dashboard import events
from dashboard.models import RoomDay, RoomMonth
from dashboard.periods import (
    Period,
    month_end,
    month_start,
    trend_months,
    trend_period,
    working_days,
)
from regions.models import District
from reservations import history
from reservations.models import Reservation, Status
from rooms.calendar import korean_holiday
from rooms.models import Closure, OpeningHours, Room, RoomKind
from web import caching

STATUS_COUNTERS = ("approved", "pending", "rejected", "cancelled", "expired", "no_show")
# Roll-up sums that are figures as they are; booked minutes add two of them up.
SUMMED = (*STATUS_COUNTERS, "checked_in", "used_minutes", "released_minutes")
ADDITIVE = (*SUMMED, "booked_minutes", "open_minutes")
BOOKED_MINUTES = F("approved_minutes") + F("no_show_minutes")
SERVED_CACHE_SECONDS = 24 * 60 * 60
SHORTAGE_DISTRICTS = 10


@dataclass
class Figures:
    sites: int = 0
    standard: int = 0
    booths: int = 0
    halls: int = 0
    approved: int = 0
    pending: int = 0
    rejected: int = 0
    cancelled: int = 0
    expired: int = 0
    no_show: int = 0
    checked_in: int = 0
    booked_minutes: int = 0
    used_minutes: int = 0
    released_minutes: int = 0
    open_minutes: int = 0
    median_decision: datetime.timedelta | None = None
    companies: int = 0
    individuals: int = 0
    # Counted events (dashboard/events.py), by column name; read as attributes.
    events: dict = field(default_factory=dict)

    def __getattr__(self, name):
        if name in events.EVENT_NAMES:
            return self.__dict__.get("events", {}).get(name, 0)
        raise AttributeError(name)

    @property
    def turned_away(self):
        """Demand the rooms could not meet: the event columns that count as turned away."""
        return sum(self.events.get(c.name, 0) for c in events.EVENT_COLUMNS if c.turned_away)

    @property
    def rooms(self):
        return self.standard + self.booths + self.halls

    @property
    def requests(self):
        return sum(getattr(self, name) for name in STATUS_COUNTERS)

    @property
    def booked_hours(self):
        """Hours of approved bookings and of no-shows: the time the rooms were booked for."""
        return self.booked_minutes / 60

    @property
    def used_hours(self):
        """Hours of checked-in meetings, up to their end or the moment they ended early."""
        return self.used_minutes / 60

    @property
    def released_hours(self):
        """Hours freed for others by meetings ended early and by no-shows' release."""
        return self.released_minutes / 60

    @property
    def came_due(self):
        """Bookings whose check-in came due and was settled: checked in, or a no-show.

        Meetings still ahead, or still inside their check-in window, are neither yet, so a
        period that runs on past today is not diluted by them.
        """
        return self.checked_in + self.no_show

    @property
    def no_show_rate(self):
        """No-shows over the bookings whose check-in came due."""
        return self.no_show / self.came_due if self.came_due else None

    @property
    def check_in_rate(self):
        """Checked-in bookings over the bookings whose check-in came due."""
        return self.checked_in / self.came_due if self.came_due else None

    @property
    def open_hours(self):
        return self.open_minutes / 60

    @property
    def utilisation(self):
        """Booked hours of approved bookings over open hours, or None when nothing was open."""
        if self.open_minutes <= 0:
            return None
        return self.booked_minutes / self.open_minutes

    @property
    def cancellation_rate(self):
        """Cancelled bookings over all bookings requested for the period."""
        if not self.requests:
            return None
        return self.cancelled / self.requests


@dataclass
class Month:
    month: datetime.date
    requests: int = 0
    approved: int = 0
    booked_minutes: int = 0
    open_minutes: int = 0

    @property
    def utilisation(self):
        return self.booked_minutes / self.open_minutes if self.open_minutes > 0 else None


@dataclass
class Report:
    total: Figures
    parts: dict = field(default_factory=dict)  # child key -> Figures
    trend: list = field(default_factory=list)  # Month, oldest first
    # Events within the level that name no single part (a search names no site): with the
    # parts' own, they add up to the level's total.
    unattributed: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Filters:
    period: Period
    kind: str = ""
    host_type: str = ""

    def room_lookups(self):
        lookups = {"is_active": True}
        if self.kind:
            lookups["kind"] = self.kind
        if self.host_type:
            lookups["facility__host_type"] = self.host_type
        return lookups


def _prefixed(lookups, prefix):
    return {f"{prefix}{name}": value for name, value in lookups.items()}


def _midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _minutes_of_day(name):
    return ExtractHour(name) * 60 + ExtractMinute(name)


class Breakdown:
    """The rooms matching `scope` (Room lookups) and the filters, split by `part` (a Room path).

    `part` is None for a single room's page: the report then has a total and a trend only.
    """

    def __init__(self, scope, part, filters, *, today=None, now=None):
        self.scope = scope
        self.part = part
        self.filters = filters
        self.now = now
        self.today = today or timezone.localdate(now or timezone.now())
        self.lookups = {**filters.room_lookups(), **scope}
        self.rooms = Room.objects.filter(**self.lookups)
        self.trend_period = trend_period(self.today)

    def report(self, *, with_events=True):
        """The figures; `with_events=False` leaves out the counted events (unmet demand), for a
        page that shows none of them."""
        period = self.filters.period
        report = Report(total=self._registry_total())
        parts = defaultdict(Figures)
        for key, counts in self._registry_parts():
            parts[key] = counts
        open_by_part, open_by_weekday = self._open_minutes()
        trend = {month: Month(month) for month in trend_months(self.today)}
        for month in trend.values():
            days = working_days(Period(month.month, month_end(month.month)))
            month.open_minutes = sum(open_by_weekday[wd] * n for wd, n in days.items())
        for key, minutes in open_by_part.items():
            parts[key].open_minutes += minutes
        for key, day, minutes in self._closed_minutes():
            if day in period:
                parts[key].open_minutes -= minutes
            if day in self.trend_period:
                trend[day.replace(day=1)].open_minutes -= minutes
        for key, sums in self._bookings_by_part():
            for name, value in sums.items():
                setattr(parts[key], name, value)
        for row in self._bookings_by_month():
            month = trend[row.pop("month")]
            for name, value in row.items():
                setattr(month, name, value)
        if self.part:
            for key, wait in self._median_decisions(by_part=True).items():
                parts[key].median_decision = wait
        report.total.median_decision = self._median_decisions(by_part=False).get(None)
        served = self._served()
        for key, (companies, individuals) in served.items():
            figures = report.total if key is None else parts[key]
            figures.companies, figures.individuals = companies, individuals
        for name in ADDITIVE:
            setattr(report.total, name, sum(getattr(part, name) for part in parts.values()))
        for key, counts in (self._events() if with_events else {}).items():
            for name, value in counts.items():
                report.total.events[name] = report.total.events.get(name, 0) + value
            if key is None and self.part:
                report.unattributed = counts
            elif self.part:
                parts[key].events = counts
        if self.part:
            report.parts = dict(parts)
        report.trend = list(trend.values())
        return report

    def utilisation(self):
        """{part key: Figures with open and booked minutes}: utilisation alone, per part."""
        parts = defaultdict(Figures)
        for key, minutes in self._open_minutes()[0].items():
            parts[key].open_minutes += minutes
        for key, day, minutes in self._closed_minutes():
            if day in self.filters.period:
                parts[key].open_minutes -= minutes
        for key, sums in self._bookings_by_part():
            parts[key].booked_minutes = sums["booked_minutes"]
        return parts

    def _events(self):
        period = self.filters.period
        start, end = _midnight(period.first), _midnight(period.last + datetime.timedelta(days=1))
        return events.count(self.scope, self.part, start, end)

    def busy_hours(self):
        """Booked minutes of approved bookings and no-shows per weekday and hour, days so far.

        When the rooms are busy is read from the days up to today: days ahead hold bookings,
        not use, and are left out. Days before today are cached for the day under the history
        version; today, whose bookings still change, is read each time.
        """
        period = self.filters.period
        busy = [[0] * 24 for _day in range(7)]
        past_last = min(period.last, self.today - datetime.timedelta(days=1))
        pieces = []
        if period.first <= past_last:
            key = self._cache_key("busy")
            past = cache.get(key)
            if past is None:
                past = self._busy_rows(period.first, past_last)
                cache.set(key, past, SERVED_CACHE_SECONDS)
            pieces.append(past)
        if self.today in period:
            pieces.append(self._busy_rows(self.today, self.today))
        for rows in pieces:
            for weekday, hour, minute, length, count in rows:
                _spread(busy[weekday - 1], hour * 60 + minute, length, count)
        return busy

    def _busy_rows(self, first, last):
        """(ISO weekday, hour, minute, length in minutes, bookings) of booked meetings."""
        length = ExpressionWrapper(F("end") - F("start"), output_field=DurationField())
        rows = (
            Reservation.objects.filter(
                **_prefixed(self.lookups, "room__"),
                status__in=(Status.APPROVED, Status.NO_SHOW),
                start__gte=_midnight(first),
                start__lt=_midnight(last + datetime.timedelta(days=1)),
            )
            .values_list(
                ExtractIsoWeekDay("start"), ExtractHour("start"), ExtractMinute("start"), length
            )
            .annotate(n=Count("pk"))
            .order_by()
        )
        return [
            (weekday, hour, minute, int(span.total_seconds() // 60), n)
            for weekday, hour, minute, span, n in rows
        ]

    def _part_key(self, prefix=""):
        return F(f"{prefix}{self.part}") if self.part else Value(None, output_field=IntegerField())

    def _registry(self):
        return {
            "sites": Count("facility", distinct=True),
            "standard": Count("pk", filter=Q(kind=RoomKind.STANDARD)),
            "booths": Count("pk", filter=Q(kind=RoomKind.BOOTH)),
            "halls": Count("pk", filter=Q(kind=RoomKind.HALL)),
        }

    def _registry_total(self):
        return Figures(**self.rooms.aggregate(**self._registry()))

    def _registry_parts(self):
        if self.part is None:
            return []
        rows = self.rooms.values(part_key=F(self.part)).annotate(**self._registry()).order_by()
        return [(row.pop("part_key"), Figures(**row)) for row in rows]

    def _open_minutes(self):
        """Open minutes per part in the period, and per weekday for the scope (one week)."""
        hours = "facility__opening_hours__"
        minutes = _minutes_of_day(f"{hours}closes") - _minutes_of_day(f"{hours}opens")
        group = {"weekday": F(f"{hours}weekday")}
        if self.part:
            group["part_key"] = F(self.part)
        rows = (
            self.rooms.filter(**{f"{hours}isnull": False})
            .values(**group)
            .annotate(minutes=Sum(minutes))
            .order_by()
        )
        days = working_days(self.filters.period)
        by_part, by_weekday = defaultdict(int), defaultdict(int)
        for row in rows:
            by_part[row.get("part_key")] += row["minutes"] * days.get(row["weekday"], 0)
            by_weekday[row["weekday"]] += row["minutes"]
        return by_part, by_weekday

    def _closed_minutes(self):
        """(part key, day, minutes) that closures take out of opening hours, per room merged."""
        window = self.filters.period.span(self.trend_period)
        start, end = _midnight(window.first), _midnight(window.last + datetime.timedelta(days=1))
        rooms = "facility__rooms__"
        # One row per closure and room of its site; Closure.affects keeps the rooms it closes.
        closures = (
            Closure.objects.overlapping(start, end)
            .filter(**_prefixed(self.lookups, rooms))
            .annotate(room_key=F(f"{rooms}pk"), part_key=self._part_key(rooms))
            .order_by()
        )
        intervals = defaultdict(list)
        for closure in closures:
            if closure.affects(closure.room_key, closure.facility_id):
                intervals[(closure.room_key, closure.facility_id, closure.part_key)].append(
                    (closure.start, closure.end)
                )
        if not intervals:
            return []
        hours = defaultdict(dict)
        for opening in OpeningHours.objects.filter(facility_id__in={k[1] for k in intervals}):
            hours[opening.facility_id][opening.weekday] = (opening.opens, opening.closes)
        closed = []
        for (_room, site, part), spans in intervals.items():
            for closed_from, closed_to in _merged(spans):
                for day, minutes in _open_minutes_between(
                    hours[site], closed_from, closed_to, window
                ):
                    closed.append((part, day, minutes))
        return closed

    def _counts(self, model):
        return model.objects.filter(**_prefixed(self.lookups, "room__"))

    def _bookings_by_part(self):
        """Booking counts per part: whole months from RoomMonth, the other days from RoomDay."""
        sums = {name: Sum(name) for name in SUMMED}
        sums["booked_minutes"] = Sum(BOOKED_MINUTES)
        months, days = _split(self.filters.period)
        pieces = []
        if months:
            pieces.append(self._counts(RoomMonth).filter(month__range=months))
        if days:
            ranges = Q()
            for first, last in days:
                ranges |= Q(day__range=(first, last))
            pieces.append(self._counts(RoomDay).filter(ranges))
        grouped = [
            piece.values(part_key=self._part_key("room__")).annotate(**sums).order_by()
            for piece in pieces
        ]
        totals = defaultdict(lambda: dict.fromkeys(sums, 0))
        for row in grouped[0].union(*grouped[1:], all=True):
            key = row.pop("part_key")
            for name, value in row.items():
                totals[key][name] += value or 0
        return totals.items()

    def _bookings_by_month(self):
        requests = sum((F(name) for name in STATUS_COUNTERS[1:]), F(STATUS_COUNTERS[0]))
        return list(
            self._counts(RoomMonth)
            .filter(month__range=(self.trend_period.first, self.trend_period.last))
            .values("month")
            .annotate(
                requests=Sum(requests),
                approved=Sum("approved"),
                booked_minutes=Sum(BOOKED_MINUTES),
            )
            .order_by()
        )

    def _reservations(self):
        period = self.filters.period
        return Reservation.objects.filter(
            **_prefixed(self.lookups, "room__"),
            start__gte=_midnight(period.first),
            start__lt=_midnight(period.last + datetime.timedelta(days=1)),
        )

    def _median_decisions(self, *, by_part):
        """Median time from request to a manager's decision, per part (or for the scope)."""
        partition = [self._part_key("room__")] if by_part and self.part else None
        wait = ExpressionWrapper(F("decided_at") - F("created_at"), output_field=DurationField())
        rows = (
            self._reservations()
            .filter(decided_at__isnull=False, status__in=(Status.APPROVED, Status.REJECTED))
            .annotate(
                part_key=self._part_key("room__")
                if partition
                else Value(None, output_field=IntegerField()),
                wait=wait,
                position=Window(RowNumber(), partition_by=partition, order_by=[wait.asc(), "pk"]),
                size=Window(Count("pk"), partition_by=partition),
            )
            .filter(Q(position=(F("size") + 1) / 2) | Q(position=F("size") / 2 + 1))
            .values_list("part_key", "wait")
        )
        middles = defaultdict(list)
        for key, value in rows:
            middles[key].append(value)
        return {
            key: sum(values, datetime.timedelta()) / len(values) for key, values in middles.items()
        }

    def _served(self):
        """{part key: (companies, individuals)} who had an approved booking take place.

        Companies are distinct business registration numbers; individuals, distinct personal
        accounts. Past bookings rarely change, so the counts are cached for the day under the
        history version that those changes bump.
        """
        until = self.served_until()
        key = self._cache_key("served", until)
        counts = cache.get(key)
        if counts is None:
            served = self._reservations().filter(
                status=Status.APPROVED, end__lte=until, booked_by__isnull=False
            )
            counts = {None: (0, 0)} | self._distinct_bookers(served, by_part=False)
            if self.part:
                counts |= self._distinct_bookers(served, by_part=True)
            cache.set(key, counts, SERVED_CACHE_SECONDS)
        return counts

    def _distinct_bookers(self, served, *, by_part):
        """{part key: (businesses, individuals)} over distinct (part, booker) pairs."""
        pairs = (
            served.values(
                part_key=self._part_key("room__") if by_part else Value(None, IntegerField()),
                booker=F("booked_by_id"),
            )
            .distinct()
            .order_by()
        )
        sql, params = pairs.query.sql_with_params()
        users = connection.ops.quote_name(get_user_model()._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pairs.part_key, "
                "COUNT(DISTINCT CASE WHEN u.business_number <> '' THEN u.business_number END), "
                "COUNT(DISTINCT CASE WHEN u.account_type = %s THEN u.id END) "
                f"FROM ({sql}) AS pairs JOIN {users} AS u ON u.id = pairs.booker "
                "GROUP BY pairs.part_key",
                [AccountType.INDIVIDUAL.value, *params],
            )
            return {key: (companies, individuals) for key, companies, individuals in cursor}

    def served_until(self):
        """Meetings that ended by the start of the current hour count as having taken place:
        today's finished meetings count, and the cached count holds for the hour."""
        now = self.now or timezone.now()
        return timezone.localtime(now).replace(minute=0, second=0, microsecond=0)

    def _cache_key(self, name, *more):
        parts = (name, sorted((k, str(getattr(v, "pk", v))) for k, v in self.lookups.items()), self.part,
                 self.filters.period, self.today, history.version(), *more)  # fmt: skip
        return caching.key("dashboard", *parts)


@dataclass
class Shortage:
    district: District
    events: dict  # column name -> count
    turned_away: int
    utilisation: float | None


def shortage(scope, filters, *, today=None, limit=SHORTAGE_DISTRICTS):
    """Districts where demand went unmet most, with their utilisation: where rooms are short.

    Ranked by the demand turned away (the event columns that count as such), then by
    utilisation; `scope` is a level's Room lookups (the nation, or a region).
    """
    period = filters.period
    start, end = _midnight(period.first), _midnight(period.last + datetime.timedelta(days=1))
    columns = [column for column in events.EVENT_COLUMNS if column.turned_away]
    counts = events.count(scope, "facility__district", start, end, columns)
    totals = {key: sum(row.values()) for key, row in counts.items() if key is not None}
    top = sorted(totals, key=lambda key: -totals[key])[:limit]
    if not top:
        return []
    breakdown = Breakdown(
        {"facility__district__in": top}, "facility__district", filters, today=today
    )
    figures = breakdown.utilisation()
    districts = District.objects.select_related("region").in_bulk(top)
    rows = [
        Shortage(districts[key], counts[key], totals[key], figures[key].utilisation) for key in top
    ]
    rows.sort(key=lambda row: (-row.turned_away, -(row.utilisation or 0)))
    return rows


def _split(period):
    """The period as a range of whole months (first days) and the day ranges either side."""
    first_month = month_start(period.first)
    if first_month < period.first:
        first_month = month_start(period.first + datetime.timedelta(days=31))
    last_month = month_start(period.last)
    if month_end(last_month) > period.last:
        last_month = month_start(last_month - datetime.timedelta(days=1))
    if first_month > last_month:
        return None, [(period.first, period.last)]
    days = []
    if period.first < first_month:
        days.append((period.first, first_month - datetime.timedelta(days=1)))
    if month_end(last_month) < period.last:
        days.append((month_end(last_month) + datetime.timedelta(days=1), period.last))
    return (first_month, last_month), days


def _spread(hours, start_minute, length, count):
    """Add `count` meetings of `length` minutes from `start_minute` to a day's 24 hours."""
    minute, end = start_minute, min(start_minute + length, 24 * 60)
    while minute < end:
        hour_end = min((minute // 60 + 1) * 60, end)
        hours[minute // 60] += (hour_end - minute) * count
        minute = hour_end


def _merged(spans):
    """Overlapping closures of one room, merged so that no minute is taken away twice."""
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _open_minutes_between(hours, start, end, window):
    """(day, minutes) of opening hours between two instants, within the window's days."""
    day = max(timezone.localdate(start), window.first)
    last = min(timezone.localdate(end), window.last)
    while day <= last:
        opening = hours.get(day.weekday())
        if opening and not korean_holiday(day):
            opens = timezone.make_aware(datetime.datetime.combine(day, opening[0]))
            closes = timezone.make_aware(datetime.datetime.combine(day, opening[1]))
            overlap = min(end, closes) - max(start, opens)
            if overlap > datetime.timedelta():
                yield day, int(overlap.total_seconds() // 60)
        day += datetime.timedelta(days=1)
