"""Every bookability rule refuses alike through the booking service and the free-room query.

For each rule in `reservations.rules.RULES` a scene breaks that rule first: the booking service
refuses with the rule's code; the rules whose check refuses are exactly those whose queryset
form leaves the room out; and the free-room query (and, for rules about time, the day's
availability) leaves the room out. A new rule without a scene here fails this test.
"""

import dataclasses
import datetime

import pytest
from django.utils import timezone

from accounts.models import AccountType
from reservations import rules
from reservations.availability import availability, free_rooms
from reservations.models import Reservation, Suspension
from reservations.rules import RULES, BookingError, BookingRequest
from reservations.services import book
from rooms.models import Room, RoomKind
from tests.factories import (
    ClosureFactory,
    HallFactory,
    ReservationFactory,
    RoomFactory,
    UserFactory,
    next_weekday_at,
)

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


@dataclasses.dataclass
class Scene:
    room: Room
    start: datetime.datetime
    end: datetime.datetime
    attendees: int = 4
    user: object = None
    # The rule takes this time out of the room's day, so availability shows it busy too.
    busy_in_the_day: bool = False


def inactive_room(monkeypatch):
    start = next_weekday_at(10)
    return Scene(RoomFactory(is_active=False), start, start + HOUR)


def ends_at_its_start(monkeypatch):
    start = next_weekday_at(10)
    return Scene(RoomFactory(), start, start)


def off_the_grid(monkeypatch):
    start = next_weekday_at(10, 15)
    return Scene(RoomFactory(), start, start + HOUR)


def in_the_past(monkeypatch):
    start = next_weekday_at(10, days_ahead=-3)
    return Scene(RoomFactory(), start, start + HOUR, busy_in_the_day=True)


def beyond_the_window(monkeypatch):
    room = RoomFactory()
    days = rules.POLICIES[RoomKind.STANDARD].max_days_ahead + 1
    start = next_weekday_at(10, days_ahead=days)
    return Scene(room, start, start + HOUR)


def on_a_holiday(monkeypatch):
    start = next_weekday_at(10)
    holiday = timezone.localdate(start)
    monkeypatch.setattr(
        "reservations.rules.korean_holiday", lambda day: "설날" if day == holiday else None
    )
    return Scene(RoomFactory(), start, start + HOUR, busy_in_the_day=True)


def after_closing_time(monkeypatch):
    start = next_weekday_at(17, 30)
    return Scene(RoomFactory(), start, start + HOUR, busy_in_the_day=True)


def shorter_than_the_minimum(monkeypatch):
    policy = rules.POLICIES[RoomKind.STANDARD]
    longer = dataclasses.replace(policy, min_duration=HOUR)
    monkeypatch.setitem(rules.POLICIES, RoomKind.STANDARD, longer)
    start = next_weekday_at(10)
    return Scene(RoomFactory(), start, start + HOUR / 2)


def longer_than_the_maximum(monkeypatch):
    start = next_weekday_at(9)
    return Scene(RoomFactory(), start, start + 4.5 * HOUR)


def nobody_attends(monkeypatch):
    start = next_weekday_at(10)
    return Scene(RoomFactory(), start, start + HOUR, attendees=0)


def over_capacity(monkeypatch):
    start = next_weekday_at(10)
    return Scene(RoomFactory(capacity=10), start, start + HOUR, attendees=11)


def during_a_closure(monkeypatch):
    room = RoomFactory()
    start = next_weekday_at(10)
    ClosureFactory(facility=room.facility, start=start, end=start + HOUR, reason="점검")
    return Scene(room, start, start + HOUR, busy_in_the_day=True)


def by_an_unconfirmed_account(monkeypatch):
    start = next_weekday_at(10)
    return Scene(RoomFactory(), start, start + HOUR, user=UserFactory(email_verified_at=None))


def a_hall_by_an_individual(monkeypatch):
    start = next_weekday_at(10)
    person = UserFactory(account_type=AccountType.INDIVIDUAL, company="", business_number="")
    return Scene(HallFactory(), start, start + HOUR, attendees=20, user=person)


def by_a_suspended_booker(monkeypatch):
    user = UserFactory()
    now = timezone.now()
    Suspension.objects.create(
        user=user, starts_at=now - HOUR, ends_at=now + 14 * 24 * HOUR, no_shows=3
    )
    start = next_weekday_at(10)
    return Scene(RoomFactory(), start, start + HOUR, user=user)


def overlapping_the_users_own_booking(monkeypatch):
    user = UserFactory()
    start = next_weekday_at(10)
    ReservationFactory(booked_by=user, start=start, end=start + HOUR)
    return Scene(RoomFactory(), start, start + HOUR, user=user)


def over_the_upcoming_limit(monkeypatch):
    user = UserFactory()
    for days in range(1, rules.USER_MAX_UPCOMING + 1):
        held = next_weekday_at(15, days_ahead=days + 1)
        ReservationFactory(booked_by=user, start=held, end=held + HOUR)
    start = next_weekday_at(10)
    return Scene(RoomFactory(), start, start + HOUR, user=user)


def over_the_companys_upcoming_limit(monkeypatch):
    colleagues = UserFactory.create_batch(3, business_number="2208162517")
    day = 1
    for colleague in colleagues:
        for hour in range(rules.USER_MAX_UPCOMING):
            held = next_weekday_at(9 + hour, days_ahead=day + 1)
            ReservationFactory(booked_by=colleague, start=held, end=held + HOUR)
        day += 1
    start = next_weekday_at(10)
    user = UserFactory(business_number="2208162517")
    return Scene(RoomFactory(), start, start + HOUR, user=user)


def already_booked(monkeypatch):
    room = RoomFactory()
    start = next_weekday_at(10)
    ReservationFactory(room=room, start=start, end=start + HOUR)
    return Scene(room, start, start + HOUR, busy_in_the_day=True)


SCENES = {
    rules.ActiveRoom: inactive_room,
    rules.EndsAfterStart: ends_at_its_start,
    rules.OnTheGrid: off_the_grid,
    rules.NotInThePast: in_the_past,
    rules.WithinBookingWindow: beyond_the_window,
    rules.NotOnAHoliday: on_a_holiday,
    rules.WithinOpeningHours: after_closing_time,
    rules.MinimumDuration: shorter_than_the_minimum,
    rules.MaximumDuration: longer_than_the_maximum,
    rules.SomeoneAttends: nobody_attends,
    rules.WithinCapacity: over_capacity,
    rules.NotClosed: during_a_closure,
    rules.ConfirmedAccount: by_an_unconfirmed_account,
    rules.KindForTheAccount: a_hall_by_an_individual,
    rules.NotSuspended: by_a_suspended_booker,
    rules.NoOwnOverlap: overlapping_the_users_own_booking,
    rules.UpcomingLimit: over_the_upcoming_limit,
    rules.BusinessUpcomingLimit: over_the_companys_upcoming_limit,
    rules.SlotFree: already_booked,
}


def test_every_rule_has_a_scene():
    assert {type(rule) for rule in RULES} == set(SCENES)


def refusing(scene, now):
    """The rules whose check refuses the scene, and those whose queryset form leaves it out."""
    request = BookingRequest(scene.start, scene.end, now, scene.attendees, scene.user)
    checks, filters = [], []
    for rule in RULES:
        try:
            rule.check(request, scene.room)
        except BookingError:
            checks.append(rule)
        if not rule.admit(Room.objects.filter(pk=scene.room.pk), request).exists():
            filters.append(rule)
    return checks, filters


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: type(rule).__name__)
def test_a_rule_refuses_alike_in_the_booking_service_and_the_free_room_query(rule, monkeypatch):
    scene = SCENES[type(rule)](monkeypatch)
    user = scene.user or UserFactory()
    bookings = Reservation.objects.filter(room=scene.room).count()

    with pytest.raises(BookingError) as caught:
        book(user, scene.room, scene.start, scene.end, attendees=scene.attendees, purpose="회의")

    assert caught.value.code == rule.code
    assert Reservation.objects.filter(room=scene.room).count() == bookings
    checks, filters = refusing(scene, timezone.now())
    assert checks == filters
    assert checks[0] is rule
    free = free_rooms(
        Room.objects.filter(pk=scene.room.pk),
        scene.start,
        scene.end,
        attendees=scene.attendees,
        user=scene.user,
    )
    assert not free.exists()
    if scene.busy_in_the_day:
        day = availability([scene.room], timezone.localdate(scene.start))[scene.room.pk]
        assert not day.is_free(scene.start, scene.end)


def test_a_room_breaking_no_rule_is_booked_and_found_free():
    room = RoomFactory()
    start = next_weekday_at(10)

    assert list(free_rooms(Room.objects.all(), start, start + HOUR, attendees=4)) == [room]
    assert availability([room], timezone.localdate(start))[room.pk].is_free(start, start + HOUR)
    assert book(UserFactory(), room, start, start + HOUR, attendees=4, purpose="회의").pk
