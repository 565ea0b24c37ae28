"""Triggers that keep the room-day and room-month roll-ups in step with reservations; a backfill.

Frozen SQL, as dashboard/rollup.py generated it when this migration was written: it counts the
statuses approved, pending, rejected, cancelled and expired, and takes days in Asia/Seoul (on
SQLite: UTC + 9 hours). A new status or time zone needs a new migration that replaces these
triggers; tests/dashboard/test_rollup.py reads the installed ones against `Status` and TIME_ZONE.
"""

from django.db import migrations

# PostgreSQL: one function for every event; updates that leave the counted columns alone skip it.
TRACK_FUNCTION = """\
CREATE FUNCTION dashboard_roomday_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO dashboard_roomday (room_id, day, approved, pending, rejected, cancelled, expired, approved_minutes)
        VALUES (
            OLD.room_id,
            ((OLD."start" AT TIME ZONE 'Asia/Seoul')::date),
            -(CASE WHEN OLD.status = 'approved' THEN 1 ELSE 0 END),
            -(CASE WHEN OLD.status = 'pending' THEN 1 ELSE 0 END),
            -(CASE WHEN OLD.status = 'rejected' THEN 1 ELSE 0 END),
            -(CASE WHEN OLD.status = 'cancelled' THEN 1 ELSE 0 END),
            -(CASE WHEN OLD.status = 'expired' THEN 1 ELSE 0 END),
            -(CASE WHEN OLD.status = 'approved' THEN (EXTRACT(EPOCH FROM OLD."end" - OLD."start") / 60)::integer ELSE 0 END)
        )
        ON CONFLICT (room_id, day) DO UPDATE SET
            approved = dashboard_roomday.approved + excluded.approved,
            pending = dashboard_roomday.pending + excluded.pending,
            rejected = dashboard_roomday.rejected + excluded.rejected,
            cancelled = dashboard_roomday.cancelled + excluded.cancelled,
            expired = dashboard_roomday.expired + excluded.expired,
            approved_minutes = dashboard_roomday.approved_minutes + excluded.approved_minutes;
        INSERT INTO dashboard_roommonth (room_id, month, approved, pending, rejected, cancelled, expired, approved_minutes)
        VALUES (
            OLD.room_id,
            (date_trunc('month', OLD."start" AT TIME ZONE 'Asia/Seoul')::date),
            -(CASE WHEN OLD.status = 'approved' THEN 1 ELSE 0 END),
            -(CASE WHEN OLD.status = 'pending' THEN 1 ELSE 0 END),
            -(CASE WHEN OLD.status = 'rejected' THEN 1 ELSE 0 END),
            -(CASE WHEN OLD.status = 'cancelled' THEN 1 ELSE 0 END),
            -(CASE WHEN OLD.status = 'expired' THEN 1 ELSE 0 END),
            -(CASE WHEN OLD.status = 'approved' THEN (EXTRACT(EPOCH FROM OLD."end" - OLD."start") / 60)::integer ELSE 0 END)
        )
        ON CONFLICT (room_id, month) DO UPDATE SET
            approved = dashboard_roommonth.approved + excluded.approved,
            pending = dashboard_roommonth.pending + excluded.pending,
            rejected = dashboard_roommonth.rejected + excluded.rejected,
            cancelled = dashboard_roommonth.cancelled + excluded.cancelled,
            expired = dashboard_roommonth.expired + excluded.expired,
            approved_minutes = dashboard_roommonth.approved_minutes + excluded.approved_minutes;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO dashboard_roomday (room_id, day, approved, pending, rejected, cancelled, expired, approved_minutes)
        VALUES (
            NEW.room_id,
            ((NEW."start" AT TIME ZONE 'Asia/Seoul')::date),
            (CASE WHEN NEW.status = 'approved' THEN 1 ELSE 0 END),
            (CASE WHEN NEW.status = 'pending' THEN 1 ELSE 0 END),
            (CASE WHEN NEW.status = 'rejected' THEN 1 ELSE 0 END),
            (CASE WHEN NEW.status = 'cancelled' THEN 1 ELSE 0 END),
            (CASE WHEN NEW.status = 'expired' THEN 1 ELSE 0 END),
            (CASE WHEN NEW.status = 'approved' THEN (EXTRACT(EPOCH FROM NEW."end" - NEW."start") / 60)::integer ELSE 0 END)
        )
        ON CONFLICT (room_id, day) DO UPDATE SET
            approved = dashboard_roomday.approved + excluded.approved,
            pending = dashboard_roomday.pending + excluded.pending,
            rejected = dashboard_roomday.rejected + excluded.rejected,
            cancelled = dashboard_roomday.cancelled + excluded.cancelled,
            expired = dashboard_roomday.expired + excluded.expired,
            approved_minutes = dashboard_roomday.approved_minutes + excluded.approved_minutes;
        INSERT INTO dashboard_roommonth (room_id, month, approved, pending, rejected, cancelled, expired, approved_minutes)
        VALUES (
            NEW.room_id,
            (date_trunc('month', NEW."start" AT TIME ZONE 'Asia/Seoul')::date),
            (CASE WHEN NEW.status = 'approved' THEN 1 ELSE 0 END),
            (CASE WHEN NEW.status = 'pending' THEN 1 ELSE 0 END),
            (CASE WHEN NEW.status = 'rejected' THEN 1 ELSE 0 END),
            (CASE WHEN NEW.status = 'cancelled' THEN 1 ELSE 0 END),
            (CASE WHEN NEW.status = 'expired' THEN 1 ELSE 0 END),
            (CASE WHEN NEW.status = 'approved' THEN (EXTRACT(EPOCH FROM NEW."end" - NEW."start") / 60)::integer ELSE 0 END)
        )
        ON CONFLICT (room_id, month) DO UPDATE SET
            approved = dashboard_roommonth.approved + excluded.approved,
            pending = dashboard_roommonth.pending + excluded.pending,
            rejected = dashboard_roommonth.rejected + excluded.rejected,
            cancelled = dashboard_roommonth.cancelled + excluded.cancelled,
            expired = dashboard_roommonth.expired + excluded.expired,
            approved_minutes = dashboard_roommonth.approved_minutes + excluded.approved_minutes;
    END IF;
    RETURN NULL;
END $$"""

TRACK_TRIGGER = """\
CREATE TRIGGER dashboard_roomday_track AFTER INSERT OR DELETE
ON reservations_reservation FOR EACH ROW EXECUTE FUNCTION dashboard_roomday_track()"""

TRACK_UPDATE_TRIGGER = """\
CREATE TRIGGER dashboard_roomday_track_update
AFTER UPDATE OF room_id, "start", "end", status ON reservations_reservation
FOR EACH ROW WHEN (OLD.room_id IS DISTINCT FROM NEW.room_id OR OLD."start" IS DISTINCT FROM NEW."start"
    OR OLD."end" IS DISTINCT FROM NEW."end" OR OLD.status IS DISTINCT FROM NEW.status)
EXECUTE FUNCTION dashboard_roomday_track()"""

# SQLite: a trigger per event.
INSERT_TRIGGER = """\
CREATE TRIGGER dashboard_roomday_insert AFTER INSERT ON reservations_reservation
BEGIN
    INSERT INTO dashboard_roomday (room_id, day, approved, pending, rejected, cancelled, expired, approved_minutes)
    VALUES (
        NEW.room_id,
        date(NEW."start", '+9 hours'),
        (CASE WHEN NEW.status = 'approved' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'pending' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'rejected' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'cancelled' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'expired' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'approved' THEN CAST(round((julianday(NEW."end") - julianday(NEW."start")) * 1440) AS integer) ELSE 0 END)
    )
    ON CONFLICT (room_id, day) DO UPDATE SET
        approved = dashboard_roomday.approved + excluded.approved,
        pending = dashboard_roomday.pending + excluded.pending,
        rejected = dashboard_roomday.rejected + excluded.rejected,
        cancelled = dashboard_roomday.cancelled + excluded.cancelled,
        expired = dashboard_roomday.expired + excluded.expired,
        approved_minutes = dashboard_roomday.approved_minutes + excluded.approved_minutes;
    INSERT INTO dashboard_roommonth (room_id, month, approved, pending, rejected, cancelled, expired, approved_minutes)
    VALUES (
        NEW.room_id,
        date(NEW."start", '+9 hours', 'start of month'),
        (CASE WHEN NEW.status = 'approved' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'pending' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'rejected' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'cancelled' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'expired' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'approved' THEN CAST(round((julianday(NEW."end") - julianday(NEW."start")) * 1440) AS integer) ELSE 0 END)
    )
    ON CONFLICT (room_id, month) DO UPDATE SET
        approved = dashboard_roommonth.approved + excluded.approved,
        pending = dashboard_roommonth.pending + excluded.pending,
        rejected = dashboard_roommonth.rejected + excluded.rejected,
        cancelled = dashboard_roommonth.cancelled + excluded.cancelled,
        expired = dashboard_roommonth.expired + excluded.expired,
        approved_minutes = dashboard_roommonth.approved_minutes + excluded.approved_minutes;
END"""

DELETE_TRIGGER = """\
CREATE TRIGGER dashboard_roomday_delete AFTER DELETE ON reservations_reservation
BEGIN
    INSERT INTO dashboard_roomday (room_id, day, approved, pending, rejected, cancelled, expired, approved_minutes)
    VALUES (
        OLD.room_id,
        date(OLD."start", '+9 hours'),
        -(CASE WHEN OLD.status = 'approved' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'pending' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'rejected' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'cancelled' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'expired' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'approved' THEN CAST(round((julianday(OLD."end") - julianday(OLD."start")) * 1440) AS integer) ELSE 0 END)
    )
    ON CONFLICT (room_id, day) DO UPDATE SET
        approved = dashboard_roomday.approved + excluded.approved,
        pending = dashboard_roomday.pending + excluded.pending,
        rejected = dashboard_roomday.rejected + excluded.rejected,
        cancelled = dashboard_roomday.cancelled + excluded.cancelled,
        expired = dashboard_roomday.expired + excluded.expired,
        approved_minutes = dashboard_roomday.approved_minutes + excluded.approved_minutes;
    INSERT INTO dashboard_roommonth (room_id, month, approved, pending, rejected, cancelled, expired, approved_minutes)
    VALUES (
        OLD.room_id,
        date(OLD."start", '+9 hours', 'start of month'),
        -(CASE WHEN OLD.status = 'approved' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'pending' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'rejected' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'cancelled' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'expired' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'approved' THEN CAST(round((julianday(OLD."end") - julianday(OLD."start")) * 1440) AS integer) ELSE 0 END)
    )
    ON CONFLICT (room_id, month) DO UPDATE SET
        approved = dashboard_roommonth.approved + excluded.approved,
        pending = dashboard_roommonth.pending + excluded.pending,
        rejected = dashboard_roommonth.rejected + excluded.rejected,
        cancelled = dashboard_roommonth.cancelled + excluded.cancelled,
        expired = dashboard_roommonth.expired + excluded.expired,
        approved_minutes = dashboard_roommonth.approved_minutes + excluded.approved_minutes;
END"""

UPDATE_TRIGGER = """\
CREATE TRIGGER dashboard_roomday_update
AFTER UPDATE OF room_id, "start", "end", status ON reservations_reservation
WHEN OLD.room_id IS NOT NEW.room_id OR OLD."start" IS NOT NEW."start"
    OR OLD."end" IS NOT NEW."end" OR OLD.status IS NOT NEW.status
BEGIN
    INSERT INTO dashboard_roomday (room_id, day, approved, pending, rejected, cancelled, expired, approved_minutes)
    VALUES (
        OLD.room_id,
        date(OLD."start", '+9 hours'),
        -(CASE WHEN OLD.status = 'approved' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'pending' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'rejected' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'cancelled' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'expired' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'approved' THEN CAST(round((julianday(OLD."end") - julianday(OLD."start")) * 1440) AS integer) ELSE 0 END)
    )
    ON CONFLICT (room_id, day) DO UPDATE SET
        approved = dashboard_roomday.approved + excluded.approved,
        pending = dashboard_roomday.pending + excluded.pending,
        rejected = dashboard_roomday.rejected + excluded.rejected,
        cancelled = dashboard_roomday.cancelled + excluded.cancelled,
        expired = dashboard_roomday.expired + excluded.expired,
        approved_minutes = dashboard_roomday.approved_minutes + excluded.approved_minutes;
    INSERT INTO dashboard_roommonth (room_id, month, approved, pending, rejected, cancelled, expired, approved_minutes)
    VALUES (
        OLD.room_id,
        date(OLD."start", '+9 hours', 'start of month'),
        -(CASE WHEN OLD.status = 'approved' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'pending' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'rejected' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'cancelled' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'expired' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'approved' THEN CAST(round((julianday(OLD."end") - julianday(OLD."start")) * 1440) AS integer) ELSE 0 END)
    )
    ON CONFLICT (room_id, month) DO UPDATE SET
        approved = dashboard_roommonth.approved + excluded.approved,
        pending = dashboard_roommonth.pending + excluded.pending,
        rejected = dashboard_roommonth.rejected + excluded.rejected,
        cancelled = dashboard_roommonth.cancelled + excluded.cancelled,
        expired = dashboard_roommonth.expired + excluded.expired,
        approved_minutes = dashboard_roommonth.approved_minutes + excluded.approved_minutes;
    INSERT INTO dashboard_roomday (room_id, day, approved, pending, rejected, cancelled, expired, approved_minutes)
    VALUES (
        NEW.room_id,
        date(NEW."start", '+9 hours'),
        (CASE WHEN NEW.status = 'approved' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'pending' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'rejected' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'cancelled' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'expired' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'approved' THEN CAST(round((julianday(NEW."end") - julianday(NEW."start")) * 1440) AS integer) ELSE 0 END)
    )
    ON CONFLICT (room_id, day) DO UPDATE SET
        approved = dashboard_roomday.approved + excluded.approved,
        pending = dashboard_roomday.pending + excluded.pending,
        rejected = dashboard_roomday.rejected + excluded.rejected,
        cancelled = dashboard_roomday.cancelled + excluded.cancelled,
        expired = dashboard_roomday.expired + excluded.expired,
        approved_minutes = dashboard_roomday.approved_minutes + excluded.approved_minutes;
    INSERT INTO dashboard_roommonth (room_id, month, approved, pending, rejected, cancelled, expired, approved_minutes)
    VALUES (
        NEW.room_id,
        date(NEW."start", '+9 hours', 'start of month'),
        (CASE WHEN NEW.status = 'approved' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'pending' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'rejected' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'cancelled' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'expired' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'approved' THEN CAST(round((julianday(NEW."end") - julianday(NEW."start")) * 1440) AS integer) ELSE 0 END)
    )
    ON CONFLICT (room_id, month) DO UPDATE SET
        approved = dashboard_roommonth.approved + excluded.approved,
        pending = dashboard_roommonth.pending + excluded.pending,
        rejected = dashboard_roommonth.rejected + excluded.rejected,
        cancelled = dashboard_roommonth.cancelled + excluded.cancelled,
        expired = dashboard_roommonth.expired + excluded.expired,
        approved_minutes = dashboard_roommonth.approved_minutes + excluded.approved_minutes;
END"""

# Roll-ups of the bookings made before the triggers existed.
POSTGRESQL_BACKFILL = [
    """\
SET CONSTRAINTS ALL IMMEDIATE""",
    """\
TRUNCATE dashboard_roomday""",
    """\
INSERT INTO dashboard_roomday (room_id, day, approved, pending, rejected, cancelled, expired, approved_minutes)
SELECT
    r.room_id,
    ((r."start" AT TIME ZONE 'Asia/Seoul')::date),
    SUM(CASE WHEN r.status = 'approved' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'pending' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'rejected' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'cancelled' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'expired' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'approved' THEN (EXTRACT(EPOCH FROM r."end" - r."start") / 60)::integer ELSE 0 END)
FROM reservations_reservation AS r
GROUP BY 1, 2""",
    """\
TRUNCATE dashboard_roommonth""",
    """\
INSERT INTO dashboard_roommonth (room_id, month, approved, pending, rejected, cancelled, expired, approved_minutes)
SELECT
    r.room_id,
    (date_trunc('month', r."start" AT TIME ZONE 'Asia/Seoul')::date),
    SUM(CASE WHEN r.status = 'approved' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'pending' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'rejected' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'cancelled' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'expired' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'approved' THEN (EXTRACT(EPOCH FROM r."end" - r."start") / 60)::integer ELSE 0 END)
FROM reservations_reservation AS r
GROUP BY 1, 2""",
]

SQLITE_BACKFILL = [
    """\
DELETE FROM dashboard_roomday""",
    """\
INSERT INTO dashboard_roomday (room_id, day, approved, pending, rejected, cancelled, expired, approved_minutes)
SELECT
    r.room_id,
    date(r."start", '+9 hours'),
    SUM(CASE WHEN r.status = 'approved' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'pending' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'rejected' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'cancelled' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'expired' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'approved' THEN CAST(round((julianday(r."end") - julianday(r."start")) * 1440) AS integer) ELSE 0 END)
FROM reservations_reservation AS r
GROUP BY 1, 2""",
    """\
DELETE FROM dashboard_roommonth""",
    """\
INSERT INTO dashboard_roommonth (room_id, month, approved, pending, rejected, cancelled, expired, approved_minutes)
SELECT
    r.room_id,
    date(r."start", '+9 hours', 'start of month'),
    SUM(CASE WHEN r.status = 'approved' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'pending' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'rejected' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'cancelled' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'expired' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'approved' THEN CAST(round((julianday(r."end") - julianday(r."start")) * 1440) AS integer) ELSE 0 END)
FROM reservations_reservation AS r
GROUP BY 1, 2""",
]

FORWARD = {
    "postgresql": [TRACK_FUNCTION, TRACK_TRIGGER, TRACK_UPDATE_TRIGGER, *POSTGRESQL_BACKFILL],
    "sqlite": [INSERT_TRIGGER, DELETE_TRIGGER, UPDATE_TRIGGER, *SQLITE_BACKFILL],
}
BACKWARD = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS dashboard_roomday_track ON reservations_reservation",
        "DROP TRIGGER IF EXISTS dashboard_roomday_track_update ON reservations_reservation",
        "DROP FUNCTION IF EXISTS dashboard_roomday_track()",
        "DELETE FROM dashboard_roomday",
        "DELETE FROM dashboard_roommonth",
    ],
    "sqlite": [
        "DROP TRIGGER IF EXISTS dashboard_roomday_insert",
        "DROP TRIGGER IF EXISTS dashboard_roomday_delete",
        "DROP TRIGGER IF EXISTS dashboard_roomday_update",
        "DELETE FROM dashboard_roomday",
        "DELETE FROM dashboard_roommonth",
    ],
}


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements:
            raise NotImplementedError(f"No room-day triggers for the {vendor} database.")
        for sql in statements[vendor]:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_rollups"),
        ("reservations", "0003_decided_start_index"),
    ]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
