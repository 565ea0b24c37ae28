"""Check-in and ending early: who may, when, and what the freed time becomes.

Each transition and each refused edge: check-in by the booker, by a code at the door, by a
manager; refused for someone else, too early, too late, on a cancelled booking, twice. Ending a
checked-in meeting early frees the rest of its time for others at once.
"""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from reservations import rules
from reservations.availability import availability
from reservations.models import Action, Reservation, ReservationEvent, Status
from reservations.rules import BookingError
from reservations.services import book, cancel, check_in, check_in_at_door, end_early
from tests.factories import HallFactory, ReservationFactory, UserFactory, next_weekday_at

pytestmark = pytest.mark.django_db
MINUTE = datetime.timedelta(minutes=1)
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def meeting():
    start = next_weekday_at(10)
    return ReservationFactory(start=start, end=start + 2 * HOUR)


def at(moment):
    return time_machine.travel(moment, tick=False)


def test_the_booker_checks_in_from_fifteen_minutes_before_the_start(meeting):
    with at(meeting.start - 15 * MINUTE):
        checked = check_in(meeting.booked_by, meeting)

    assert checked.checked_in_at == meeting.start - 15 * MINUTE
    assert checked.status == Status.APPROVED
    (event,) = ReservationEvent.objects.filter(reservation=meeting)
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        Action.CHECK_IN,
        meeting.booked_by,
        Status.APPROVED,
        Status.APPROVED,
    )


def test_check_in_sixteen_minutes_before_the_start_is_too_early(meeting):
    with at(meeting.start - 16 * MINUTE), pytest.raises(BookingError) as refused:
        check_in(meeting.booked_by, meeting)

    assert refused.value.code == "check_in_too_early"
    assert "15" in refused.value.messages[0]
    meeting.refresh_from_db()
    assert meeting.checked_in_at is None


def test_check_in_at_fifteen_minutes_after_the_start_is_too_late(meeting):
    with at(meeting.start + 14 * MINUTE):
        assert rules.CHECK_IN.allows(meeting, meeting.start + 14 * MINUTE)
    with at(meeting.start + 15 * MINUTE), pytest.raises(BookingError) as refused:
        check_in(meeting.booked_by, meeting)

    assert refused.value.code == "check_in_too_late"


def test_a_cancelled_booking_cannot_be_checked_in(meeting):
    cancel(meeting.booked_by, meeting)
    meeting.refresh_from_db()

    with at(meeting.start), pytest.raises(BookingError) as refused:
        check_in(meeting.booked_by, meeting)

    assert refused.value.code == "not_checkable"


def test_a_pending_booking_cannot_be_checked_in():
    start = next_weekday_at(10)
    pending = ReservationFactory(status=Status.PENDING, start=start, end=start + HOUR)

    with at(start), pytest.raises(BookingError) as refused:
        check_in(pending.booked_by, pending)

    assert refused.value.code == "not_checkable"


def test_a_booking_is_checked_in_once(meeting):
    with at(meeting.start):
        check_in(meeting.booked_by, meeting)
        with pytest.raises(BookingError) as refused:
            check_in(meeting.booked_by, meeting)

    assert refused.value.code == "checked_in"
    assert ReservationEvent.objects.filter(reservation=meeting).count() == 1


def test_someone_else_cannot_check_in_without_the_code(meeting):
    with at(meeting.start), pytest.raises(PermissionDenied):
        check_in(UserFactory(), meeting)

    meeting.refresh_from_db()
    assert meeting.checked_in_at is None


def test_anyone_with_the_code_checks_in_at_the_door_however_they_type_it(meeting):
    typed = f" {meeting.code[:3].lower()}-{meeting.code[3:]} "

    with at(meeting.start + 5 * MINUTE):
        checked = check_in_at_door(meeting.room, typed)

    assert checked.pk == meeting.pk and checked.checked_in_at is not None
    event = ReservationEvent.objects.get(reservation=meeting)
    assert event.actor is None and event.action == Action.CHECK_IN


def test_a_code_of_another_room_is_unknown_at_this_door(meeting):
    elsewhere = ReservationFactory(start=meeting.start, end=meeting.end)

    with at(meeting.start), pytest.raises(BookingError) as refused:
        check_in_at_door(meeting.room, elsewhere.code)

    assert refused.value.code == "unknown_code"


def test_a_facility_manager_checks_in_for_the_booker_at_the_front_desk(meeting):
    manager = UserFactory(is_staff=True)
    meeting.room.facility.managers.add(manager)

    with at(meeting.start):
        check_in(manager, meeting)

    assert ReservationEvent.objects.get(reservation=meeting).actor == manager


def test_a_halls_check_in_opens_half_an_hour_before_the_start():
    start = next_weekday_at(10)
    event = ReservationFactory(room=HallFactory(), start=start, end=start + 2 * HOUR)

    with at(start - 30 * MINUTE):
        assert check_in(event.booked_by, event).checked_in_at == start - 30 * MINUTE


def test_the_booker_ends_a_checked_in_meeting_early_and_another_user_books_the_rest(meeting):
    with at(meeting.start):
        check_in(meeting.booked_by, meeting)
    with at(meeting.start + 50 * MINUTE):
        ended = end_early(meeting.booked_by, meeting)

    assert ended.released_at == meeting.start + 50 * MINUTE
    assert ended.end == meeting.start + 2 * HOUR  # the booked end stays
    assert ended.status == Status.APPROVED and ended.ended_early
    last = ReservationEvent.objects.filter(reservation=meeting).last()
    assert last.action == Action.END_EARLY and last.actor == meeting.booked_by
    with at(meeting.start + 50 * MINUTE):
        day = availability([meeting.room], meeting.start.date())[meeting.room.pk]
        assert day.is_free(meeting.start + HOUR, meeting.end)
        assert not day.is_free(meeting.start + 30 * MINUTE, meeting.start + HOUR)
        other = book(
            UserFactory(), meeting.room, meeting.start + HOUR, meeting.end, attendees=2,
            purpose="남은 시간",
        )  # fmt: skip
    assert other.status == Status.APPROVED


def test_a_meeting_not_checked_in_cannot_be_ended_early(meeting):
    with at(meeting.start + 5 * MINUTE), pytest.raises(BookingError) as refused:
        end_early(meeting.booked_by, meeting)

    assert refused.value.code == "not_checked_in"


def test_someone_else_cannot_end_a_meeting_early(meeting):
    with at(meeting.start):
        check_in(meeting.booked_by, meeting)
        with pytest.raises(PermissionDenied):
            end_early(UserFactory(), meeting)


def test_a_meeting_is_ended_early_once_and_not_after_its_end(meeting):
    with at(meeting.start):
        check_in(meeting.booked_by, meeting)
    with at(meeting.start + HOUR):
        end_early(meeting.booked_by, meeting)
        with pytest.raises(BookingError) as refused:
            end_early(meeting.booked_by, meeting)
    assert refused.value.code == "already_over"


def test_ending_before_the_start_releases_the_whole_booking(meeting):
    with at(meeting.start - 10 * MINUTE):
        check_in(meeting.booked_by, meeting)
        ended = end_early(meeting.booked_by, meeting)

    assert ended.released_at == meeting.start
    assert (
        rules.holding(meeting.start)
        .filter(pk=meeting.pk)
        .overlapping(meeting.start, meeting.end)
        .count()
        == 0
    )


def test_the_database_lets_a_booking_start_where_another_was_released(meeting):
    Reservation.objects.filter(pk=meeting.pk).update(
        checked_in_at=meeting.start, released_at=meeting.start + HOUR
    )
    ReservationFactory(room=meeting.room, start=meeting.start + HOUR, end=meeting.end)

    with pytest.raises(IntegrityError), transaction.atomic():
        ReservationFactory(
            room=meeting.room, start=meeting.start + 30 * MINUTE, end=meeting.start + HOUR
        )


def test_the_database_refuses_a_release_outside_the_booking(meeting):
    with pytest.raises(IntegrityError), transaction.atomic():
        Reservation.objects.filter(pk=meeting.pk).update(released_at=meeting.end + MINUTE)
