"""Rebuilds the room-day and room-month roll-ups from the reservations table (PostgreSQL, SQLite).

Database triggers keep the roll-ups exact on every write; their SQL is frozen in the migrations
(`0002_rollup_triggers`). `rebuild` serves bulk loads that ran with the triggers off, and its
buckets and statuses are those the tests hold the installed triggers to.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from reservations.models import Status

COUNTERS = (*Status.values, "approved_minutes")
# Bookings fall in these years (the portal opened in 2021); the local day of each must be its
# UTC start shifted by one fixed offset.
YEARS = range(2000, 2101)

MINUTES = {
    "postgresql": '(EXTRACT(EPOCH FROM r."end" - r."start") / 60)::integer',
    "sqlite": 'CAST(round((julianday(r."end") - julianday(r."start")) * 1440) AS integer)',
}


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
    counts = [f"SUM(CASE WHEN r.status = '{status}' THEN 1 ELSE 0 END)" for status in Status.values]
    counts.append(
        f"SUM(CASE WHEN r.status = '{Status.APPROVED.value}' THEN {MINUTES[vendor]} ELSE 0 END)"
    )
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
