"""Each booking rule: one booking it allows, one it refuses with its own message."""

import datetime

import pytest
from django.utils import timezone, translation

from reservations.models import Reservation, Status
from reservations.rules import POLICIES
from reservations.services import BookingError, book
from rooms.models import RoomKind
from tests.factories import (
    BoothFactory,
    ClosureFactory,
    HallFactory,
    ReservationFactory,
    RoomFactory,
    UserFactory,
    next_weekday_at,
)

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def attempt(room, start, end, user=None, attendees=4):
    return book(user or UserFactory(), room, start, end, attendees=attendees, purpose="회의")


def refused(code, room, start, end, **kwargs):
    """The rule's code and its message (in English, so tests read the same as the source)."""
    with translation.override("en"), pytest.raises(BookingError) as caught:
        attempt(room, start, end, **kwargs)
    assert caught.value.code == code
    assert not Reservation.objects.filter(room=room, start=start).exists()
    with translation.override("en"):
        return caught.value.messages[0]


def test_a_slot_on_the_half_hour_grid_is_booked():
    start = next_weekday_at(10, 30)
    reservation = attempt(RoomFactory(), start, start + HOUR)
    assert reservation.status == Status.APPROVED


def test_a_booking_off_the_half_hour_grid_is_refused():
    start = next_weekday_at(10, 15)
    message = refused("off_grid", RoomFactory(), start, start + HOUR)
    assert "half hour" in message


def test_a_booking_ending_off_the_grid_is_refused():
    start = next_weekday_at(10)
    refused("off_grid", RoomFactory(), start, start + datetime.timedelta(minutes=45))


def test_a_booking_starting_in_the_past_is_refused():
    start = next_weekday_at(10, days_ahead=-7)
    assert "past" in refused("past", RoomFactory(), start, start + HOUR)


def test_a_booking_outside_opening_hours_is_refused():
    start = next_weekday_at(17, 30)
    assert "opening hours" in refused("outside_hours", RoomFactory(), start, start + HOUR)


def test_a_booking_until_closing_time_is_allowed():
    start = next_weekday_at(17)
    assert attempt(RoomFactory(), start, start + HOUR).pk


def test_a_booking_on_a_weekend_is_refused_when_the_site_is_closed():
    day = timezone.localdate() + datetime.timedelta(days=1)
    while day.weekday() != 5:
        day += datetime.timedelta(days=1)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    refused("outside_hours", RoomFactory(), start, start + HOUR)


def test_a_booking_on_a_korean_public_holiday_is_refused():
    day = datetime.date(2026, 12, 25)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    if start < timezone.now() or day > timezone.localdate() + datetime.timedelta(days=30):
        pytest.skip("2026-12-25 is outside the booking window today")
    message = refused("holiday", RoomFactory(), start, start + HOUR)
    assert "Christmas Day" in message


def test_a_booking_during_a_facility_closure_is_refused():
    room = RoomFactory()
    start = next_weekday_at(10)
    ClosureFactory(facility=room.facility, start=start, end=start + 2 * HOUR, reason="점검")
    assert "closed" in refused("closed", room, start, start + HOUR)


def test_a_closure_of_another_room_of_the_same_site_does_not_block():
    room = RoomFactory()
    other = BoothFactory(facility=room.facility)
    start = next_weekday_at(10)
    ClosureFactory(facility=room.facility, room=other, start=start, end=start + 2 * HOUR)
    assert attempt(room, start, start + HOUR).pk
    refused("closed", other, start, start + HOUR, attendees=1)


def test_standard_rooms_can_be_booked_30_days_ahead_but_not_31(monkeypatch):
    monkeypatch.setattr("reservations.rules.korean_holiday", lambda day: None)
    every_day = [(day, datetime.time(9), datetime.time(18)) for day in range(7)]
    room = RoomFactory(facility__opening_hours=every_day)
    limit = POLICIES[RoomKind.STANDARD].max_days_ahead
    day = timezone.localdate() + datetime.timedelta(days=limit)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    late = start + datetime.timedelta(days=1)
    assert attempt(room, start, start + HOUR).pk
    assert "30 days" in refused("too_far_ahead", room, late, late + HOUR)


def test_halls_can_be_booked_90_days_ahead():
    room = HallFactory(
        facility__opening_hours=[(d, datetime.time(9), datetime.time(18)) for d in range(7)]
    )
    from reservations.rules import korean_holiday

    day = timezone.localdate() + datetime.timedelta(days=60)
    while korean_holiday(day):
        day += datetime.timedelta(days=1)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    assert attempt(room, start, start + HOUR, attendees=50).status == Status.PENDING
    far = start + datetime.timedelta(days=40)
    refused("too_far_ahead", room, far, far + HOUR, attendees=50)


def test_a_standard_room_booking_of_four_hours_is_allowed_but_not_longer():
    room = RoomFactory()
    start = next_weekday_at(9)
    assert attempt(room, start, start + 4 * HOUR).pk
    later = next_weekday_at(9, days_ahead=3)
    assert "4 hours" in refused("too_long", room, later, later + 4.5 * HOUR)


def test_a_booth_can_be_booked_for_a_full_opening_day():
    booth = BoothFactory()
    start = next_weekday_at(9)
    assert attempt(booth, start, start + 9 * HOUR, attendees=1).pk


def test_a_booth_booking_longer_than_the_opening_day_is_refused():
    booth = BoothFactory()
    start = next_weekday_at(9)
    refused("outside_hours", booth, start, start + 10 * HOUR, attendees=1)


def test_a_hall_booking_of_a_full_day_is_allowed():
    hall = HallFactory()
    start = next_weekday_at(9)
    assert attempt(hall, start, start + 9 * HOUR, attendees=80).pk


def test_a_booking_must_end_after_it_starts():
    start = next_weekday_at(10)
    refused("too_short", RoomFactory(), start, start)


def test_attendees_at_capacity_are_allowed_and_above_refused():
    room = RoomFactory(capacity=10)
    start = next_weekday_at(10)
    assert attempt(room, start, start + HOUR, attendees=10).pk
    later = start + 2 * HOUR
    assert "10 people" in refused("too_many_attendees", room, later, later + HOUR, attendees=11)


def test_zero_attendees_are_refused():
    start = next_weekday_at(10)
    refused("no_attendees", RoomFactory(), start, start + HOUR, attendees=0)


def test_a_user_may_hold_five_upcoming_bookings_but_not_six():
    user = UserFactory()
    for days in range(1, 6):
        start = next_weekday_at(10, days_ahead=days)
        ReservationFactory(booked_by=user, start=start, end=start + HOUR)
    start = next_weekday_at(15)
    message = refused("user_limit", RoomFactory(), start, start + HOUR, user=user)
    assert "5" in message


def test_past_and_cancelled_bookings_do_not_count_towards_the_limit():
    user = UserFactory()
    for days in range(1, 5):
        start = next_weekday_at(10, days_ahead=days)
        ReservationFactory(booked_by=user, start=start, end=start + HOUR)
    past = next_weekday_at(10, days_ahead=-10)
    ReservationFactory(booked_by=user, start=past, end=past + HOUR)
    start = next_weekday_at(13, days_ahead=2)
    ReservationFactory(booked_by=user, start=start, end=start + HOUR, status=Status.CANCELLED)
    start = next_weekday_at(15)
    assert attempt(RoomFactory(), start, start + HOUR, user=user).pk


def test_a_user_cannot_hold_two_overlapping_bookings():
    user = UserFactory()
    start = next_weekday_at(10)
    ReservationFactory(booked_by=user, start=start, end=start + HOUR)
    later = start + datetime.timedelta(minutes=30)
    refused("user_overlap", RoomFactory(), later, later + HOUR, user=user)


def test_an_inactive_room_cannot_be_booked():
    start = next_weekday_at(10)
    refused("inactive_room", RoomFactory(is_active=False), start, start + HOUR)


def test_a_booked_slot_is_refused_naming_the_booked_time_not_as_just_taken():
    room = RoomFactory()
    start = next_weekday_at(10)
    ReservationFactory(room=room, start=start, end=start + HOUR)
    message = refused("slot_taken", room, start + HOUR / 2, start + 2 * HOUR)
    assert "10:00–11:00" in message
    assert "just taken" not in message


def test_back_to_back_bookings_are_allowed():
    room = RoomFactory()
    start = next_weekday_at(10)
    ReservationFactory(room=room, start=start, end=start + HOUR)
    assert attempt(room, start + HOUR, start + 2 * HOUR).pk


def test_rejected_and_cancelled_bookings_free_their_slot():
    room = RoomFactory()
    start = next_weekday_at(10)
    ReservationFactory(room=room, start=start, end=start + HOUR, status=Status.REJECTED)
    ReservationFactory(room=room, start=start, end=start + HOUR, status=Status.CANCELLED)
    assert attempt(room, start, start + HOUR).pk


def test_messages_are_in_korean_by_default():
    start = next_weekday_at(10, 15)
    with pytest.raises(BookingError) as caught:
        attempt(RoomFactory(), start, start + HOUR)
    assert caught.value.messages == ["예약은 정각 또는 30분 단위로 시작하고 끝나야 합니다."]
