"""The roll-ups follow every write to reservations, by the triggers the migrations installed.

The triggers' SQL is frozen in a migration, so these tests read it back from the database and
hold it to today's `Status` and TIME_ZONE, and to what `rollup.rebuild` computes.
"""

import ast
import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils import timezone

import dashboard
from dashboard.models import RoomDay, RoomMonth
from dashboard.rollup import fixed_utc_offset, rebuild
from reservations.models import BOOKING_STATUSES, Reservation, Status
from tests.factories import ReservationFactory, RoomFactory

pytestmark = pytest.mark.django_db

COUNTS = ("approved", "pending", "rejected", "cancelled", "expired", "approved_minutes")
ROLLUPS = {"dashboard_roomday", "dashboard_roommonth"}


def snapshot(model=RoomDay, bucket="day"):
    rows = model.objects.values_list("room_id", bucket, *COUNTS)
    return sorted(row for row in rows if any(row[2:]))


def installed_triggers():
    """The SQL of each installed trigger (PostgreSQL: its function) that writes a roll-up."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_get_functiondef(tgfoid) FROM pg_trigger "
                "WHERE tgrelid = 'reservations_reservation'::regclass AND NOT tgisinternal"
            )
        else:
            cursor.execute(
                "SELECT sql FROM sqlite_master "
                "WHERE type = 'trigger' AND tbl_name = 'reservations_reservation'"
            )
        definitions = {sql for (sql,) in cursor.fetchall()}
    return [sql for sql in definitions if any(table in sql for table in ROLLUPS)]


def upserts(trigger):
    """(table, statement) of each roll-up row a trigger writes."""
    return [
        (statement.split()[0], statement)
        for statement in re.split(r"\bINSERT INTO\s+", trigger)[1:]
    ]


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


DAY = datetime.date(2026, 3, 10)


def test_an_insert_counts_by_status_and_local_day():
    room = RoomFactory()
    ReservationFactory(room=room, start=at(DAY, 9), end=at(DAY, 10, 30))
    ReservationFactory(room=room, start=at(DAY, 11), end=at(DAY, 12), status=Status.PENDING)
    # 08:00 in Seoul is 23:00 UTC the day before: still the local day.
    ReservationFactory(room=room, start=at(DAY, 8), end=at(DAY, 8, 30), status=Status.CANCELLED)

    assert snapshot() == [(room.pk, DAY, 1, 1, 0, 1, 0, 90)]


def test_status_changes_move_counts_and_minutes():
    booking = ReservationFactory(start=at(DAY, 9), end=at(DAY, 11), status=Status.PENDING)
    Reservation.objects.filter(pk=booking.pk).update(status=Status.APPROVED)
    assert snapshot() == [(booking.room_id, DAY, 1, 0, 0, 0, 0, 120)]

    Reservation.objects.filter(pk=booking.pk).update(status=Status.CANCELLED)
    assert snapshot() == [(booking.room_id, DAY, 0, 0, 0, 1, 0, 0)]


def test_moving_a_booking_to_another_room_and_day_moves_its_count():
    booking = ReservationFactory(start=at(DAY, 9), end=at(DAY, 10))
    other = RoomFactory()
    next_day = DAY + datetime.timedelta(days=1)
    Reservation.objects.filter(pk=booking.pk).update(
        room=other, start=at(next_day, 14), end=at(next_day, 16)
    )
    assert snapshot() == [(other.pk, next_day, 1, 0, 0, 0, 0, 120)]


def test_a_deleted_booking_no_longer_counts():
    booking = ReservationFactory(start=at(DAY, 9), end=at(DAY, 10))
    booking.delete()
    assert snapshot() == []


def test_unrelated_updates_leave_the_counts_alone():
    booking = ReservationFactory(start=at(DAY, 9), end=at(DAY, 10))
    Reservation.objects.filter(pk=booking.pk).update(purpose="변경", company_name="")
    assert snapshot() == [(booking.room_id, DAY, 1, 0, 0, 0, 0, 60)]


def test_rebuild_gives_what_the_triggers_kept():
    room = RoomFactory()
    for hour, status in enumerate(BOOKING_STATUSES, start=9):
        ReservationFactory(room=room, start=at(DAY, hour), end=at(DAY, hour, 30), status=status)
    # 08:00 on 1 April in Seoul is still 31 March in UTC: April's day and month.
    april = datetime.date(2026, 4, 1)
    ReservationFactory(room=room, start=at(april, 8), end=at(april, 9, 30))
    kept = snapshot(), snapshot(RoomMonth, "month")
    RoomDay.objects.all().delete()
    RoomMonth.objects.all().delete()

    rebuild()

    assert (snapshot(), snapshot(RoomMonth, "month")) == kept
    assert kept == (
        [(room.pk, DAY, 1, 1, 1, 1, 1, 30), (room.pk, april, 1, 0, 0, 0, 0, 90)],
        [(room.pk, DAY.replace(day=1), 1, 1, 1, 1, 1, 30), (room.pk, april, 1, 0, 0, 0, 0, 90)],
    )


def test_an_offer_held_for_a_waitlist_is_not_counted_as_a_booking():
    room = RoomFactory()
    offer = ReservationFactory(
        room=room,
        booked_by=None,
        start=at(DAY, 10),
        end=at(DAY, 11),
        status=Status.OFFERED,
        offer_expires_at=at(DAY, 9),
    )
    assert snapshot() == [] and snapshot(RoomMonth, "month") == []
    offer.delete()
    assert snapshot() == [] and snapshot(RoomMonth, "month") == []
    rebuild()
    assert snapshot() == []


def test_every_roll_up_row_the_triggers_write_counts_every_status():
    """A new status needs a migration with new triggers (and a counter column per roll-up)."""
    triggers = installed_triggers()
    assert triggers

    for trigger in triggers:
        written = upserts(trigger)
        assert {table for table, _sql in written} == ROLLUPS
        for _table, sql in written:
            assert set(re.findall(r"status = '(\w+)'", sql)) == {
                status.value for status in BOOKING_STATUSES
            }


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers shift UTC by hand")
def test_sqlite_triggers_shift_utc_by_the_time_zones_offset():
    units = {"hours": datetime.timedelta(hours=1), "minutes": datetime.timedelta(minutes=1)}
    shifts = [
        int(amount) * units[unit]
        for trigger in installed_triggers()
        for amount, unit in re.findall(
            r"""date\((?:NEW|OLD)\."start", '([+-]\d+) (\w+)'""", trigger
        )
    ]

    assert len(shifts) == sum(len(upserts(trigger)) for trigger in installed_triggers())
    assert set(shifts) == {timezone.localtime().utcoffset()}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's trigger names a zone")
def test_the_postgresql_trigger_takes_days_in_the_time_zone():
    (trigger,) = installed_triggers()

    assert set(re.findall(r"AT TIME ZONE '([^']+)'", trigger)) == {settings.TIME_ZONE}


def test_sqlite_roll_ups_shift_by_the_zones_fixed_offset():
    assert fixed_utc_offset("Asia/Seoul") == datetime.timedelta(hours=9)
    assert fixed_utc_offset("Asia/Kolkata") == datetime.timedelta(hours=5, minutes=30)


def test_a_time_zone_with_daylight_saving_is_refused():
    with pytest.raises(ImproperlyConfigured, match="Europe/Berlin"):
        fixed_utc_offset("Europe/Berlin")


def test_the_migrations_carry_their_own_sql_and_import_only_django():
    migrations = Path(dashboard.__file__).parent / "migrations"
    for path in migrations.glob("0*.py"):
        imported = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                imported.add(node.module)
        assert all(name.split(".")[0] == "django" for name in imported), path.name


def test_check_ins_no_shows_and_released_time_are_counted_and_rebuilt_alike():
    room = RoomFactory()
    checked_in = ReservationFactory(room=room, start=at(DAY, 9), end=at(DAY, 10))
    ended_early = ReservationFactory(room=room, start=at(DAY, 10), end=at(DAY, 12))
    missed = ReservationFactory(room=room, start=at(DAY, 13), end=at(DAY, 15))
    Reservation.objects.filter(pk=checked_in.pk).update(checked_in_at=at(DAY, 8, 50))
    Reservation.objects.filter(pk=ended_early.pk).update(checked_in_at=at(DAY, 10))
    Reservation.objects.filter(pk=ended_early.pk).update(released_at=at(DAY, 11, 15))
    Reservation.objects.filter(pk=missed.pk).update(
        status=Status.NO_SHOW, released_at=at(DAY, 13, 15)
    )
    counters = ("no_show", "approved_minutes", "no_show_minutes", "checked_in", "used_minutes",
                "released_minutes")  # fmt: skip

    kept = list(RoomDay.objects.values_list(*counters))
    assert kept == [(1, 180, 120, 2, 60 + 75, 45 + 105)]
    RoomDay.objects.all().delete()
    rebuild()
    assert list(RoomDay.objects.values_list(*counters)) == kept
    assert list(RoomMonth.objects.values_list(*counters)) == kept


def test_the_triggers_write_every_counter_that_rebuild_computes():
    from dashboard.rollup import COUNTERS

    for trigger in installed_triggers():
        for _table, sql in upserts(trigger):
            columns = sql.split("(", 1)[1].split(")", 1)[0]
            assert [c.strip() for c in columns.split(",")][2:] == list(COUNTERS)
