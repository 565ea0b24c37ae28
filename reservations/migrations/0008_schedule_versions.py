"""Stamps of when a day's free time last changed, set by triggers in the changing transaction.

Frozen SQL. A stamp is the later of the previous one plus one and the clock in microseconds, so
stamps only grow, also after the table was emptied: a cache entry kept under an older stamp is
never taken for a newer one. Keys: a booking's day in Asia/Seoul (on SQLite: UTC + 9 hours),
'YYYY-MM-DD', for inserts, deletes and changes of what holds its time (room, start, end,
status, released_at); 'sites' for any change of opening hours or closures.
"""

from django.db import migrations, models

POSTGRESQL = [
    """\
CREATE FUNCTION reservations_schedule_stamp(keys text[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO reservations_scheduleversion ("key", version)
    SELECT stamped, (EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::bigint
    FROM (SELECT DISTINCT unnest(keys) AS stamped) AS distinct_keys
    ORDER BY 1
    ON CONFLICT ("key") DO UPDATE
    SET version = GREATEST(reservations_scheduleversion.version + 1, excluded.version)
$$""",
    """\
CREATE FUNCTION reservations_schedule_booking() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM reservations_schedule_stamp(
            ARRAY[to_char(NEW."start" AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD')]);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM reservations_schedule_stamp(
            ARRAY[to_char(OLD."start" AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD')]);
    ELSE
        PERFORM reservations_schedule_stamp(ARRAY[
            to_char(OLD."start" AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD'),
            to_char(NEW."start" AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD')]);
    END IF;
    RETURN NULL;
END $$""",
    """\
CREATE TRIGGER reservations_schedule_booking AFTER INSERT OR DELETE
ON reservations_reservation FOR EACH ROW EXECUTE FUNCTION reservations_schedule_booking()""",
    """\
CREATE TRIGGER reservations_schedule_booking_update
AFTER UPDATE OF room_id, "start", "end", status, released_at ON reservations_reservation
FOR EACH ROW WHEN (OLD.room_id IS DISTINCT FROM NEW.room_id OR OLD."start" IS DISTINCT FROM NEW."start"
    OR OLD."end" IS DISTINCT FROM NEW."end" OR OLD.status IS DISTINCT FROM NEW.status
    OR OLD.released_at IS DISTINCT FROM NEW.released_at)
EXECUTE FUNCTION reservations_schedule_booking()""",
    """\
CREATE FUNCTION reservations_schedule_every_day() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE reservations_scheduleversion SET version = version + 1 WHERE "key" <> 'sites';
    RETURN NULL;
END $$""",
    """\
CREATE TRIGGER reservations_schedule_truncate AFTER TRUNCATE ON reservations_reservation
FOR EACH STATEMENT EXECUTE FUNCTION reservations_schedule_every_day()""",
    """\
CREATE FUNCTION reservations_schedule_sites() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM reservations_schedule_stamp(ARRAY['sites']);
    RETURN NULL;
END $$""",
    """\
CREATE TRIGGER reservations_schedule_hours AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
ON rooms_openinghours FOR EACH STATEMENT EXECUTE FUNCTION reservations_schedule_sites()""",
    """\
CREATE TRIGGER reservations_schedule_closures AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
ON rooms_closure FOR EACH STATEMENT EXECUTE FUNCTION reservations_schedule_sites()""",
]

POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS reservations_schedule_booking ON reservations_reservation",
    "DROP TRIGGER IF EXISTS reservations_schedule_booking_update ON reservations_reservation",
    "DROP TRIGGER IF EXISTS reservations_schedule_truncate ON reservations_reservation",
    "DROP TRIGGER IF EXISTS reservations_schedule_hours ON rooms_openinghours",
    "DROP TRIGGER IF EXISTS reservations_schedule_closures ON rooms_closure",
    "DROP FUNCTION IF EXISTS reservations_schedule_booking()",
    "DROP FUNCTION IF EXISTS reservations_schedule_every_day()",
    "DROP FUNCTION IF EXISTS reservations_schedule_sites()",
    "DROP FUNCTION IF EXISTS reservations_schedule_stamp(text[])",
]

SQLITE_STAMP = """\
    INSERT INTO reservations_scheduleversion ("key", version)
    SELECT {key}, CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER) WHERE true
    ON CONFLICT ("key") DO UPDATE SET version = max(version + 1, excluded.version);"""
OLD_DAY = SQLITE_STAMP.format(key="""date(OLD."start", '+9 hours')""")
NEW_DAY = SQLITE_STAMP.format(key="""date(NEW."start", '+9 hours')""")
SITES = SQLITE_STAMP.format(key="'sites'")

SQLITE = [
    f"""\
CREATE TRIGGER reservations_schedule_insert AFTER INSERT ON reservations_reservation
BEGIN
{NEW_DAY}
END""",
    f"""\
CREATE TRIGGER reservations_schedule_delete AFTER DELETE ON reservations_reservation
BEGIN
{OLD_DAY}
END""",
    f"""\
CREATE TRIGGER reservations_schedule_update
AFTER UPDATE OF room_id, "start", "end", status, released_at ON reservations_reservation
WHEN OLD.room_id IS NOT NEW.room_id OR OLD."start" IS NOT NEW."start"
    OR OLD."end" IS NOT NEW."end" OR OLD.status IS NOT NEW.status
    OR OLD.released_at IS NOT NEW.released_at
BEGIN
{OLD_DAY}
{NEW_DAY}
END""",
    *(
        f"""\
CREATE TRIGGER reservations_schedule_{table}_{event.lower()} AFTER {event} ON rooms_{table}
BEGIN
{SITES}
END"""
        for table in ("openinghours", "closure")
        for event in ("INSERT", "UPDATE", "DELETE")
    ),
]

SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS reservations_schedule_{name}"
    for name in (
        "insert",
        "delete",
        "update",
        *(
            f"{table}_{event}"
            for table in ("openinghours", "closure")
            for event in ("insert", "update", "delete")
        ),
    )
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements:
            raise NotImplementedError(f"No schedule-version triggers for the {vendor} database.")
        for sql in statements[vendor]:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("reservations", "0007_holding_start_index"),
        ("rooms", "0003_facility_code_pattern"),
    ]

    operations = [
        migrations.CreateModel(
            name="ScheduleVersion",
            fields=[
                ("key", models.CharField(max_length=10, primary_key=True, serialize=False)),
                ("version", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP}),
        ),
    ]
