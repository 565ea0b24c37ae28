"""No two active (pending or approved) reservations of one room may overlap.

PostgreSQL: an exclusion constraint over tstzrange(start, end) with btree_gist.
SQLite: triggers that abort an insert or update creating such an overlap.
Both surface as IntegrityError, which the booking service turns into "slot taken".
"""

from django.db import migrations

ACTIVE = "('pending', 'approved')"

POSTGRESQL_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    f"""
    ALTER TABLE reservations_reservation
    ADD CONSTRAINT reservation_no_overlap
    EXCLUDE USING gist (room_id WITH =, tstzrange("start", "end", '[)') WITH &&)
    WHERE (status IN {ACTIVE})
    """,
]
POSTGRESQL_BACKWARD = [
    "ALTER TABLE reservations_reservation DROP CONSTRAINT reservation_no_overlap",
]

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
          AND other."start" < NEW."end"
          AND other."end" > NEW."start"
    );
END
"""
SQLITE_FORWARD = [
    SQLITE_TRIGGER.format(event=event, active=ACTIVE) for event in ("INSERT", "UPDATE")
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS reservation_no_overlap_{event}" for event in ("INSERT", "UPDATE")
]


def statements(schema_editor, forward):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        return POSTGRESQL_FORWARD if forward else POSTGRESQL_BACKWARD
    if vendor == "sqlite":
        return SQLITE_FORWARD if forward else SQLITE_BACKWARD
    raise NotImplementedError(f"No overlap guard for the {vendor} database.")


def add_guard(apps, schema_editor):
    for sql in statements(schema_editor, forward=True):
        schema_editor.execute(sql)


def remove_guard(apps, schema_editor):
    for sql in statements(schema_editor, forward=False):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("reservations", "0001_initial")]

    operations = [migrations.RunPython(add_guard, remove_guard)]
