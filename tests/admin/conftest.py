"""Who acts in the admin: the owner manager, another facility's manager, a ministry official,
an SME user and a superuser; and a small scene of two facilities with a room, a booking and
a closure each."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from accounts.roles import FACILITY_MANAGERS, MINISTRY_OFFICIALS
from reservations.models import Status
from tests.factories import (
    ClosureFactory,
    FacilityFactory,
    ReservationFactory,
    RoomFactory,
    UserFactory,
    next_weekday_at,
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Every test makes five users; the production hasher would spend seconds on them."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def client():
    """A browser asking for English, so that assertions read as the source strings do.

    Korean, the default, has its own tests."""
    return Client(headers={"Accept-Language": "en"})


def staff_in(group_name, **kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def owner_manager(db):
    return staff_in(FACILITY_MANAGERS, email="alpha.manager@example.com", name="알파 관리자")


@pytest.fixture
def other_manager(db):
    return staff_in(FACILITY_MANAGERS, email="bravo.manager@example.com", name="브라보 관리자")


@pytest.fixture
def ministry_official(db):
    return staff_in(MINISTRY_OFFICIALS, email="official@mss.example", name="중기부 담당자")


@pytest.fixture
def sme_user(db):
    return UserFactory(email="booker@sme.example", name="김예약", company="주식회사 알파")


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@boms.example", is_staff=True, is_superuser=True)


@pytest.fixture
def user_in_role(request):
    """The user of a role named by a parametrised test."""

    def get(role):
        return request.getfixturevalue(role)

    return get


@pytest.fixture
def facility_a(owner_manager):
    return FacilityFactory(
        name="Facility Alpha", code="ALPHA-1", requires_approval=True, managers=[owner_manager]
    )


@pytest.fixture
def facility_b(other_manager):
    return FacilityFactory(
        name="Facility Bravo", code="BRAVO-1", requires_approval=True, managers=[other_manager]
    )


@pytest.fixture
def room_a(facility_a):
    return RoomFactory(facility=facility_a, name="Room Alpha")


@pytest.fixture
def room_b(facility_b):
    return RoomFactory(facility=facility_b, name="Room Bravo")


@pytest.fixture
def booking_a(room_a, sme_user):
    return ReservationFactory(
        room=room_a,
        booked_by=sme_user,
        status=Status.PENDING,
        purpose="Alpha meeting",
        start=next_weekday_at(10, days_ahead=2),
    )


@pytest.fixture
def booking_b(room_b, sme_user):
    return ReservationFactory(
        room=room_b,
        booked_by=sme_user,
        status=Status.PENDING,
        purpose="Bravo meeting",
        start=next_weekday_at(10, days_ahead=2),
    )


@pytest.fixture
def closure_a(facility_a):
    return ClosureFactory(
        facility=facility_a, reason="Alpha maintenance", start=next_weekday_at(9, days_ahead=20)
    )


@pytest.fixture
def closure_b(facility_b):
    return ClosureFactory(
        facility=facility_b, reason="Bravo maintenance", start=next_weekday_at(9, days_ahead=20)
    )


@pytest.fixture
def scene(facility_a, facility_b, room_a, room_b, booking_a, booking_b, closure_a, closure_b):
    """Both facilities with a room, a pending booking and a closure each."""
    return {
        "facility_a": facility_a,
        "facility_b": facility_b,
        "room_a": room_a,
        "room_b": room_b,
        "booking_a": booking_a,
        "booking_b": booking_b,
        "closure_a": closure_a,
        "closure_b": closure_b,
    }
