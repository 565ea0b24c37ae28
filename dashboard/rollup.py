"""SQL that keeps RoomDay and RoomMonth equal to the reservations table (PostgreSQL, SQLite).

Korea has kept UTC+9 without daylight saving since 1988, so on SQLite a booking's local day
is its UTC start plus nine hours.
"""

from django.db import connection, transaction

STATUSES = ("approved", "pending", "rejected", "cancelled", "expired")
COUNTERS = (*STATUSES, "approved_minutes")

# table: (bucket column, bucket of a row's start per vendor)
BUCKETS = {
    "dashboard_roomday": (
        "day",
        {
            "postgresql": "(({row}.\"start\" AT TIME ZONE 'Asia/Seoul')::date)",
            "sqlite": "date({row}.\"start\", '+9 hours')",
        },
    ),
    "dashboard_roommonth": (
        "month",
        {
            "postgresql": "(date_trunc('month', {row}.\"start\" AT TIME ZONE 'Asia/Seoul')::date)",
            "sqlite": "date({row}.\"start\", '+9 hours', 'start of month')",
        },
    ),
}
MINUTES = {
    "postgresql": '(EXTRACT(EPOCH FROM {row}."end" - {row}."start") / 60)::integer',
    "sqlite": 'CAST(round((julianday({row}."end") - julianday({row}."start")) * 1440) AS integer)',
}


def _counts(row, vendor, sign=""):
    """Expressions for the counters of one reservation row: 1 for its status, its minutes."""
    counts = [
        f"{sign}(CASE WHEN {row}.status = '{status}' THEN 1 ELSE 0 END)" for status in STATUSES
    ]
    minutes = MINUTES[vendor].format(row=row)
    counts.append(f"{sign}(CASE WHEN {row}.status = 'approved' THEN {minutes} ELSE 0 END)")
    return counts


def upserts(row, sign, vendor):
    """Statements that add (sign "") or take away (sign "-") a NEW or OLD row, per table."""
    statements = []
    for table, (column, bucket) in BUCKETS.items():
        values = [f"{row}.room_id", bucket[vendor].format(row=row), *_counts(row, vendor, sign)]
        updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in COUNTERS)
        statements.append(
            f"INSERT INTO {table} (room_id, {column}, {', '.join(COUNTERS)}) "
            f"VALUES ({', '.join(values)}) "
            f"ON CONFLICT (room_id, {column}) DO UPDATE SET {updates}"
        )
    return statements


def rebuild_statements(vendor):
    # TRUNCATE refuses to run while foreign-key checks of this transaction are deferred.
    statements = ["SET CONSTRAINTS ALL IMMEDIATE"] if vendor == "postgresql" else []
    for table, (column, bucket) in BUCKETS.items():
        sums = ", ".join(f"SUM{count}" for count in _counts("r", vendor))
        statements += [
            # TRUNCATE gives the table back its space; DELETE would leave a copy of dead rows.
            f"TRUNCATE {table}" if vendor == "postgresql" else f"DELETE FROM {table}",
            f"INSERT INTO {table} (room_id, {column}, {', '.join(COUNTERS)}) "
            f"SELECT r.room_id, {bucket[vendor].format(row='r')}, {sums} "
            f"FROM reservations_reservation AS r GROUP BY 1, 2",
        ]
    return statements


@transaction.atomic
def rebuild():
    """Recompute both roll-ups from the reservations, e.g. after a bulk load with triggers off."""
    with connection.cursor() as cursor:
        for sql in rebuild_statements(connection.vendor):
            cursor.execute(sql)
