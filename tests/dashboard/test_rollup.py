"""The room-day roll-up follows every write to reservations, by the database's triggers."""

import datetime

import pytest
from django.utils import timezone

from dashboard.models import RoomDay
from dashboard.rollup import rebuild
from reservations.models import Reservation, Status
from tests.factories import ReservationFactory, RoomFactory

pytestmark = pytest.mark.django_db

FIELDS = ("room_id", "day", "approved", "pending", "rejected", "cancelled", "expired",
          "approved_minutes")  # fmt: skip


def snapshot():
    return sorted(row for row in RoomDay.objects.values_list(*FIELDS) if any(row[2:]))


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
    for hour, status in ((9, Status.APPROVED), (10, Status.REJECTED), (13, Status.EXPIRED)):
        ReservationFactory(room=room, start=at(DAY, hour), end=at(DAY, hour, 30), status=status)
    kept = snapshot()
    RoomDay.objects.all().delete()

    rebuild()

    assert snapshot() == kept == [(room.pk, DAY, 1, 0, 1, 0, 1, 30)]
