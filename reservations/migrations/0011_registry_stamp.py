"""A stamp for the room registry: 'registry' grows with any change of a room, a site, a district
or a region, set by triggers in the changing transaction (as migration 0008's stamps are).

What is read from the registry and kept in the cache (the search's room cards, the candidates
of a search) is kept under this stamp, so an edit in the admin, an import or a bulk update is
seen by the next reader at once. Frozen SQL.
"""

from django.db import migrations

TABLES = ("rooms_room", "rooms_facility", "regions_district", "regions_region")

POSTGRESQL = [
    """\
CREATE FUNCTION reservations_schedule_registry() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM reservations_schedule_stamp(ARRAY['registry']);
    RETURN NULL;
END $$""",
    *(
        f"""\
CREATE TRIGGER reservations_schedule_registry AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
ON {table} FOR EACH STATEMENT EXECUTE FUNCTION reservations_schedule_registry()"""
        for table in TABLES
    ),
]

POSTGRESQL_DROP = [
    *(f"DROP TRIGGER IF EXISTS reservations_schedule_registry ON {table}" for table in TABLES),
    "DROP FUNCTION IF EXISTS reservations_schedule_registry()",
]

REGISTRY = """\
    INSERT INTO reservations_scheduleversion ("key", version)
    SELECT 'registry', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER) WHERE true
    ON CONFLICT ("key") DO UPDATE SET version = max(version + 1, excluded.version);"""

SQLITE = [
    f"""\
CREATE TRIGGER reservations_registry_{table}_{event.lower()} AFTER {event} ON {table}
BEGIN
{REGISTRY}
END"""
    for table in TABLES
    for event in ("INSERT", "UPDATE", "DELETE")
]

SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS reservations_registry_{table}_{event}"
    for table in TABLES
    for event in ("insert", "update", "delete")
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements:
            raise NotImplementedError(f"No registry-stamp triggers for the {vendor} database.")
        for sql in statements[vendor]:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("reservations", "0010_waitlist_holds"),
        ("rooms", "0004_room_information_area_closures_imports"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP}),
        ),
    ]
