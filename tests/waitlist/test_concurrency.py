"""Two workers handling the same freed slot, each thread with its own PostgreSQL connection."""

import threading

import pytest
from django.db import connection

from reservations.models import Reservation
from tests.factories import (
    DistrictFactory,
    ReservationFactory,
    RoomFactory,
    UserFactory,
    next_weekday_at,
)
from tests.waitlist.conftest import HOUR
from waitlist import services
from waitlist.models import Entry, EntryStatus, WaitlistEvent
from waitlist.services import Wish

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrency is proven on PostgreSQL; SQLite serialises all writers",
    ),
]


def run_at_once(calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def attempt(index, call):
        try:
            barrier.wait()
            outcomes[index] = len(call())
        except Exception as error:  # noqa: BLE001 - any other outcome fails the test
            outcomes[index] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_workers_handling_the_same_freed_slot_make_exactly_one_offer():
    room = RoomFactory()
    start = next_weekday_at(10)
    booking = ReservationFactory(room=room, start=start, end=start + HOUR)
    for _ in range(3):
        services.join(
            UserFactory(),
            Wish(start=start, end=start + HOUR, attendees=2, purpose="대기", room=room),
        )

    Reservation.objects.filter(pk=booking.pk).update(status="cancelled")

    def handle():
        return services.offer_freed_time([room.pk], start, start + HOUR)

    for _ in range(5):
        outcomes = run_at_once([handle, handle])
        assert sorted(outcomes) in ([0, 1], [0, 0]), outcomes
    assert Reservation.objects.offers().filter(room=room).count() == 1
    assert Entry.objects.filter(status=EntryStatus.OFFERED).count() == 1
    assert WaitlistEvent.objects.filter(kind="offered").count() == 1


def test_two_workers_freeing_two_rooms_offer_an_any_room_entry_once():
    district = DistrictFactory()
    rooms = RoomFactory.create_batch(2, facility__district=district)
    start = next_weekday_at(10)
    services.join(
        UserFactory(),
        Wish(
            start=start, end=start + HOUR, attendees=2, purpose="대기", region_id=district.region_id
        ),
    )
    outcomes = run_at_once(
        [
            lambda room=room: services.offer_freed_time([room.pk], start, start + HOUR)
            for room in rooms
        ]
    )
    assert sorted(outcomes) == [0, 1], outcomes
    assert Reservation.objects.offers().count() == 1
