"""A small scene whose figures are worked out by hand in the tests.

Region 서울 holds two districts. In May 2026 (18 working weekdays: 1, 5 and 25 May are
public holidays, 5 Saturdays):

- site A in district 1: open Mon–Fri 09–18 (9 h), one standard room. A whole-site closure on
  Tue 12 May 13:00–20:00 takes 5 h of opening hours → 18 × 9 − 5 = 157 open hours.
  Bookings: approved 4 May 10–12, 12 May 09–11, 20 May 14:00–15:30 (5.5 h); one cancelled,
  one rejected, one pending. Decisions after 2 h, 4 h (approvals) and 10 h (the rejection).
- site B in district 2: open Mon–Fri 10–14 and Sat 10–12 → 18 × 4 + 5 × 2 = 82 open hours;
  a booth booked (approved) Sat 9 May 10–12, decided after 1 h.
- a June booking at site A, outside the period.
Companies: A's approved bookings come from two users of one business; B's from another.
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from accounts.roles import FACILITY_MANAGERS, MINISTRY_OFFICIALS
from reservations.models import Reservation, Status
from tests.factories import (
    BoothFactory,
    ClosureFactory,
    DistrictFactory,
    FacilityFactory,
    RegionFactory,
    ReservationFactory,
    RoomFactory,
    UserFactory,
)

MAY = {"period": "custom", "start": "2026-05-01", "end": "2026-05-31"}
# A dashboard page's statements: session, user, device and groups (4); registry, hours,
# closures, bookings, decisions and people served (≤ 11); unmet demand (one per event model:
# searches and refusals, waitlists: 2); the weekday × hour chart (2, past days cached); the
# shortage ranking of districts (≤ 7: its events, one per event model).
QUERY_BUDGET = 26
TODAY = datetime.date(2026, 6, 15)


def at(month, day, hour, minute=0):
    return timezone.make_aware(datetime.datetime(2026, month, day, hour, minute))


def booking(room, user, start, end, status=Status.APPROVED, decided_after=None):
    reservation = ReservationFactory(room=room, booked_by=user, start=start, end=end, status=status)
    requested = start - datetime.timedelta(days=3)
    decided = requested + decided_after if decided_after else None
    Reservation.objects.filter(pk=reservation.pk).update(created_at=requested, decided_at=decided)
    return reservation


@pytest.fixture
def scene(db):
    region = RegionFactory()
    first, second = DistrictFactory(region=region), DistrictFactory(region=region)
    site_a = FacilityFactory(district=first, code="SITE-A")
    site_b = FacilityFactory(
        district=second,
        code="SITE-B",
        opening_hours=[
            *((day, datetime.time(10), datetime.time(14)) for day in range(5)),
            (5, datetime.time(10), datetime.time(12)),
        ],
    )
    room_a = RoomFactory(facility=site_a)
    booth_b = BoothFactory(facility=site_b)
    same_business = UserFactory(business_number="1208147521")
    colleague = UserFactory(business_number="1208147521")
    other_business = UserFactory(business_number="2148135247")
    hours = datetime.timedelta(hours=1)
    booking(room_a, same_business, at(5, 4, 10), at(5, 4, 12), decided_after=2 * hours)
    booking(room_a, colleague, at(5, 12, 9), at(5, 12, 11), decided_after=4 * hours)
    booking(room_a, same_business, at(5, 20, 14), at(5, 20, 15, 30))
    booking(room_a, same_business, at(5, 6, 10), at(5, 6, 11), Status.CANCELLED)
    booking(room_a, other_business, at(5, 7, 10), at(5, 7, 11), Status.REJECTED, 10 * hours)
    booking(room_a, other_business, at(5, 28, 10), at(5, 28, 11), Status.PENDING)
    booking(booth_b, other_business, at(5, 9, 10), at(5, 9, 12), decided_after=hours)
    booking(room_a, same_business, at(6, 1, 10), at(6, 1, 12))
    ClosureFactory(facility=site_a, start=at(5, 12, 13), end=at(5, 12, 20))
    return {
        "region": region,
        "districts": (first, second),
        "sites": (site_a, site_b),
        "rooms": (room_a, booth_b),
    }


@pytest.fixture
def official(db):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=MINISTRY_OFFICIALS))
    return user


@pytest.fixture
def manager(db):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=FACILITY_MANAGERS))
    return user


@pytest.fixture
def official_client(official):
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(official)
    return client
