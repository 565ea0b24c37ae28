"""Bookings hold their room until their effective end: the moment their time was released
(ended early, a no-show) if it was, else the booked end.

Replaces the guards of 0002: on PostgreSQL the exclusion constraint over
tstzrange(start, COALESCE(released_at, end)); on SQLite the triggers compare the same.
Still only active (pending or approved) bookings, and still named reservation_no_overlap,
which the booking service reads as "slot taken".
"""

from django.db import migrations

ACTIVE = "('pending', 'approved')"

POSTGRESQL_CONSTRAINT = f"""
ALTER TABLE reservations_reservation
ADD CONSTRAINT reservation_no_overlap
EXCLUDE USING gist (
    room_id WITH =, tstzrange("start", COALESCE(released_at, "end"), '[)') WITH &&
)
WHERE (status IN {ACTIVE})
"""
POSTGRESQL_BOOKED_END_CONSTRAINT = f"""
ALTER TABLE reservations_reservation
ADD CONSTRAINT reservation_no_overlap
EXCLUDE USING gist (room_id WITH =, tstzrange("start", "end", '[)') WITH &&)
WHERE (status IN {ACTIVE})
"""
DROP_POSTGRESQL_CONSTRAINT = (
    "ALTER TABLE reservations_reservation DROP CONSTRAINT reservation_no_overlap"
)

SQLITE_TRIGGER = """
CREATE TRIGGER reservation_no_overlap_{event}
BEFORE {event} ON reservations_reservation
WHEN NEW.status IN {active}
BEGIN
    SELECT RAISE(ABORT, 'reservation_no_overlap')
    WHERE EXISTS (
        SELECT 1 FROM reservations_reservation AS other
        WHERE other.room_id = NEW.room_id
          AND other.id IS NOT NEW.id
          AND other.status IN {active}
          AND other."start" < {new_end}
          AND {other_end} > NEW."start"
    );
END
"""
EVENTS = ("INSERT", "UPDATE")
DROP_SQLITE_TRIGGERS = [f"DROP TRIGGER IF EXISTS reservation_no_overlap_{e}" for e in EVENTS]


def sqlite_triggers(new_end, other_end):
    return [
        SQLITE_TRIGGER.format(event=event, active=ACTIVE, new_end=new_end, other_end=other_end)
        for event in EVENTS
    ]


FORWARD = {
    "postgresql": [DROP_POSTGRESQL_CONSTRAINT, POSTGRESQL_CONSTRAINT],
    "sqlite": [
        *DROP_SQLITE_TRIGGERS,
        *sqlite_triggers(
            'COALESCE(NEW.released_at, NEW."end")', 'COALESCE(other.released_at, other."end")'
        ),
    ],
}
BACKWARD = {
    "postgresql": [DROP_POSTGRESQL_CONSTRAINT, POSTGRESQL_BOOKED_END_CONSTRAINT],
    "sqlite": [*DROP_SQLITE_TRIGGERS, *sqlite_triggers('NEW."end"', 'other."end"')],
}


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements:
            raise NotImplementedError(f"No overlap guard for the {vendor} database.")
        for sql in statements[vendor]:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("reservations", "0004_check_in_no_show_and_suspensions")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
