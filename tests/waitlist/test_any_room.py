"""Entries for "any room matching my search" get the first matching room that frees up, and
never two offers at once."""

import pytest

from reservations.models import Reservation
from reservations.services import book, cancel
from tests.factories import (
    DistrictFactory,
    RegionFactory,
    RoomFactory,
    UserFactory,
    next_weekday_at,
)
from tests.waitlist.conftest import HOUR
from waitlist import services
from waitlist.models import EntryStatus
from waitlist.services import Wish

pytestmark = pytest.mark.django_db


@pytest.fixture
def district():
    return DistrictFactory()


def wish(district, start, **fields):
    fields.setdefault("region_id", district.region_id)
    return Wish(start=start, end=start + HOUR, attendees=4, purpose="아무 회의실", **fields)


def taken(room, start):
    return book(UserFactory(), room, start, start + HOUR, attendees=2, purpose="먼저")


def test_the_first_matching_room_that_frees_up_is_offered_and_no_second_one(
    district, django_capture_on_commit_callbacks
):
    start = next_weekday_at(10)
    first_room = RoomFactory(facility__district=district)
    second_room = RoomFactory(facility__district=district)
    bookings = [taken(first_room, start), taken(second_room, start)]
    user = UserFactory()
    entry = services.join(user, wish(district, start))
    with django_capture_on_commit_callbacks(execute=True):
        cancel(bookings[0].booked_by, bookings[0])
    entry.refresh_from_db()
    assert entry.status == EntryStatus.OFFERED and entry.hold.room == first_room
    with django_capture_on_commit_callbacks(execute=True):
        cancel(bookings[1].booked_by, bookings[1])
    entry.refresh_from_db()
    assert entry.hold.room == first_room
    assert Reservation.objects.offers().count() == 1


def test_two_rooms_freed_together_make_one_offer(district, django_capture_on_commit_callbacks):
    start = next_weekday_at(10)
    rooms = RoomFactory.create_batch(2, facility__district=district)
    entry = services.join(UserFactory(), wish(district, start))
    offers = services.offer_freed_time([room.pk for room in rooms], start, start + HOUR)
    assert offers == [entry] or [o.pk for o in offers] == [entry.pk]
    assert Reservation.objects.offers().count() == 1


def test_rooms_that_do_not_match_the_search_are_not_offered(
    district, django_capture_on_commit_callbacks
):
    start = next_weekday_at(10)
    other_region = RoomFactory(
        facility__district=DistrictFactory(
            region=RegionFactory(code="26", slug="busan", name_ko="부산", name_en="Busan", order=2)
        )
    )
    too_small = RoomFactory(facility__district=district, capacity=2)
    no_streaming = RoomFactory(facility__district=district)
    other_district = RoomFactory(facility__district=DistrictFactory(region=district.region))
    services.join(
        UserFactory(),
        wish(district, start, district_id=district.pk, kind="standard", equipment=["streaming"]),
    )
    rooms = [other_region, too_small, no_streaming, other_district]
    assert services.offer_freed_time([r.pk for r in rooms], start, start + HOUR) == []
    streaming = RoomFactory(facility__district=district, has_streaming=True)
    assert len(services.offer_freed_time([streaming.pk], start, start + HOUR)) == 1


def test_room_entries_and_any_room_entries_share_one_line_by_join_time(district):
    start = next_weekday_at(10)
    room = RoomFactory(facility__district=district)
    booking = taken(room, start)
    any_room = services.join(UserFactory(), wish(district, start))
    this_room = services.join(UserFactory(), wish(district, start, room=room))
    Reservation.objects.filter(pk=booking.pk).update(status="cancelled")
    (offered,) = services.offer_freed_time([room.pk], start, start + HOUR)
    assert offered.pk == any_room.pk
    this_room.refresh_from_db()
    assert this_room.status == EntryStatus.WAITING


def test_an_any_room_entry_needs_a_region():
    from reservations.rules import BookingError

    with pytest.raises(BookingError) as refused:
        services.join(
            UserFactory(),
            Wish(start=next_weekday_at(10), end=next_weekday_at(11), attendees=2, purpose="x"),
        )
    assert refused.value.code == "no_region"


def test_an_any_room_entry_on_a_holiday_is_refused(district):
    import datetime

    from django.utils import timezone

    from reservations.rules import BookingError

    today = timezone.localdate()
    christmas = datetime.date(today.year + (today.month == 12 and today.day >= 25), 12, 25)
    start = timezone.make_aware(datetime.datetime.combine(christmas, datetime.time(10)))
    with pytest.raises(BookingError) as refused:
        services.join(UserFactory(), wish(district, start))
    assert refused.value.code == "holiday"
