"""A day's schedules of every room, kept in the cache under stamps the database sets in the
changing transaction itself: never a stale "free"."""

import datetime
import random

import pytest
from django.utils import timezone

from reservations import services
from reservations.availability import SHARDS, DayBook, day_book, day_stamps
from reservations.models import Reservation, ScheduleVersion, Status
from rooms.models import OpeningHours
from tests.factories import (
    ClosureFactory,
    ReservationFactory,
    RoomFactory,
    UserFactory,
    next_weekday_at,
)

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


def stamp(key):
    return ScheduleVersion.objects.filter(key=key).values_list("version", flat=True).first()


def shard(moment, room):
    """The key of the stamp of `room`'s part of the day `moment` falls on."""
    return f"{moment.date().isoformat()}/{room.pk % SHARDS}"


def test_a_booking_stamps_its_rooms_part_of_its_day_in_seoul_when_made_changed_or_deleted():
    nine = next_weekday_at(9)
    room = RoomFactory()
    key = shard(nine, room)
    assert stamp(key) is None
    booking = ReservationFactory(room=room, start=nine, end=nine + HOUR)
    made = stamp(key)
    assert made is not None
    Reservation.objects.filter(pk=booking.pk).update(status=Status.CANCELLED)
    cancelled = stamp(key)
    assert cancelled > made
    Reservation.objects.filter(pk=booking.pk).update(released_at=nine + HOUR / 2)
    released = stamp(key)
    assert released > cancelled
    Reservation.objects.filter(pk=booking.pk).delete()
    assert stamp(key) > released


def test_a_booking_at_eight_in_seoul_stamps_that_day_not_the_utc_one():
    eight = next_weekday_at(8)
    room = RoomFactory()
    assert eight.astimezone(datetime.UTC).date() != eight.date()
    ReservationFactory(room=room, start=eight, end=eight + HOUR)
    assert stamp(shard(eight, room)) is not None
    assert stamp(shard(eight.astimezone(datetime.UTC), room)) is None


def test_a_booking_leaves_the_other_rooms_parts_of_the_day_alone():
    nine = next_weekday_at(9)
    rooms = [RoomFactory() for _ in range(3)]
    assert len({room.pk % SHARDS for room in rooms}) == 3
    keys = [shard(nine, room) for room in rooms]
    before = ScheduleVersion.objects.stamps(keys)
    ReservationFactory(room=rooms[0], start=nine, end=nine + HOUR)
    after = ScheduleVersion.objects.stamps(keys)
    assert after[keys[0]] > before[keys[0]]
    assert [after[key] for key in keys[1:]] == [before[key] for key in keys[1:]]


def test_a_change_that_holds_no_time_leaves_the_day_alone():
    nine = next_weekday_at(9)
    booking = ReservationFactory(start=nine, end=nine + HOUR)
    before = stamp(shard(nine, booking.room))
    Reservation.objects.filter(pk=booking.pk).update(purpose="다른 회의", checked_in_at=nine)
    assert stamp(shard(nine, booking.room)) == before


def test_a_booking_moved_to_another_day_and_room_stamps_both_parts():
    nine = next_weekday_at(9)
    later = next_weekday_at(9, days_ahead=3)
    room, other = RoomFactory(), RoomFactory()
    booking = ReservationFactory(room=room, start=nine, end=nine + HOUR)
    ReservationFactory(room=other, start=later, end=later + HOUR)
    first, second = stamp(shard(nine, room)), stamp(shard(later, other))
    Reservation.objects.filter(pk=booking.pk).update(
        room=other, start=later + HOUR, end=later + 2 * HOUR
    )
    assert stamp(shard(nine, room)) > first
    assert stamp(shard(later, other)) > second


def test_opening_hours_and_closures_stamp_the_sites():
    room = RoomFactory()
    before = stamp(ScheduleVersion.SITES)
    OpeningHours.objects.filter(facility=room.facility, weekday=0).update(opens=datetime.time(10))
    hours_changed = stamp(ScheduleVersion.SITES)
    assert hours_changed > before
    closure = ClosureFactory(facility=room.facility)
    closed = stamp(ScheduleVersion.SITES)
    assert closed > hours_changed
    closure.delete()
    assert stamp(ScheduleVersion.SITES) > closed


def test_stamps_only_grow_also_after_the_table_was_emptied():
    nine = next_weekday_at(9)
    keys = [ScheduleVersion.SITES, nine.date().isoformat()]
    first = ScheduleVersion.objects.stamps(keys)
    assert set(first) == set(keys)
    ScheduleVersion.objects.all().delete()
    again = ScheduleVersion.objects.stamps(keys)
    assert all(again[key] > first[key] for key in keys)


@pytest.mark.parametrize(
    "change",
    ["book", "cancel", "release", "close", "shorten the day"],
)
def test_the_cached_day_shows_every_change_at_once(change):
    """Read (and cache) the day, change it, read it again: the change is there."""
    nine = next_weekday_at(9)
    room = RoomFactory()
    booker = UserFactory()
    pairs = [(room.pk, room.facility_id)]
    now = timezone.now()
    booking = ReservationFactory(room=room, start=nine, end=nine + 3 * HOUR)
    ten, eleven = nine + HOUR, nine + 2 * HOUR
    assert day_book(nine.date()).free(pairs, ten, eleven, now) == []
    twelve = nine + 3 * HOUR
    assert day_book(nine.date()).free(pairs, twelve, twelve + HOUR, now) == [room.pk]
    if change == "book":
        services.book(
            booker, room, start=twelve, end=twelve + HOUR, attendees=2, purpose="회의",
            company_name="주식회사 예시", contact_phone="010-1234-5678",
        )  # fmt: skip
        asked, expected = (twelve, twelve + HOUR), []
    elif change == "cancel":
        Reservation.objects.filter(pk=booking.pk).update(status=Status.CANCELLED)
        asked, expected = (ten, eleven), [room.pk]
    elif change == "release":
        Reservation.objects.filter(pk=booking.pk).update(released_at=ten)
        asked, expected = (ten, eleven), [room.pk]
    elif change == "close":
        ClosureFactory(facility=room.facility, start=twelve, end=twelve + HOUR)
        asked, expected = (twelve, twelve + HOUR), []
    else:
        OpeningHours.objects.filter(facility=room.facility).update(closes=datetime.time(12))
        asked, expected = (twelve, twelve + HOUR), []
    assert day_book(nine.date()).free(pairs, *asked, now) == expected


def test_the_day_is_read_from_the_cache_while_nothing_changes(django_assert_num_queries):
    nine = next_weekday_at(9)
    room = RoomFactory()
    ReservationFactory(room=room, start=nine, end=nine + HOUR)
    day_book(nine.date())
    with django_assert_num_queries(1):
        book = day_book(nine.date())
    assert book.held[room.pk]


def test_after_a_booking_the_countrys_day_rereads_that_rooms_part_alone(
    django_assert_num_queries,
):
    nine = next_weekday_at(9)
    rooms = [RoomFactory() for _ in range(3)]
    ReservationFactory(room=rooms[1], start=nine, end=nine + HOUR)
    before = day_book(nine.date())
    ReservationFactory(room=rooms[0], start=nine + HOUR, end=nine + 2 * HOUR)
    with django_assert_num_queries(2) as read:  # the stamps, and the one part's bookings
        after = day_book(nine.date())
    assert "rooms_openinghours" not in read.captured_queries[1]["sql"]
    assert after.held == {**before.held, rooms[0].pk: after.slots(nine + HOUR, nine + 2 * HOUR)}
    assert after.hours == before.hours
    assert after.held == DayBook.read(nine.date()).held


def test_a_few_rooms_are_taken_from_their_parts_of_the_cached_day(django_assert_num_queries):
    nine = next_weekday_at(9)
    room, other = RoomFactory(), RoomFactory()
    day_book(nine.date())
    ReservationFactory(room=other, start=nine, end=nine + HOUR)
    with django_assert_num_queries(1):  # the stamps: the room's part did not change
        few = day_book(nine.date(), pairs=[(room.pk, room.facility_id)])
    assert room.facility_id in few.hours and other.pk not in few.held


def test_a_few_rooms_of_a_day_out_of_date_read_their_rooms_part_and_keep_it_for_all(
    django_assert_num_queries,
):
    nine = next_weekday_at(9)
    room, other = RoomFactory(), RoomFactory()
    day_book(nine.date())
    ReservationFactory(room=room, start=nine, end=nine + HOUR)
    with django_assert_num_queries(2):  # the stamps, and the room's part
        few = day_book(nine.date(), pairs=[(room.pk, room.facility_id)])
    assert few.held[room.pk] and other.pk not in few.held
    with django_assert_num_queries(1):  # the stamps: the country's day is all in the cache
        country = day_book(nine.date())
    assert country.held == DayBook.read(nine.date()).held
    assert set(country.hours) == {room.facility_id, other.facility_id}


def test_a_day_no_one_read_yet_is_read_whole_in_three_statements_and_kept(
    django_assert_num_queries,
):
    nine = next_weekday_at(9)
    rooms = [RoomFactory() for _ in range(3)]
    for room in rooms:
        ReservationFactory(room=room, start=nine, end=nine + HOUR)
    pairs = [(room.pk, room.facility_id) for room in rooms]
    day_stamps(nine.date())
    with django_assert_num_queries(4):  # the stamps; the hours, the closures, the bookings
        few = day_book(nine.date(), pairs=pairs)
    assert set(few.held) == {room.pk for room in rooms}
    with django_assert_num_queries(1):
        assert day_book(nine.date(), pairs=pairs).held == few.held


def test_free_rooms_of_the_day_book_are_those_whose_schedule_is_free():
    """`DayBook.free`, worked out on seconds, answers what each room's DaySchedule does, for
    bookings approved, pending (which lapse at their start), released early, closures of a
    site or one room, a site that opens late, and moments before and during the day."""
    rng = random.Random(1202)
    nine = next_weekday_at(9)
    rooms = [RoomFactory() for _ in range(4)]
    rooms.append(RoomFactory(facility=rooms[0].facility, name="소회의실"))
    late = RoomFactory(
        facility__opening_hours=[(d, datetime.time(13), datetime.time(18)) for d in range(7)]
    )
    rooms.append(late)
    taken = []
    while len(taken) < 14:
        room = rng.choice(rooms)
        start = nine + datetime.timedelta(minutes=30 * rng.randrange(0, 17))
        end = start + datetime.timedelta(minutes=30 * rng.randrange(1, 4))
        if any(other == room and s < end and e > start for other, s, e in taken):
            continue
        taken.append((room, start, end))
        status = rng.choice([Status.APPROVED, Status.PENDING, Status.CANCELLED])
        released = rng.choice([None, start + datetime.timedelta(minutes=rng.randrange(1, 29))])
        ReservationFactory(room=room, start=start, end=end, status=status, released_at=released)
    ClosureFactory(facility=rooms[1].facility, start=nine + 2 * HOUR, end=nine + 3 * HOUR)
    ClosureFactory(facility=rooms[0].facility, room=rooms[4], start=nine, end=nine + 9 * HOUR)
    pairs = [(room.pk, room.facility_id) for room in rooms]
    book = DayBook.read(nine.date())
    for _ in range(300):
        start = nine + datetime.timedelta(minutes=30 * rng.randrange(-2, 18))
        end = start + datetime.timedelta(minutes=30 * rng.randrange(1, 6))
        now = nine + datetime.timedelta(minutes=rng.randrange(-600, 540, 7))
        days = book.schedules(pairs, now)
        expected = [pk for pk, _facility in pairs if days[pk].is_free(start, end)]
        assert book.free(pairs, start, end, now) == expected, (start, end, now)


@pytest.mark.parametrize("change", ["room", "site", "district", "region", "new room", "delete"])
def test_any_change_of_the_registry_stamps_it(change):
    room = RoomFactory()
    before = stamp(ScheduleVersion.REGISTRY)
    if change == "room":
        type(room).objects.filter(pk=room.pk).update(capacity=7)
    elif change == "site":
        room.facility.address = "서울특별시 종로구 세종대로 1"
        room.facility.save()
    elif change == "district":
        type(room.facility.district).objects.filter(pk=room.facility.district_id).update(
            name_en="Renamed"
        )
    elif change == "region":
        region = room.facility.district.region
        type(region).objects.filter(pk=region.pk).update(name_en="Renamed")
    elif change == "new room":
        RoomFactory(facility=room.facility)
    else:
        room.delete()
    assert (stamp(ScheduleVersion.REGISTRY) or 0) > (before or 0)


def test_a_booking_leaves_the_registry_stamp_alone():
    room = RoomFactory()
    before = stamp(ScheduleVersion.REGISTRY)
    nine = next_weekday_at(9)
    ReservationFactory(room=room, start=nine, end=nine + HOUR)
    assert stamp(ScheduleVersion.REGISTRY) == before
