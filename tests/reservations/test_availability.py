import datetime
import random

import pytest
from django.utils import timezone

from reservations.availability import DaySchedule, availability, free_rooms
from reservations.models import Reservation, Status
from rooms.models import Facility, OpeningHours, Room, RoomKind
from tests.factories import (
    ClosureFactory,
    DistrictFactory,
    ReservationFactory,
    RoomFactory,
    UserFactory,
    next_weekday_at,
)

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


def starts(slots):
    return [timezone.localtime(slot.start).strftime("%H:%M") for slot in slots]


def test_free_slots_are_the_half_hours_of_the_opening_day_around_bookings_and_closures():
    room = RoomFactory()
    nine = next_weekday_at(9)
    ReservationFactory(room=room, start=nine + HOUR, end=nine + 2 * HOUR)
    ReservationFactory(
        room=room, start=nine + 3 * HOUR, end=nine + 4 * HOUR, status=Status.CANCELLED
    )
    ClosureFactory(
        facility=room.facility, start=nine + 6 * HOUR, end=nine + 9 * HOUR, reason="소독"
    )
    day = availability([room], nine.date())[room.pk]
    assert len(day.slots) == 18
    assert starts(day.free_slots()) == [
        "09:00",
        "09:30",
        "11:00",
        "11:30",
        "12:00",
        "12:30",
        "13:00",
        "13:30",
        "14:00",
        "14:30",
    ]
    reasons = {starts([slot])[0]: slot.reason for slot in day.slots if not slot.free}
    assert reasons["10:00"] == reasons["10:30"] != ""
    assert reasons["15:00"] == "소독"
    assert day.is_free(nine, nine + HOUR)
    assert not day.is_free(nine, nine + 1.5 * HOUR)
    assert day.next_free_start(nine + HOUR) == nine + 2 * HOUR


def test_a_korean_holiday_closes_the_day_with_its_name():
    room = RoomFactory()
    day = availability([room], datetime.date(2026, 12, 25))[room.pk]
    assert day.opens is None
    assert day.slots == []
    assert day.closed_reason in ("기독탄신일", "Christmas Day")


def test_a_whole_day_closure_closes_the_day_with_its_reason():
    room = RoomFactory()
    nine = next_weekday_at(9)
    ClosureFactory(facility=room.facility, start=nine, end=nine + 9 * HOUR, reason="정기 휴관")
    day = availability([room], nine.date())[room.pk]
    assert day.opens is None
    assert day.closed_reason == "정기 휴관"


def test_a_day_without_opening_hours_is_closed():
    room = RoomFactory(facility__opening_hours=[])
    assert availability([room], next_weekday_at(9).date())[room.pk].opens is None


def test_slots_already_begun_today_are_past(monkeypatch):
    room = RoomFactory()
    nine = next_weekday_at(9)
    monkeypatch.setattr(
        "reservations.availability.timezone.now", lambda: nine + datetime.timedelta(minutes=95)
    )
    day = availability([room], nine.date())[room.pk]
    assert starts(day.free_slots())[0] == "11:00"


def test_window_checks_agree_with_the_day_of_slots_they_skip_building(monkeypatch):
    room = RoomFactory()
    nine = next_weekday_at(9)
    ReservationFactory(room=room, start=nine + HOUR, end=nine + 2 * HOUR)
    ClosureFactory(facility=room.facility, start=nine + 5 * HOUR, end=nine + 5.5 * HOUR)
    monkeypatch.setattr(
        "reservations.availability.timezone.now", lambda: nine + datetime.timedelta(minutes=40)
    )
    day = availability([room], nine.date())[room.pk]
    slots = list(day.slots)
    half_hour = datetime.timedelta(minutes=30)
    moments = [nine - HOUR + n * datetime.timedelta(minutes=10) for n in range(72)]
    for start in moments:
        for length in range(1, 7):
            end = start + length * half_hour
            expected = day.opens <= start < end <= day.closes and all(
                slot.free for slot in slots if slot.start < end and slot.end > start
            )
            assert day.is_free(start, end) == expected, (start, end)
        expected_next = next((s.start for s in slots if s.free and s.start >= start), None)
        assert day.next_free_start(start) == expected_next, start


def build_national_scale(count=1617):
    district = DistrictFactory()
    facilities = Facility.objects.bulk_create(
        Facility(
            code=f"SCALE-{n}",
            name=f"센터 {n}",
            host_organization="센터",
            host_type="incubator",
            district=district,
            address="주소",
            latitude=district.latitude,
            longitude=district.longitude,
        )
        for n in range(count)
    )
    OpeningHours.objects.bulk_create(
        OpeningHours(facility=f, weekday=d, opens=datetime.time(9), closes=datetime.time(18))
        for f in facilities
        for d in range(5)
    )
    return Room.objects.bulk_create(
        Room(facility=f, kind=RoomKind.STANDARD, name="회의실", capacity=10) for f in facilities
    )


def test_availability_of_every_room_takes_a_fixed_number_of_queries(
    django_assert_max_num_queries,
):
    rooms = build_national_scale()
    nine = next_weekday_at(9)
    booker = UserFactory()
    Reservation.objects.bulk_create(
        Reservation(
            room=room,
            booked_by=booker,
            start=nine,
            end=nine + HOUR,
            attendees=2,
            purpose="회의",
            status=Status.APPROVED,
        )
        for room in rooms[:300]
    )
    with django_assert_max_num_queries(4):
        days = availability(Room.objects.all(), nine.date())
    assert len(days) == 1617
    assert sum(1 for d in days.values() if not d.is_free(nine, nine + HOUR)) == 300


def test_free_rooms_leaves_out_booked_closed_inactive_and_shut_rooms():
    nine = next_weekday_at(9)
    free = RoomFactory()
    booked = RoomFactory()
    ReservationFactory(room=booked, start=nine + HOUR, end=nine + 2 * HOUR)
    closed = RoomFactory()
    ClosureFactory(facility=closed.facility, start=nine, end=nine + 3 * HOUR)
    inactive = RoomFactory(is_active=False)
    late_opening = RoomFactory(
        facility__opening_hours=[(d, datetime.time(13), datetime.time(18)) for d in range(5)]
    )
    pending_lapsed = RoomFactory()
    ReservationFactory(
        room=pending_lapsed,
        start=next_weekday_at(9, days_ahead=-3),
        end=next_weekday_at(10, days_ahead=-3),
        status=Status.PENDING,
    )
    result = set(free_rooms(Room.objects.all(), nine + HOUR, nine + 2 * HOUR))
    assert free in result
    assert pending_lapsed in result
    assert not result & {booked, closed, inactive, late_opening}


def test_free_rooms_is_empty_on_a_holiday():
    RoomFactory()
    start = timezone.make_aware(datetime.datetime(2026, 12, 25, 10))
    assert not free_rooms(Room.objects.all(), start, start + HOUR).exists()


def test_free_windows_are_the_runs_of_free_slots_whatever_the_busy_times():
    """The stretches worked out from busy times equal the runs of the slot-by-slot timeline,
    with closures off the half-hour grid, overlapping bookings, the past and a late start."""
    rng = random.Random(1201)
    nine = next_weekday_at(9)
    for _ in range(300):
        busy = []
        for _ in range(rng.randrange(0, 5)):
            start = nine + datetime.timedelta(minutes=rng.randrange(-60, 600, 15))
            busy.append(
                (start, start + datetime.timedelta(minutes=rng.randrange(15, 240, 15)), "x")
            )
        now = rng.choice([None, nine + datetime.timedelta(minutes=rng.randrange(-60, 600, 10))])
        after = rng.choice([None, nine + datetime.timedelta(minutes=rng.randrange(0, 540, 10))])
        closes = nine + datetime.timedelta(minutes=rng.choice([540, 525, 480]))
        day = DaySchedule(1, nine.date(), nine, closes, "", busy, now)
        runs, run = [], None
        for slot in day.slots:
            if (after is None or slot.start >= after) and slot.free:
                run = (run[0], slot.end) if run and run[1] == slot.start else (slot.start, slot.end)
                if runs and runs[-1][0] == run[0]:
                    runs[-1] = run
                else:
                    runs.append(run)
            else:
                run = None
        assert day.free_windows(after) == runs, (busy, now, after, closes)
        length = datetime.timedelta(minutes=rng.choice([30, 60, 120]))
        assert day.free_windows(after, length) == [w for w in runs if w[1] - w[0] >= length]
