"""A day's booking stamp split in sixteen: 'YYYY-MM-DD/n' for the rooms whose id leaves n when
divided by 16, so that a booking makes stale one sixteenth of the country's cached day instead
of all of it (`availability.day_book` rebuilds that part alone).

Replaces migration 0008's booking trigger; the day stamps it set are no longer read. Frozen SQL:
16 is `availability.SHARDS`, and the two must agree.
"""

from django.db import migrations, models

SHARDS = 16

POSTGRESQL = [
    'ALTER TABLE reservations_scheduleversion ALTER COLUMN "key" TYPE varchar(16)',
    f"""\
CREATE OR REPLACE FUNCTION reservations_schedule_booking() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM reservations_schedule_stamp(ARRAY[
            to_char(NEW."start" AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD') || '/' || mod(NEW.room_id, {SHARDS})]);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM reservations_schedule_stamp(ARRAY[
            to_char(OLD."start" AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD') || '/' || mod(OLD.room_id, {SHARDS})]);
    ELSE
        PERFORM reservations_schedule_stamp(ARRAY[
            to_char(OLD."start" AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD') || '/' || mod(OLD.room_id, {SHARDS}),
            to_char(NEW."start" AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD') || '/' || mod(NEW.room_id, {SHARDS})]);
    END IF;
    RETURN NULL;
END $$""",
]

POSTGRESQL_BACK = [
    """\
CREATE OR REPLACE FUNCTION reservations_schedule_booking() RETURNS trigger LANGUAGE plpgsql AS $$
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
    """DELETE FROM reservations_scheduleversion WHERE strpos("key", '/') > 0""",
    'ALTER TABLE reservations_scheduleversion ALTER COLUMN "key" TYPE varchar(10)',
]


def _sqlite_stamp(row, shards=True):
    key = f"""date({row}."start", '+9 hours')"""
    if shards:
        key += f" || '/' || ({row}.room_id % {SHARDS})"
    return f"""\
    INSERT INTO reservations_scheduleversion ("key", version)
    SELECT {key}, CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER) WHERE true
    ON CONFLICT ("key") DO UPDATE SET version = max(version + 1, excluded.version);"""


def _sqlite(shards):
    old, new = _sqlite_stamp("OLD", shards), _sqlite_stamp("NEW", shards)
    return [
        *(
            f"DROP TRIGGER IF EXISTS reservations_schedule_{name}"
            for name in ("insert", "delete", "update")
        ),
        f"""\
CREATE TRIGGER reservations_schedule_insert AFTER INSERT ON reservations_reservation
BEGIN
{new}
END""",
        f"""\
CREATE TRIGGER reservations_schedule_delete AFTER DELETE ON reservations_reservation
BEGIN
{old}
END""",
        f"""\
CREATE TRIGGER reservations_schedule_update
AFTER UPDATE OF room_id, "start", "end", status, released_at ON reservations_reservation
WHEN OLD.room_id IS NOT NEW.room_id OR OLD."start" IS NOT NEW."start"
    OR OLD."end" IS NOT NEW."end" OR OLD.status IS NOT NEW.status
    OR OLD.released_at IS NOT NEW.released_at
BEGIN
{old}
{new}
END""",
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
    dependencies = [("reservations", "0011_registry_stamp")]

    # SQLite keeps text of any length in a varchar, and would rebuild the table for the longer
    # key while other tables' triggers write to it: the column is widened on PostgreSQL alone.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="scheduleversion",
                    name="key",
                    field=models.CharField(max_length=16, primary_key=True, serialize=False),
                ),
            ],
            database_operations=[
                migrations.RunPython(
                    _run({"postgresql": POSTGRESQL, "sqlite": _sqlite(shards=True)}),
                    _run({"postgresql": POSTGRESQL_BACK, "sqlite": _sqlite(shards=False)}),
                ),
            ],
        ),
    ]
