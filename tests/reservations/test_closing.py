"""Closing a room or a facility (services.close): what it cancels, what it leaves, what it reports."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from reservations import services
from reservations.models import Reservation, Status
from reservations.services import BookingError, book, close
from rooms.models import Closure
from tests.factories import (
    FacilityFactory,
    ReservationFactory,
    RoomFactory,
    UserFactory,
    next_weekday_at,
)

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def manager():
    return UserFactory(is_staff=True)


@pytest.fixture
def facility(manager):
    return FacilityFactory(managers=[manager])


def closure_of(facility, start, end, room=None, reason="정전"):
    return Closure(facility=facility, room=room, start=start, end=end, reason=reason)


def status(reservation):
    return Reservation.objects.get(pk=reservation.pk).status


def test_closing_saves_the_closure_and_cancels_the_bookings_it_covers_with_its_reason(
    manager, facility, django_capture_on_commit_callbacks
):
    room = RoomFactory(facility=facility)
    start = next_weekday_at(10)
    covered = ReservationFactory(room=room, start=start, end=start + HOUR)
    later = ReservationFactory(room=room, start=start + 3 * HOUR, end=start + 4 * HOUR)

    with django_capture_on_commit_callbacks(execute=True):
        outcome = close(manager, closure_of(facility, start, start + 2 * HOUR))

    assert outcome.closure.pk and outcome.closure.created_by == manager
    assert [booking.pk for booking in outcome.cancelled] == [covered.pk]
    assert outcome.refused == []
    assert (status(covered), status(later)) == (Status.CANCELLED, Status.APPROVED)
    assert Reservation.objects.get(pk=covered.pk).decision_note == "정전"
    assert [message.to for message in mail.outbox] == [[covered.booked_by.email]]


def test_a_closure_in_the_past_cancels_no_meeting_that_already_took_place(manager, facility):
    room = RoomFactory(facility=facility)
    yesterday = next_weekday_at(10, days_ahead=-1)
    held = ReservationFactory(room=room, start=yesterday, end=yesterday + HOUR)
    midnight = timezone.localtime(yesterday).replace(hour=0)

    outcome = close(manager, closure_of(facility, midnight, midnight + 24 * HOUR))

    assert outcome.cancelled == [] and outcome.refused == []
    assert status(held) == Status.APPROVED
    assert mail.outbox == []


def test_a_meeting_under_way_is_cancelled_by_a_closure_that_covers_it(manager, facility):
    room = RoomFactory(facility=facility)
    now = timezone.now()
    under_way = ReservationFactory(room=room, start=now - HOUR, end=now + HOUR)

    outcome = close(manager, closure_of(facility, now, now + 2 * HOUR, reason="누수"))

    assert outcome.cancelled == [under_way]
    assert status(under_way) == Status.CANCELLED


def test_closing_one_room_leaves_the_other_rooms_of_the_site_alone(manager, facility):
    room, other = RoomFactory(facility=facility), RoomFactory(facility=facility)
    start = next_weekday_at(10)
    mine = ReservationFactory(room=room, start=start, end=start + HOUR)
    theirs = ReservationFactory(room=other, start=start, end=start + HOUR)

    close(manager, closure_of(facility, start, start + HOUR, room=room))

    assert (status(mine), status(theirs)) == (Status.CANCELLED, Status.APPROVED)


def test_a_booking_that_changed_meanwhile_is_reported_and_the_closure_still_stands(
    manager, facility, monkeypatch
):
    room = RoomFactory(facility=facility)
    start = next_weekday_at(10)
    booking = ReservationFactory(room=room, start=start, end=start + HOUR)
    stale = Reservation.objects.get(pk=booking.pk)
    services.cancel(booking.booked_by, booking)
    monkeypatch.setattr(services, "bookings_under", lambda closure, now=None: [stale])

    outcome = close(manager, closure_of(facility, start, start + HOUR))

    assert outcome.cancelled == []
    ((refused, error),) = outcome.refused
    assert refused.pk == booking.pk
    assert error.code == "invalid_transition"
    assert Closure.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the race needs two connections at once; SQLite serialises all writers",
)
def test_a_booking_made_while_a_closure_is_being_saved_waits_and_is_refused(manager, facility):
    room = RoomFactory(facility=facility)
    start = next_weekday_at(10)
    closing = threading.Event()
    outcome = {}

    def book_meanwhile():
        closing.wait(5)
        try:
            book(UserFactory(), room, start, start + HOUR, attendees=2, purpose="회의")
            outcome["booking"] = "booked"
        except BookingError as error:
            outcome["booking"] = error.code
        finally:
            connection.close()

    booker = threading.Thread(target=book_meanwhile)
    booker.start()
    with transaction.atomic():
        close(manager, closure_of(facility, start, start + 2 * HOUR))
        closing.set()
        # The booking now waits on the room's lock; give it time to try.
        booker.join(1)
        assert booker.is_alive()
    booker.join(10)

    assert outcome["booking"] == "closed"
    assert not Reservation.objects.filter(room=room).exists()
