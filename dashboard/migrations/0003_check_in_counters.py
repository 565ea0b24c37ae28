"""Roll-ups count no-shows, check-ins and used and released minutes; triggers to match.

Frozen SQL, as dashboard/rollup.py generated it when this migration was written. It replaces
the triggers of 0002 (a new status, no_show, and the columns checked_in_at and released_at
now count), then rebuilds both roll-ups from the reservations. The counters: a count per
status (pending, approved, rejected, cancelled, expired, no_show); approved_minutes and
no_show_minutes, the booked time of each; checked_in, the approved bookings checked in;
used_minutes, their time up to the effective end COALESCE(released_at, end);
released_minutes, the time freed from released_at to the booked end. Days in Asia/Seoul (on
SQLite: UTC + 9 hours).
"""

from django.db import migrations, models

# PostgreSQL: one function for every event; updates that leave the counted columns alone skip it.
TRACK_FUNCTION = """\
CREATE FUNCTION dashboard_roomday_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO dashboard_roomday (room_id, day, pending, approved, rejected, cancelled, expired, no_show, approved_minutes, no_show_minutes, checked_in, used_minutes, released_minutes)
        VALUES (
            OLD.room_id,
            ((OLD."start" AT TIME ZONE 'Asia/Seoul')::date),
            -(CASE WHEN OLD.status = 'pending' THEN 1 ELSE 0 END),
            -(CASE WHEN OLD.status = 'approved' THEN 1 ELSE 0 END),
            -(CASE WHEN OLD.status = 'rejected' THEN 1 ELSE 0 END),
            -(CASE WHEN OLD.status = 'cancelled' THEN 1 ELSE 0 END),
            -(CASE WHEN OLD.status = 'expired' THEN 1 ELSE 0 END),
            -(CASE WHEN OLD.status = 'no_show' THEN 1 ELSE 0 END),
            -(CASE WHEN OLD.status = 'approved' THEN (EXTRACT(EPOCH FROM OLD."end" - OLD."start") / 60)::integer ELSE 0 END),
            -(CASE WHEN OLD.status = 'no_show' THEN (EXTRACT(EPOCH FROM OLD."end" - OLD."start") / 60)::integer ELSE 0 END),
            -(CASE WHEN OLD.status = 'approved' AND OLD.checked_in_at IS NOT NULL THEN 1 ELSE 0 END),
            -(CASE WHEN OLD.status = 'approved' AND OLD.checked_in_at IS NOT NULL THEN (EXTRACT(EPOCH FROM COALESCE(OLD.released_at, OLD."end") - OLD."start") / 60)::integer ELSE 0 END),
            -(CASE WHEN OLD.released_at IS NOT NULL THEN (EXTRACT(EPOCH FROM OLD."end" - OLD.released_at) / 60)::integer ELSE 0 END)
        )
        ON CONFLICT (room_id, day) DO UPDATE SET
            pending = dashboard_roomday.pending + excluded.pending,
            approved = dashboard_roomday.approved + excluded.approved,
            rejected = dashboard_roomday.rejected + excluded.rejected,
            cancelled = dashboard_roomday.cancelled + excluded.cancelled,
            expired = dashboard_roomday.expired + excluded.expired,
            no_show = dashboard_roomday.no_show + excluded.no_show,
            approved_minutes = dashboard_roomday.approved_minutes + excluded.approved_minutes,
            no_show_minutes = dashboard_roomday.no_show_minutes + excluded.no_show_minutes,
            checked_in = dashboard_roomday.checked_in + excluded.checked_in,
            used_minutes = dashboard_roomday.used_minutes + excluded.used_minutes,
            released_minutes = dashboard_roomday.released_minutes + excluded.released_minutes;
        INSERT INTO dashboard_roommonth (room_id, month, pending, approved, rejected, cancelled, expired, no_show, approved_minutes, no_show_minutes, checked_in, used_minutes, released_minutes)
        VALUES (
            OLD.room_id,
            (date_trunc('month', OLD."start" AT TIME ZONE 'Asia/Seoul')::date),
            -(CASE WHEN OLD.status = 'pending' THEN 1 ELSE 0 END),
            -(CASE WHEN OLD.status = 'approved' THEN 1 ELSE 0 END),
            -(CASE WHEN OLD.status = 'rejected' THEN 1 ELSE 0 END),
            -(CASE WHEN OLD.status = 'cancelled' THEN 1 ELSE 0 END),
            -(CASE WHEN OLD.status = 'expired' THEN 1 ELSE 0 END),
            -(CASE WHEN OLD.status = 'no_show' THEN 1 ELSE 0 END),
            -(CASE WHEN OLD.status = 'approved' THEN (EXTRACT(EPOCH FROM OLD."end" - OLD."start") / 60)::integer ELSE 0 END),
            -(CASE WHEN OLD.status = 'no_show' THEN (EXTRACT(EPOCH FROM OLD."end" - OLD."start") / 60)::integer ELSE 0 END),
            -(CASE WHEN OLD.status = 'approved' AND OLD.checked_in_at IS NOT NULL THEN 1 ELSE 0 END),
            -(CASE WHEN OLD.status = 'approved' AND OLD.checked_in_at IS NOT NULL THEN (EXTRACT(EPOCH FROM COALESCE(OLD.released_at, OLD."end") - OLD."start") / 60)::integer ELSE 0 END),
            -(CASE WHEN OLD.released_at IS NOT NULL THEN (EXTRACT(EPOCH FROM OLD."end" - OLD.released_at) / 60)::integer ELSE 0 END)
        )
        ON CONFLICT (room_id, month) DO UPDATE SET
            pending = dashboard_roommonth.pending + excluded.pending,
            approved = dashboard_roommonth.approved + excluded.approved,
            rejected = dashboard_roommonth.rejected + excluded.rejected,
            cancelled = dashboard_roommonth.cancelled + excluded.cancelled,
            expired = dashboard_roommonth.expired + excluded.expired,
            no_show = dashboard_roommonth.no_show + excluded.no_show,
            approved_minutes = dashboard_roommonth.approved_minutes + excluded.approved_minutes,
            no_show_minutes = dashboard_roommonth.no_show_minutes + excluded.no_show_minutes,
            checked_in = dashboard_roommonth.checked_in + excluded.checked_in,
            used_minutes = dashboard_roommonth.used_minutes + excluded.used_minutes,
            released_minutes = dashboard_roommonth.released_minutes + excluded.released_minutes;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO dashboard_roomday (room_id, day, pending, approved, rejected, cancelled, expired, no_show, approved_minutes, no_show_minutes, checked_in, used_minutes, released_minutes)
        VALUES (
            NEW.room_id,
            ((NEW."start" AT TIME ZONE 'Asia/Seoul')::date),
            (CASE WHEN NEW.status = 'pending' THEN 1 ELSE 0 END),
            (CASE WHEN NEW.status = 'approved' THEN 1 ELSE 0 END),
            (CASE WHEN NEW.status = 'rejected' THEN 1 ELSE 0 END),
            (CASE WHEN NEW.status = 'cancelled' THEN 1 ELSE 0 END),
            (CASE WHEN NEW.status = 'expired' THEN 1 ELSE 0 END),
            (CASE WHEN NEW.status = 'no_show' THEN 1 ELSE 0 END),
            (CASE WHEN NEW.status = 'approved' THEN (EXTRACT(EPOCH FROM NEW."end" - NEW."start") / 60)::integer ELSE 0 END),
            (CASE WHEN NEW.status = 'no_show' THEN (EXTRACT(EPOCH FROM NEW."end" - NEW."start") / 60)::integer ELSE 0 END),
            (CASE WHEN NEW.status = 'approved' AND NEW.checked_in_at IS NOT NULL THEN 1 ELSE 0 END),
            (CASE WHEN NEW.status = 'approved' AND NEW.checked_in_at IS NOT NULL THEN (EXTRACT(EPOCH FROM COALESCE(NEW.released_at, NEW."end") - NEW."start") / 60)::integer ELSE 0 END),
            (CASE WHEN NEW.released_at IS NOT NULL THEN (EXTRACT(EPOCH FROM NEW."end" - NEW.released_at) / 60)::integer ELSE 0 END)
        )
        ON CONFLICT (room_id, day) DO UPDATE SET
            pending = dashboard_roomday.pending + excluded.pending,
            approved = dashboard_roomday.approved + excluded.approved,
            rejected = dashboard_roomday.rejected + excluded.rejected,
            cancelled = dashboard_roomday.cancelled + excluded.cancelled,
            expired = dashboard_roomday.expired + excluded.expired,
            no_show = dashboard_roomday.no_show + excluded.no_show,
            approved_minutes = dashboard_roomday.approved_minutes + excluded.approved_minutes,
            no_show_minutes = dashboard_roomday.no_show_minutes + excluded.no_show_minutes,
            checked_in = dashboard_roomday.checked_in + excluded.checked_in,
            used_minutes = dashboard_roomday.used_minutes + excluded.used_minutes,
            released_minutes = dashboard_roomday.released_minutes + excluded.released_minutes;
        INSERT INTO dashboard_roommonth (room_id, month, pending, approved, rejected, cancelled, expired, no_show, approved_minutes, no_show_minutes, checked_in, used_minutes, released_minutes)
        VALUES (
            NEW.room_id,
            (date_trunc('month', NEW."start" AT TIME ZONE 'Asia/Seoul')::date),
            (CASE WHEN NEW.status = 'pending' THEN 1 ELSE 0 END),
            (CASE WHEN NEW.status = 'approved' THEN 1 ELSE 0 END),
            (CASE WHEN NEW.status = 'rejected' THEN 1 ELSE 0 END),
            (CASE WHEN NEW.status = 'cancelled' THEN 1 ELSE 0 END),
            (CASE WHEN NEW.status = 'expired' THEN 1 ELSE 0 END),
            (CASE WHEN NEW.status = 'no_show' THEN 1 ELSE 0 END),
            (CASE WHEN NEW.status = 'approved' THEN (EXTRACT(EPOCH FROM NEW."end" - NEW."start") / 60)::integer ELSE 0 END),
            (CASE WHEN NEW.status = 'no_show' THEN (EXTRACT(EPOCH FROM NEW."end" - NEW."start") / 60)::integer ELSE 0 END),
            (CASE WHEN NEW.status = 'approved' AND NEW.checked_in_at IS NOT NULL THEN 1 ELSE 0 END),
            (CASE WHEN NEW.status = 'approved' AND NEW.checked_in_at IS NOT NULL THEN (EXTRACT(EPOCH FROM COALESCE(NEW.released_at, NEW."end") - NEW."start") / 60)::integer ELSE 0 END),
            (CASE WHEN NEW.released_at IS NOT NULL THEN (EXTRACT(EPOCH FROM NEW."end" - NEW.released_at) / 60)::integer ELSE 0 END)
        )
        ON CONFLICT (room_id, month) DO UPDATE SET
            pending = dashboard_roommonth.pending + excluded.pending,
            approved = dashboard_roommonth.approved + excluded.approved,
            rejected = dashboard_roommonth.rejected + excluded.rejected,
            cancelled = dashboard_roommonth.cancelled + excluded.cancelled,
            expired = dashboard_roommonth.expired + excluded.expired,
            no_show = dashboard_roommonth.no_show + excluded.no_show,
            approved_minutes = dashboard_roommonth.approved_minutes + excluded.approved_minutes,
            no_show_minutes = dashboard_roommonth.no_show_minutes + excluded.no_show_minutes,
            checked_in = dashboard_roommonth.checked_in + excluded.checked_in,
            used_minutes = dashboard_roommonth.used_minutes + excluded.used_minutes,
            released_minutes = dashboard_roommonth.released_minutes + excluded.released_minutes;
    END IF;
    RETURN NULL;
END $$"""


TRACK_TRIGGER = """\
CREATE TRIGGER dashboard_roomday_track AFTER INSERT OR DELETE
ON reservations_reservation FOR EACH ROW EXECUTE FUNCTION dashboard_roomday_track()"""

TRACK_UPDATE_TRIGGER = """\
CREATE TRIGGER dashboard_roomday_track_update
AFTER UPDATE OF room_id, "start", "end", status, checked_in_at, released_at
ON reservations_reservation
FOR EACH ROW WHEN (OLD.room_id IS DISTINCT FROM NEW.room_id OR OLD."start" IS DISTINCT FROM NEW."start"
    OR OLD."end" IS DISTINCT FROM NEW."end" OR OLD.status IS DISTINCT FROM NEW.status
    OR OLD.checked_in_at IS DISTINCT FROM NEW.checked_in_at
    OR OLD.released_at IS DISTINCT FROM NEW.released_at)
EXECUTE FUNCTION dashboard_roomday_track()"""

# SQLite: a trigger per event.
INSERT_TRIGGER = """\
CREATE TRIGGER dashboard_roomday_insert AFTER INSERT ON reservations_reservation
BEGIN
    INSERT INTO dashboard_roomday (room_id, day, pending, approved, rejected, cancelled, expired, no_show, approved_minutes, no_show_minutes, checked_in, used_minutes, released_minutes)
    VALUES (
        NEW.room_id,
        date(NEW."start", '+9 hours'),
        (CASE WHEN NEW.status = 'pending' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'approved' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'rejected' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'cancelled' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'expired' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'no_show' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'approved' THEN CAST(round((julianday(NEW."end") - julianday(NEW."start")) * 1440) AS integer) ELSE 0 END),
        (CASE WHEN NEW.status = 'no_show' THEN CAST(round((julianday(NEW."end") - julianday(NEW."start")) * 1440) AS integer) ELSE 0 END),
        (CASE WHEN NEW.status = 'approved' AND NEW.checked_in_at IS NOT NULL THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'approved' AND NEW.checked_in_at IS NOT NULL THEN CAST(round((julianday(COALESCE(NEW.released_at, NEW."end")) - julianday(NEW."start")) * 1440) AS integer) ELSE 0 END),
        (CASE WHEN NEW.released_at IS NOT NULL THEN CAST(round((julianday(NEW."end") - julianday(NEW.released_at)) * 1440) AS integer) ELSE 0 END)
    )
    ON CONFLICT (room_id, day) DO UPDATE SET
        pending = dashboard_roomday.pending + excluded.pending,
        approved = dashboard_roomday.approved + excluded.approved,
        rejected = dashboard_roomday.rejected + excluded.rejected,
        cancelled = dashboard_roomday.cancelled + excluded.cancelled,
        expired = dashboard_roomday.expired + excluded.expired,
        no_show = dashboard_roomday.no_show + excluded.no_show,
        approved_minutes = dashboard_roomday.approved_minutes + excluded.approved_minutes,
        no_show_minutes = dashboard_roomday.no_show_minutes + excluded.no_show_minutes,
        checked_in = dashboard_roomday.checked_in + excluded.checked_in,
        used_minutes = dashboard_roomday.used_minutes + excluded.used_minutes,
        released_minutes = dashboard_roomday.released_minutes + excluded.released_minutes;
    INSERT INTO dashboard_roommonth (room_id, month, pending, approved, rejected, cancelled, expired, no_show, approved_minutes, no_show_minutes, checked_in, used_minutes, released_minutes)
    VALUES (
        NEW.room_id,
        date(NEW."start", '+9 hours', 'start of month'),
        (CASE WHEN NEW.status = 'pending' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'approved' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'rejected' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'cancelled' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'expired' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'no_show' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'approved' THEN CAST(round((julianday(NEW."end") - julianday(NEW."start")) * 1440) AS integer) ELSE 0 END),
        (CASE WHEN NEW.status = 'no_show' THEN CAST(round((julianday(NEW."end") - julianday(NEW."start")) * 1440) AS integer) ELSE 0 END),
        (CASE WHEN NEW.status = 'approved' AND NEW.checked_in_at IS NOT NULL THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'approved' AND NEW.checked_in_at IS NOT NULL THEN CAST(round((julianday(COALESCE(NEW.released_at, NEW."end")) - julianday(NEW."start")) * 1440) AS integer) ELSE 0 END),
        (CASE WHEN NEW.released_at IS NOT NULL THEN CAST(round((julianday(NEW."end") - julianday(NEW.released_at)) * 1440) AS integer) ELSE 0 END)
    )
    ON CONFLICT (room_id, month) DO UPDATE SET
        pending = dashboard_roommonth.pending + excluded.pending,
        approved = dashboard_roommonth.approved + excluded.approved,
        rejected = dashboard_roommonth.rejected + excluded.rejected,
        cancelled = dashboard_roommonth.cancelled + excluded.cancelled,
        expired = dashboard_roommonth.expired + excluded.expired,
        no_show = dashboard_roommonth.no_show + excluded.no_show,
        approved_minutes = dashboard_roommonth.approved_minutes + excluded.approved_minutes,
        no_show_minutes = dashboard_roommonth.no_show_minutes + excluded.no_show_minutes,
        checked_in = dashboard_roommonth.checked_in + excluded.checked_in,
        used_minutes = dashboard_roommonth.used_minutes + excluded.used_minutes,
        released_minutes = dashboard_roommonth.released_minutes + excluded.released_minutes;
END"""

DELETE_TRIGGER = """\
CREATE TRIGGER dashboard_roomday_delete AFTER DELETE ON reservations_reservation
BEGIN
    INSERT INTO dashboard_roomday (room_id, day, pending, approved, rejected, cancelled, expired, no_show, approved_minutes, no_show_minutes, checked_in, used_minutes, released_minutes)
    VALUES (
        OLD.room_id,
        date(OLD."start", '+9 hours'),
        -(CASE WHEN OLD.status = 'pending' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'approved' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'rejected' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'cancelled' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'expired' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'no_show' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'approved' THEN CAST(round((julianday(OLD."end") - julianday(OLD."start")) * 1440) AS integer) ELSE 0 END),
        -(CASE WHEN OLD.status = 'no_show' THEN CAST(round((julianday(OLD."end") - julianday(OLD."start")) * 1440) AS integer) ELSE 0 END),
        -(CASE WHEN OLD.status = 'approved' AND OLD.checked_in_at IS NOT NULL THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'approved' AND OLD.checked_in_at IS NOT NULL THEN CAST(round((julianday(COALESCE(OLD.released_at, OLD."end")) - julianday(OLD."start")) * 1440) AS integer) ELSE 0 END),
        -(CASE WHEN OLD.released_at IS NOT NULL THEN CAST(round((julianday(OLD."end") - julianday(OLD.released_at)) * 1440) AS integer) ELSE 0 END)
    )
    ON CONFLICT (room_id, day) DO UPDATE SET
        pending = dashboard_roomday.pending + excluded.pending,
        approved = dashboard_roomday.approved + excluded.approved,
        rejected = dashboard_roomday.rejected + excluded.rejected,
        cancelled = dashboard_roomday.cancelled + excluded.cancelled,
        expired = dashboard_roomday.expired + excluded.expired,
        no_show = dashboard_roomday.no_show + excluded.no_show,
        approved_minutes = dashboard_roomday.approved_minutes + excluded.approved_minutes,
        no_show_minutes = dashboard_roomday.no_show_minutes + excluded.no_show_minutes,
        checked_in = dashboard_roomday.checked_in + excluded.checked_in,
        used_minutes = dashboard_roomday.used_minutes + excluded.used_minutes,
        released_minutes = dashboard_roomday.released_minutes + excluded.released_minutes;
    INSERT INTO dashboard_roommonth (room_id, month, pending, approved, rejected, cancelled, expired, no_show, approved_minutes, no_show_minutes, checked_in, used_minutes, released_minutes)
    VALUES (
        OLD.room_id,
        date(OLD."start", '+9 hours', 'start of month'),
        -(CASE WHEN OLD.status = 'pending' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'approved' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'rejected' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'cancelled' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'expired' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'no_show' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'approved' THEN CAST(round((julianday(OLD."end") - julianday(OLD."start")) * 1440) AS integer) ELSE 0 END),
        -(CASE WHEN OLD.status = 'no_show' THEN CAST(round((julianday(OLD."end") - julianday(OLD."start")) * 1440) AS integer) ELSE 0 END),
        -(CASE WHEN OLD.status = 'approved' AND OLD.checked_in_at IS NOT NULL THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'approved' AND OLD.checked_in_at IS NOT NULL THEN CAST(round((julianday(COALESCE(OLD.released_at, OLD."end")) - julianday(OLD."start")) * 1440) AS integer) ELSE 0 END),
        -(CASE WHEN OLD.released_at IS NOT NULL THEN CAST(round((julianday(OLD."end") - julianday(OLD.released_at)) * 1440) AS integer) ELSE 0 END)
    )
    ON CONFLICT (room_id, month) DO UPDATE SET
        pending = dashboard_roommonth.pending + excluded.pending,
        approved = dashboard_roommonth.approved + excluded.approved,
        rejected = dashboard_roommonth.rejected + excluded.rejected,
        cancelled = dashboard_roommonth.cancelled + excluded.cancelled,
        expired = dashboard_roommonth.expired + excluded.expired,
        no_show = dashboard_roommonth.no_show + excluded.no_show,
        approved_minutes = dashboard_roommonth.approved_minutes + excluded.approved_minutes,
        no_show_minutes = dashboard_roommonth.no_show_minutes + excluded.no_show_minutes,
        checked_in = dashboard_roommonth.checked_in + excluded.checked_in,
        used_minutes = dashboard_roommonth.used_minutes + excluded.used_minutes,
        released_minutes = dashboard_roommonth.released_minutes + excluded.released_minutes;
END"""

UPDATE_TRIGGER = """\
CREATE TRIGGER dashboard_roomday_update
AFTER UPDATE OF room_id, "start", "end", status, checked_in_at, released_at
ON reservations_reservation
WHEN OLD.room_id IS NOT NEW.room_id OR OLD."start" IS NOT NEW."start"
    OR OLD."end" IS NOT NEW."end" OR OLD.status IS NOT NEW.status
    OR OLD.checked_in_at IS NOT NEW.checked_in_at OR OLD.released_at IS NOT NEW.released_at
BEGIN
    INSERT INTO dashboard_roomday (room_id, day, pending, approved, rejected, cancelled, expired, no_show, approved_minutes, no_show_minutes, checked_in, used_minutes, released_minutes)
    VALUES (
        OLD.room_id,
        date(OLD."start", '+9 hours'),
        -(CASE WHEN OLD.status = 'pending' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'approved' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'rejected' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'cancelled' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'expired' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'no_show' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'approved' THEN CAST(round((julianday(OLD."end") - julianday(OLD."start")) * 1440) AS integer) ELSE 0 END),
        -(CASE WHEN OLD.status = 'no_show' THEN CAST(round((julianday(OLD."end") - julianday(OLD."start")) * 1440) AS integer) ELSE 0 END),
        -(CASE WHEN OLD.status = 'approved' AND OLD.checked_in_at IS NOT NULL THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'approved' AND OLD.checked_in_at IS NOT NULL THEN CAST(round((julianday(COALESCE(OLD.released_at, OLD."end")) - julianday(OLD."start")) * 1440) AS integer) ELSE 0 END),
        -(CASE WHEN OLD.released_at IS NOT NULL THEN CAST(round((julianday(OLD."end") - julianday(OLD.released_at)) * 1440) AS integer) ELSE 0 END)
    )
    ON CONFLICT (room_id, day) DO UPDATE SET
        pending = dashboard_roomday.pending + excluded.pending,
        approved = dashboard_roomday.approved + excluded.approved,
        rejected = dashboard_roomday.rejected + excluded.rejected,
        cancelled = dashboard_roomday.cancelled + excluded.cancelled,
        expired = dashboard_roomday.expired + excluded.expired,
        no_show = dashboard_roomday.no_show + excluded.no_show,
        approved_minutes = dashboard_roomday.approved_minutes + excluded.approved_minutes,
        no_show_minutes = dashboard_roomday.no_show_minutes + excluded.no_show_minutes,
        checked_in = dashboard_roomday.checked_in + excluded.checked_in,
        used_minutes = dashboard_roomday.used_minutes + excluded.used_minutes,
        released_minutes = dashboard_roomday.released_minutes + excluded.released_minutes;
    INSERT INTO dashboard_roommonth (room_id, month, pending, approved, rejected, cancelled, expired, no_show, approved_minutes, no_show_minutes, checked_in, used_minutes, released_minutes)
    VALUES (
        OLD.room_id,
        date(OLD."start", '+9 hours', 'start of month'),
        -(CASE WHEN OLD.status = 'pending' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'approved' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'rejected' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'cancelled' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'expired' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'no_show' THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'approved' THEN CAST(round((julianday(OLD."end") - julianday(OLD."start")) * 1440) AS integer) ELSE 0 END),
        -(CASE WHEN OLD.status = 'no_show' THEN CAST(round((julianday(OLD."end") - julianday(OLD."start")) * 1440) AS integer) ELSE 0 END),
        -(CASE WHEN OLD.status = 'approved' AND OLD.checked_in_at IS NOT NULL THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.status = 'approved' AND OLD.checked_in_at IS NOT NULL THEN CAST(round((julianday(COALESCE(OLD.released_at, OLD."end")) - julianday(OLD."start")) * 1440) AS integer) ELSE 0 END),
        -(CASE WHEN OLD.released_at IS NOT NULL THEN CAST(round((julianday(OLD."end") - julianday(OLD.released_at)) * 1440) AS integer) ELSE 0 END)
    )
    ON CONFLICT (room_id, month) DO UPDATE SET
        pending = dashboard_roommonth.pending + excluded.pending,
        approved = dashboard_roommonth.approved + excluded.approved,
        rejected = dashboard_roommonth.rejected + excluded.rejected,
        cancelled = dashboard_roommonth.cancelled + excluded.cancelled,
        expired = dashboard_roommonth.expired + excluded.expired,
        no_show = dashboard_roommonth.no_show + excluded.no_show,
        approved_minutes = dashboard_roommonth.approved_minutes + excluded.approved_minutes,
        no_show_minutes = dashboard_roommonth.no_show_minutes + excluded.no_show_minutes,
        checked_in = dashboard_roommonth.checked_in + excluded.checked_in,
        used_minutes = dashboard_roommonth.used_minutes + excluded.used_minutes,
        released_minutes = dashboard_roommonth.released_minutes + excluded.released_minutes;
    INSERT INTO dashboard_roomday (room_id, day, pending, approved, rejected, cancelled, expired, no_show, approved_minutes, no_show_minutes, checked_in, used_minutes, released_minutes)
    VALUES (
        NEW.room_id,
        date(NEW."start", '+9 hours'),
        (CASE WHEN NEW.status = 'pending' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'approved' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'rejected' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'cancelled' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'expired' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'no_show' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'approved' THEN CAST(round((julianday(NEW."end") - julianday(NEW."start")) * 1440) AS integer) ELSE 0 END),
        (CASE WHEN NEW.status = 'no_show' THEN CAST(round((julianday(NEW."end") - julianday(NEW."start")) * 1440) AS integer) ELSE 0 END),
        (CASE WHEN NEW.status = 'approved' AND NEW.checked_in_at IS NOT NULL THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'approved' AND NEW.checked_in_at IS NOT NULL THEN CAST(round((julianday(COALESCE(NEW.released_at, NEW."end")) - julianday(NEW."start")) * 1440) AS integer) ELSE 0 END),
        (CASE WHEN NEW.released_at IS NOT NULL THEN CAST(round((julianday(NEW."end") - julianday(NEW.released_at)) * 1440) AS integer) ELSE 0 END)
    )
    ON CONFLICT (room_id, day) DO UPDATE SET
        pending = dashboard_roomday.pending + excluded.pending,
        approved = dashboard_roomday.approved + excluded.approved,
        rejected = dashboard_roomday.rejected + excluded.rejected,
        cancelled = dashboard_roomday.cancelled + excluded.cancelled,
        expired = dashboard_roomday.expired + excluded.expired,
        no_show = dashboard_roomday.no_show + excluded.no_show,
        approved_minutes = dashboard_roomday.approved_minutes + excluded.approved_minutes,
        no_show_minutes = dashboard_roomday.no_show_minutes + excluded.no_show_minutes,
        checked_in = dashboard_roomday.checked_in + excluded.checked_in,
        used_minutes = dashboard_roomday.used_minutes + excluded.used_minutes,
        released_minutes = dashboard_roomday.released_minutes + excluded.released_minutes;
    INSERT INTO dashboard_roommonth (room_id, month, pending, approved, rejected, cancelled, expired, no_show, approved_minutes, no_show_minutes, checked_in, used_minutes, released_minutes)
    VALUES (
        NEW.room_id,
        date(NEW."start", '+9 hours', 'start of month'),
        (CASE WHEN NEW.status = 'pending' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'approved' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'rejected' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'cancelled' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'expired' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'no_show' THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'approved' THEN CAST(round((julianday(NEW."end") - julianday(NEW."start")) * 1440) AS integer) ELSE 0 END),
        (CASE WHEN NEW.status = 'no_show' THEN CAST(round((julianday(NEW."end") - julianday(NEW."start")) * 1440) AS integer) ELSE 0 END),
        (CASE WHEN NEW.status = 'approved' AND NEW.checked_in_at IS NOT NULL THEN 1 ELSE 0 END),
        (CASE WHEN NEW.status = 'approved' AND NEW.checked_in_at IS NOT NULL THEN CAST(round((julianday(COALESCE(NEW.released_at, NEW."end")) - julianday(NEW."start")) * 1440) AS integer) ELSE 0 END),
        (CASE WHEN NEW.released_at IS NOT NULL THEN CAST(round((julianday(NEW."end") - julianday(NEW.released_at)) * 1440) AS integer) ELSE 0 END)
    )
    ON CONFLICT (room_id, month) DO UPDATE SET
        pending = dashboard_roommonth.pending + excluded.pending,
        approved = dashboard_roommonth.approved + excluded.approved,
        rejected = dashboard_roommonth.rejected + excluded.rejected,
        cancelled = dashboard_roommonth.cancelled + excluded.cancelled,
        expired = dashboard_roommonth.expired + excluded.expired,
        no_show = dashboard_roommonth.no_show + excluded.no_show,
        approved_minutes = dashboard_roommonth.approved_minutes + excluded.approved_minutes,
        no_show_minutes = dashboard_roommonth.no_show_minutes + excluded.no_show_minutes,
        checked_in = dashboard_roommonth.checked_in + excluded.checked_in,
        used_minutes = dashboard_roommonth.used_minutes + excluded.used_minutes,
        released_minutes = dashboard_roommonth.released_minutes + excluded.released_minutes;
END"""

POSTGRESQL_BACKFILL = [
    """\
SET CONSTRAINTS ALL IMMEDIATE""",
    """\
TRUNCATE dashboard_roomday""",
    """\
INSERT INTO dashboard_roomday (room_id, day, pending, approved, rejected, cancelled, expired, no_show, approved_minutes, no_show_minutes, checked_in, used_minutes, released_minutes)
SELECT
    r.room_id,
    ((r."start" AT TIME ZONE 'Asia/Seoul')::date),
    SUM(CASE WHEN r.status = 'pending' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'approved' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'rejected' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'cancelled' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'expired' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'no_show' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'approved' THEN (EXTRACT(EPOCH FROM r."end" - r."start") / 60)::integer ELSE 0 END),
    SUM(CASE WHEN r.status = 'no_show' THEN (EXTRACT(EPOCH FROM r."end" - r."start") / 60)::integer ELSE 0 END),
    SUM(CASE WHEN r.status = 'approved' AND r.checked_in_at IS NOT NULL THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'approved' AND r.checked_in_at IS NOT NULL THEN (EXTRACT(EPOCH FROM COALESCE(r.released_at, r."end") - r."start") / 60)::integer ELSE 0 END),
    SUM(CASE WHEN r.released_at IS NOT NULL THEN (EXTRACT(EPOCH FROM r."end" - r.released_at) / 60)::integer ELSE 0 END)
FROM reservations_reservation AS r
GROUP BY 1, 2""",
    """\
TRUNCATE dashboard_roommonth""",
    """\
INSERT INTO dashboard_roommonth (room_id, month, pending, approved, rejected, cancelled, expired, no_show, approved_minutes, no_show_minutes, checked_in, used_minutes, released_minutes)
SELECT
    r.room_id,
    (date_trunc('month', r."start" AT TIME ZONE 'Asia/Seoul')::date),
    SUM(CASE WHEN r.status = 'pending' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'approved' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'rejected' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'cancelled' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'expired' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'no_show' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'approved' THEN (EXTRACT(EPOCH FROM r."end" - r."start") / 60)::integer ELSE 0 END),
    SUM(CASE WHEN r.status = 'no_show' THEN (EXTRACT(EPOCH FROM r."end" - r."start") / 60)::integer ELSE 0 END),
    SUM(CASE WHEN r.status = 'approved' AND r.checked_in_at IS NOT NULL THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'approved' AND r.checked_in_at IS NOT NULL THEN (EXTRACT(EPOCH FROM COALESCE(r.released_at, r."end") - r."start") / 60)::integer ELSE 0 END),
    SUM(CASE WHEN r.released_at IS NOT NULL THEN (EXTRACT(EPOCH FROM r."end" - r.released_at) / 60)::integer ELSE 0 END)
FROM reservations_reservation AS r
GROUP BY 1, 2""",
]

SQLITE_BACKFILL = [
    """\
DELETE FROM dashboard_roomday""",
    """\
INSERT INTO dashboard_roomday (room_id, day, pending, approved, rejected, cancelled, expired, no_show, approved_minutes, no_show_minutes, checked_in, used_minutes, released_minutes)
SELECT
    r.room_id,
    date(r."start", '+9 hours'),
    SUM(CASE WHEN r.status = 'pending' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'approved' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'rejected' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'cancelled' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'expired' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'no_show' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'approved' THEN CAST(round((julianday(r."end") - julianday(r."start")) * 1440) AS integer) ELSE 0 END),
    SUM(CASE WHEN r.status = 'no_show' THEN CAST(round((julianday(r."end") - julianday(r."start")) * 1440) AS integer) ELSE 0 END),
    SUM(CASE WHEN r.status = 'approved' AND r.checked_in_at IS NOT NULL THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'approved' AND r.checked_in_at IS NOT NULL THEN CAST(round((julianday(COALESCE(r.released_at, r."end")) - julianday(r."start")) * 1440) AS integer) ELSE 0 END),
    SUM(CASE WHEN r.released_at IS NOT NULL THEN CAST(round((julianday(r."end") - julianday(r.released_at)) * 1440) AS integer) ELSE 0 END)
FROM reservations_reservation AS r
GROUP BY 1, 2""",
    """\
DELETE FROM dashboard_roommonth""",
    """\
INSERT INTO dashboard_roommonth (room_id, month, pending, approved, rejected, cancelled, expired, no_show, approved_minutes, no_show_minutes, checked_in, used_minutes, released_minutes)
SELECT
    r.room_id,
    date(r."start", '+9 hours', 'start of month'),
    SUM(CASE WHEN r.status = 'pending' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'approved' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'rejected' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'cancelled' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'expired' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'no_show' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'approved' THEN CAST(round((julianday(r."end") - julianday(r."start")) * 1440) AS integer) ELSE 0 END),
    SUM(CASE WHEN r.status = 'no_show' THEN CAST(round((julianday(r."end") - julianday(r."start")) * 1440) AS integer) ELSE 0 END),
    SUM(CASE WHEN r.status = 'approved' AND r.checked_in_at IS NOT NULL THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'approved' AND r.checked_in_at IS NOT NULL THEN CAST(round((julianday(COALESCE(r.released_at, r."end")) - julianday(r."start")) * 1440) AS integer) ELSE 0 END),
    SUM(CASE WHEN r.released_at IS NOT NULL THEN CAST(round((julianday(r."end") - julianday(r.released_at)) * 1440) AS integer) ELSE 0 END)
FROM reservations_reservation AS r
GROUP BY 1, 2""",
]

DROP_OLD = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS dashboard_roomday_track ON reservations_reservation",
        "DROP TRIGGER IF EXISTS dashboard_roomday_track_update ON reservations_reservation",
        "DROP FUNCTION IF EXISTS dashboard_roomday_track()",
    ],
    "sqlite": [
        "DROP TRIGGER IF EXISTS dashboard_roomday_insert",
        "DROP TRIGGER IF EXISTS dashboard_roomday_delete",
        "DROP TRIGGER IF EXISTS dashboard_roomday_update",
    ],
}
FORWARD = {
    "postgresql": [
        TRACK_FUNCTION,
        TRACK_TRIGGER,
        TRACK_UPDATE_TRIGGER,
        *POSTGRESQL_BACKFILL,
    ],
    "sqlite": [INSERT_TRIGGER, DELETE_TRIGGER, UPDATE_TRIGGER, *SQLITE_BACKFILL],
}
# Going back drops these triggers; 0002's own backward step then finds none left to drop.
BACKWARD = DROP_OLD
NOTHING = {"postgresql": [], "sqlite": []}


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
        ('dashboard', '0002_rollup_triggers'),
        ('reservations', '0005_overlap_guard_until_released'),
    ]

    operations = [
        # First: SQLite rebuilds a roll-up table to add its columns, which the old triggers,
        # naming the table, would not survive.
        migrations.RunPython(_run(DROP_OLD), _run(NOTHING)),
        migrations.AddField(
            model_name='roomday',
            name='checked_in',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='roomday',
            name='no_show',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='roomday',
            name='no_show_minutes',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='roomday',
            name='released_minutes',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='roomday',
            name='used_minutes',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='roommonth',
            name='checked_in',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='roommonth',
            name='no_show',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='roommonth',
            name='no_show_minutes',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='roommonth',
            name='released_minutes',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='roommonth',
            name='used_minutes',
            field=models.IntegerField(default=0),
        ),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
