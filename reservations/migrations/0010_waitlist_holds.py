"""Offers to a waitlist hold a room's time like a booking: status 'offered', until
offer_expires_at.

Frozen SQL. The overlap guard of 0005 (PostgreSQL's exclusion constraint reservation_no_overlap,
SQLite's triggers of the same name) now covers ('pending', 'approved', 'offered'), as does the
partial index of what holds time. On SQLite, changing the status check rebuilds the table,
which drops every trigger on it (the schedule stamps of 0008, the dashboard's rollups): they are
read from sqlite_master before the rebuild and created again after it.
"""

from django.conf import settings
from django.db import migrations, models

HOLDING = "('pending', 'approved', 'offered')"
ACTIVE = "('pending', 'approved')"

POSTGRESQL_CONSTRAINT = """
ALTER TABLE reservations_reservation
ADD CONSTRAINT reservation_no_overlap
EXCLUDE USING gist (
    room_id WITH =, tstzrange("start", COALESCE(released_at, "end"), '[)') WITH &&
)
WHERE (status IN {statuses})
"""
DROP_POSTGRESQL_CONSTRAINT = (
    "ALTER TABLE reservations_reservation DROP CONSTRAINT reservation_no_overlap"
)

SQLITE_TRIGGER = """
CREATE TRIGGER reservation_no_overlap_{event}
BEFORE {event} ON reservations_reservation
WHEN NEW.status IN {statuses}
BEGIN
    SELECT RAISE(ABORT, 'reservation_no_overlap')
    WHERE EXISTS (
        SELECT 1 FROM reservations_reservation AS other
        WHERE other.room_id = NEW.room_id
          AND other.id IS NOT NEW.id
          AND other.status IN {statuses}
          AND other."start" < COALESCE(NEW.released_at, NEW."end")
          AND COALESCE(other.released_at, other."end") > NEW."start"
    );
END
"""
EVENTS = ("INSERT", "UPDATE")
OVERLAP_TRIGGERS = [f"reservation_no_overlap_{event}" for event in EVENTS]

# The triggers on the table, kept across SQLite's rebuild of it: {name: CREATE statement}.
_kept_triggers = {}


def _keep_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master "
            "WHERE type = 'trigger' AND tbl_name = 'reservations_reservation'"
        )
        _kept_triggers.clear()
        _kept_triggers.update(cursor.fetchall())
    for name in _kept_triggers:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


def _guard(statuses):
    def restore(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(DROP_POSTGRESQL_CONSTRAINT)
            schema_editor.execute(POSTGRESQL_CONSTRAINT.format(statuses=statuses))
        elif vendor == "sqlite":
            for name, sql in _kept_triggers.items():
                if name not in OVERLAP_TRIGGERS:
                    schema_editor.execute(sql)
            for event in EVENTS:
                schema_editor.execute(SQLITE_TRIGGER.format(event=event, statuses=statuses))
            _kept_triggers.clear()
        else:
            raise NotImplementedError(f"No overlap guard for the {vendor} database.")

    return restore


class Migration(migrations.Migration):
    dependencies = [
        ("reservations", "0009_series"),
        ("rooms", "0003_facility_code_pattern"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(_keep_sqlite_triggers, _guard(ACTIVE)),
        migrations.RemoveConstraint(
            model_name="reservation",
            name="reservation_status_valid",
        ),
        migrations.RemoveIndex(
            model_name="reservation",
            name="reservation_holding_start",
        ),
        migrations.AddField(
            model_name="reservation",
            name="offer_expires_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="offer expires at"),
        ),
        migrations.AlterField(
            model_name="reservation",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Awaiting approval"),
                    ("approved", "Approved"),
                    ("rejected", "Rejected"),
                    ("cancelled", "Cancelled"),
                    ("expired", "Expired (not decided in time)"),
                    ("no_show", "No-show (not checked in)"),
                    ("offered", "Offered to the waitlist"),
                ],
                default="pending",
                max_length=16,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="reservationevent",
            name="from_status",
            field=models.CharField(
                blank=True,
                choices=[
                    ("pending", "Awaiting approval"),
                    ("approved", "Approved"),
                    ("rejected", "Rejected"),
                    ("cancelled", "Cancelled"),
                    ("expired", "Expired (not decided in time)"),
                    ("no_show", "No-show (not checked in)"),
                    ("offered", "Offered to the waitlist"),
                ],
                max_length=16,
                verbose_name="from",
            ),
        ),
        migrations.AlterField(
            model_name="reservationevent",
            name="to_status",
            field=models.CharField(
                choices=[
                    ("pending", "Awaiting approval"),
                    ("approved", "Approved"),
                    ("rejected", "Rejected"),
                    ("cancelled", "Cancelled"),
                    ("expired", "Expired (not decided in time)"),
                    ("no_show", "No-show (not checked in)"),
                    ("offered", "Offered to the waitlist"),
                ],
                max_length=16,
                verbose_name="to",
            ),
        ),
        migrations.AddIndex(
            model_name="reservation",
            index=models.Index(
                condition=models.Q(("status__in", ("pending", "approved", "offered"))),
                fields=["start"],
                include=("room", "end", "released_at", "status"),
                name="reservation_holding_start",
            ),
        ),
        migrations.AddConstraint(
            model_name="reservation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "status__in",
                        [
                            "pending",
                            "approved",
                            "rejected",
                            "cancelled",
                            "expired",
                            "no_show",
                            "offered",
                        ],
                    )
                ),
                name="reservation_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="reservation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "offered"), _negated=True),
                    ("offer_expires_at__isnull", False),
                    _connector="OR",
                ),
                name="reservation_offer_expires",
            ),
        ),
        migrations.RunPython(_guard(HOLDING), _keep_sqlite_triggers),
    ]
