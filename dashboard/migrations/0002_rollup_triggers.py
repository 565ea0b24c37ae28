"""Triggers that keep the room-day and room-month roll-ups in step with reservations; a backfill."""

from django.db import migrations

from dashboard.rollup import rebuild_statements, upserts

CHANGED = (
    'OLD.room_id IS DISTINCT FROM NEW.room_id OR OLD."start" IS DISTINCT FROM NEW."start" '
    'OR OLD."end" IS DISTINCT FROM NEW."end" OR OLD.status IS DISTINCT FROM NEW.status'
)


def _block(row, sign, vendor):
    return " ".join(f"{sql};" for sql in upserts(row, sign, vendor))


def postgresql_forward():
    return [
        f"""
        CREATE FUNCTION dashboard_roomday_track() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN {_block("OLD", "-", "postgresql")} END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN {_block("NEW", "", "postgresql")} END IF;
            RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER dashboard_roomday_track AFTER INSERT OR DELETE
        ON reservations_reservation FOR EACH ROW EXECUTE FUNCTION dashboard_roomday_track()
        """,
        f"""
        CREATE TRIGGER dashboard_roomday_track_update
        AFTER UPDATE OF room_id, "start", "end", status ON reservations_reservation
        FOR EACH ROW WHEN ({CHANGED}) EXECUTE FUNCTION dashboard_roomday_track()
        """,
    ]


POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS dashboard_roomday_track ON reservations_reservation",
    "DROP TRIGGER IF EXISTS dashboard_roomday_track_update ON reservations_reservation",
    "DROP FUNCTION IF EXISTS dashboard_roomday_track()",
]


def sqlite_forward():
    changed = CHANGED.replace("IS DISTINCT FROM", "IS NOT")
    return [
        f"""
        CREATE TRIGGER dashboard_roomday_insert AFTER INSERT ON reservations_reservation
        BEGIN {_block("NEW", "", "sqlite")} END
        """,
        f"""
        CREATE TRIGGER dashboard_roomday_delete AFTER DELETE ON reservations_reservation
        BEGIN {_block("OLD", "-", "sqlite")} END
        """,
        f"""
        CREATE TRIGGER dashboard_roomday_update
        AFTER UPDATE OF room_id, "start", "end", status ON reservations_reservation
        WHEN {changed}
        BEGIN {_block("OLD", "-", "sqlite")} {_block("NEW", "", "sqlite")} END
        """,
    ]


SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS dashboard_roomday_{event}" for event in ("insert", "delete", "update")
]


def add_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = postgresql_forward()
    elif vendor == "sqlite":
        statements = sqlite_forward()
    else:
        raise NotImplementedError(f"No room-day triggers for the {vendor} database.")
    for sql in [*statements, *rebuild_statements(vendor)]:
        schema_editor.execute(sql)


def remove_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in POSTGRESQL_BACKWARD if vendor == "postgresql" else SQLITE_BACKWARD:
        schema_editor.execute(sql)
    schema_editor.execute("DELETE FROM dashboard_roomday")
    schema_editor.execute("DELETE FROM dashboard_roommonth")


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_rollups"),
        ("reservations", "0003_decided_start_index"),
    ]

    operations = [migrations.RunPython(add_triggers, remove_triggers)]
