"""Many simultaneous bookings, each thread with its own PostgreSQL connection."""

import datetime
import random
import threading

import pytest
from django.db import connection

from reservations.models import Reservation, Status
from reservations.services import BookingError, book
from tests.factories import RoomFactory, UserFactory, next_weekday_at

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrency is proven on PostgreSQL; SQLite serialises all writers",
    ),
]
HOUR = datetime.timedelta(hours=1)


def run_at_once(attempts):
    """Run each (user, room, start, end) booking in its own thread, released together."""
    barrier = threading.Barrier(len(attempts))
    outcomes = [None] * len(attempts)

    def attempt(index, user, room, start, end):
        try:
            barrier.wait()
            book(user, room, start, end, attendees=2, purpose="동시 예약")
            outcomes[index] = "booked"
        except BookingError as error:
            outcomes[index] = error.code
        except Exception as error:  # noqa: BLE001 - any other outcome fails the test
            outcomes[index] = repr(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=(index, *args)) for index, args in enumerate(attempts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_twenty_four_users_booking_one_slot_at_once_get_exactly_one_booking():
    room = RoomFactory()
    users = UserFactory.create_batch(24)
    start = next_weekday_at(10)
    outcomes = run_at_once([(user, room, start, start + HOUR) for user in users])
    assert outcomes.count("booked") == 1
    assert outcomes.count("slot_taken") == 23
    assert Reservation.objects.filter(room=room).count() == 1


def test_random_overlapping_attempts_never_leave_two_active_bookings_overlapping():
    rng = random.Random(7)
    rooms = RoomFactory.create_batch(3)
    users = UserFactory.create_batch(30)
    day = next_weekday_at(9)
    attempts = []
    for user in users:
        start = day + datetime.timedelta(minutes=30 * rng.randint(0, 12))
        attempts.append((user, rng.choice(rooms), start, start + HOUR * rng.choice((0.5, 1, 2))))
    outcomes = run_at_once(attempts)
    assert set(outcomes) <= {"booked", "slot_taken"}
    assert outcomes.count("booked") >= len(rooms)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM reservations_reservation a
            JOIN reservations_reservation b
              ON a.room_id = b.room_id AND a.id < b.id
             AND a.start < b."end" AND b.start < a."end"
            WHERE a.status IN (%s, %s) AND b.status IN (%s, %s)
            """,
            [Status.PENDING, Status.APPROVED] * 2,
        )
        assert cursor.fetchone()[0] == 0
