"""Rebuilds the room-day and room-month roll-ups from the reservations table (PostgreSQL, SQLite).

Database triggers keep the roll-ups exact on every write; their SQL is frozen in the migrations
(`0003_check_in_counters` replaced `0002_rollup_triggers`). `rebuild` serves bulk loads that ran
with the triggers off, and its buckets, statuses and counters are those the tests hold the
installed triggers to.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from reservations.models import BOOKING_STATUSES, Status

# Bookings fall in these years (the portal opened in 2021); the local day of each must be its
# UTC start shifted by one fixed offset.
YEARS = range(2000, 2101)

MINUTES = {
    "postgresql": "(EXTRACT(EPOCH FROM {until} - {since}) / 60)::integer",
    "sqlite": "CAST(round((julianday({until}) - julianday({since})) * 1440) AS integer)",
}


def counters(vendor, row="r"):
    """{roll-up column: SQL of one reservation's part in it}, `row` naming the reservation."""
    start, end = f'{row}."start"', f'{row}."end"'
    effective_end = f"COALESCE({row}.released_at, {end})"

    def minutes(since, until):
        return MINUTES[vendor].format(since=since, until=until)

    def when(condition, then):
        return f"CASE WHEN {condition} THEN {then} ELSE 0 END"

    approved = f"{row}.status = '{Status.APPROVED.value}'"
    no_show = f"{row}.status = '{Status.NO_SHOW.value}'"
    checked_in = f"{approved} AND {row}.checked_in_at IS NOT NULL"
    return {
        **{status: when(f"{row}.status = '{status}'", 1) for status in BOOKING_STATUSES},
        "approved_minutes": when(approved, minutes(start, end)),
        "no_show_minutes": when(no_show, minutes(start, end)),
        "checked_in": when(checked_in, 1),
        "used_minutes": when(checked_in, minutes(start, effective_end)),
        "released_minutes": when(
            f"{row}.released_at IS NOT NULL", minutes(f"{row}.released_at", end)
        ),
    }


COUNTERS = tuple(counters("sqlite"))


def fixed_utc_offset(zone_name):
    """The zone's UTC offset, refused if it ever changes (daylight saving) in `YEARS`.

    SQLite knows no time zones, so its roll-ups shift UTC by this offset to find local days.
    """
    zone = zoneinfo.ZoneInfo(zone_name)
    offsets = {
        datetime.datetime(year, month, 1, tzinfo=zone).utcoffset()
        for year in YEARS
        for month in range(1, 13)
    }
    if len(offsets) != 1:
        raise ImproperlyConfigured(
            f"TIME_ZONE {zone_name!r} changes its UTC offset; the SQLite roll-ups need a zone "
            "without daylight saving."
        )
    return offsets.pop()


def _buckets(vendor):
    """{table: (bucket column, SQL for the bucket of a reservation r)}: local day, local month."""
    if vendor == "postgresql":
        local = f"r.\"start\" AT TIME ZONE '{settings.TIME_ZONE}'"
        return {
            "dashboard_roomday": ("day", f"(({local})::date)"),
            "dashboard_roommonth": ("month", f"(date_trunc('month', {local})::date)"),
        }
    if vendor == "sqlite":
        minutes = fixed_utc_offset(settings.TIME_ZONE) // datetime.timedelta(minutes=1)
        shift = f"'{minutes:+d} minutes'"
        return {
            "dashboard_roomday": ("day", f'date(r."start", {shift})'),
            "dashboard_roommonth": ("month", f"date(r.\"start\", {shift}, 'start of month')"),
        }
    raise NotImplementedError(f"No roll-ups for the {vendor} database.")


def _rebuild_statements(vendor):
    buckets = _buckets(vendor)
    counts = [f"SUM({sql})" for sql in counters(vendor).values()]
    # TRUNCATE refuses to run while foreign-key checks of this transaction are deferred.
    statements = ["SET CONSTRAINTS ALL IMMEDIATE"] if vendor == "postgresql" else []
    for table, (column, bucket) in buckets.items():
        statements += [
            # TRUNCATE gives the table back its space; DELETE would leave a copy of dead rows.
            f"TRUNCATE {table}" if vendor == "postgresql" else f"DELETE FROM {table}",
            f"INSERT INTO {table} (room_id, {column}, {', '.join(COUNTERS)}) "
            f"SELECT r.room_id, {bucket}, {', '.join(counts)} "
            "FROM reservations_reservation AS r GROUP BY 1, 2",
        ]
    return statements


@transaction.atomic
def rebuild():
    """Recompute both roll-ups from the reservations, e.g. after a bulk load with triggers off."""
    with connection.cursor() as cursor:
        for sql in _rebuild_statements(connection.vendor):
            cursor.execute(sql)
