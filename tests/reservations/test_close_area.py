"""Closing every site of a region, a district or the country (services.close_area): only the
area's bookings in the period are cancelled, each booker told; nothing outside is touched."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.roles import FACILITY_MANAGERS, MINISTRY_OFFICIALS
from reservations import services
from reservations.models import Status
from rooms.models import AreaClosure, Closure
from tests.factories import (
    DistrictFactory,
    FacilityFactory,
    RegionFactory,
    ReservationFactory,
    RoomFactory,
    UserFactory,
    next_weekday_at,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def official():
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=MINISTRY_OFFICIALS))
    return user


@pytest.fixture
def seoul():
    return RegionFactory(code="11", slug="seoul", name_ko="서울", name_en="Seoul")


@pytest.fixture
def busan():
    return RegionFactory(
        code="26", slug="busan", name_ko="부산", name_en="Busan", order=2, source_site_count=84
    )


@pytest.fixture
def typhoon_day():
    start = next_weekday_at(0, days_ahead=3)
    return start, start + datetime.timedelta(days=1)


def booking_in(region, start, status=Status.APPROVED, district=None):
    district = district or DistrictFactory(region=region)
    room = RoomFactory(facility=FacilityFactory(district=district))
    return ReservationFactory(room=room, start=start, status=status)


def test_a_region_wide_closure_cancels_with_notice_only_the_regions_bookings_in_the_period(
    official, seoul, busan, typhoon_day, mailoutbox, django_capture_on_commit_callbacks
):
    start, end = typhoon_day
    approved = booking_in(seoul, start + datetime.timedelta(hours=10))
    pending = booking_in(seoul, start + datetime.timedelta(hours=14), status=Status.PENDING)
    elsewhere = booking_in(busan, start + datetime.timedelta(hours=10))
    day_after = booking_in(seoul, end + datetime.timedelta(hours=10))
    area = AreaClosure(region=seoul, start=start, end=end, reason="태풍 북상")

    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.close_area(official, area)

    assert {b.pk for b in outcome.cancelled} == {approved.pk, pending.pk}
    assert outcome.sites == 3  # the three Seoul sites; Busan's is not closed
    for booking in (approved, pending):
        booking.refresh_from_db()
        assert booking.status == Status.CANCELLED
        assert booking.decision_note == "태풍 북상"
        event = booking.events.get()
        assert (event.actor, event.to_status, event.note) == (
            official,
            Status.CANCELLED,
            "태풍 북상",
        )
    for booking in (elsewhere, day_after):
        booking.refresh_from_db()
        assert booking.status == Status.APPROVED
        assert not booking.events.exists()
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(
        [approved.booked_by.email, pending.booked_by.email]
    )
    assert all("태풍 북상" in mail.body for mail in mailoutbox)
    closures = Closure.objects.filter(area_closure=area)
    assert closures.count() == 3
    assert not Closure.objects.exclude(area_closure=area).exists()
    assert {c.facility.district.region_id for c in closures} == {seoul.pk}


def test_a_district_closure_leaves_the_rest_of_the_region_open(
    official, seoul, typhoon_day, django_capture_on_commit_callbacks
):
    start, end = typhoon_day
    gangnam, jongno = DistrictFactory(region=seoul), DistrictFactory(region=seoul)
    inside = booking_in(seoul, start + datetime.timedelta(hours=10), district=gangnam)
    outside = booking_in(seoul, start + datetime.timedelta(hours=10), district=jongno)

    outcome = services.close_area(
        official, AreaClosure(district=gangnam, start=start, end=end, reason="침수")
    )

    assert [b.pk for b in outcome.cancelled] == [inside.pk]
    outside.refresh_from_db()
    assert outside.status == Status.APPROVED
    assert outcome.sites == 1


def test_a_country_wide_closure_closes_every_site_in_a_fixed_number_of_queries(
    official, seoul, busan, typhoon_day, django_assert_max_num_queries
):
    start, end = typhoon_day
    bookings = [booking_in(region, start + datetime.timedelta(hours=9 + i % 8))
                for i, region in enumerate([seoul, busan] * 6)]  # fmt: skip
    area = AreaClosure(start=start, end=end, reason="임시 공휴일")

    # Savepoint, area, locks, sites, closures, bookings, update, events, the task, and the
    # permission's group lookup: the same for 12 bookings as for 12,000.
    with django_assert_max_num_queries(14):
        outcome = services.close_area(official, area)

    assert len(outcome.cancelled) == len(bookings) == 12
    assert outcome.sites == 12


def test_meetings_already_over_are_never_cancelled(
    official, seoul, django_capture_on_commit_callbacks
):
    now = timezone.now()
    held = booking_in(seoul, now - datetime.timedelta(hours=3))
    area = AreaClosure(
        region=seoul, start=now - datetime.timedelta(days=1), end=now + datetime.timedelta(days=1),
        reason="정전",
    )  # fmt: skip

    outcome = services.close_area(official, area)

    assert outcome.cancelled == []
    held.refresh_from_db()
    assert held.status == Status.APPROVED


@pytest.mark.parametrize("role", ["manager", "sme"])
def test_only_officials_and_superusers_close_an_area(role, seoul, typhoon_day):
    user = UserFactory(is_staff=role == "manager")
    if role == "manager":
        user.groups.add(Group.objects.get(name=FACILITY_MANAGERS))
    start, end = typhoon_day
    booking = booking_in(seoul, start + datetime.timedelta(hours=10))

    with pytest.raises(PermissionDenied):
        services.close_area(user, AreaClosure(region=seoul, start=start, end=end, reason="x"))

    assert not AreaClosure.objects.exists()
    booking.refresh_from_db()
    assert booking.status == Status.APPROVED
