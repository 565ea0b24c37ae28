"""Demo activity: months of bookings at every site for `make run`, written once, never over data."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F, Sum
from django.utils import timezone, translation

from accounts.models import User
from accounts.validators import business_number_is_valid
from dashboard.models import RoomDay
from reservations.models import ACTIVE_STATUSES, Reservation, Status
from rooms.management.commands.load_demo import MANAGED_SITES
from tests.factories import FacilityFactory, HallFactory, ReservationFactory, RoomFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_sites():
    rooms = [RoomFactory(facility=FacilityFactory(code=code)) for code in MANAGED_SITES[:3]]
    rooms.append(HallFactory(facility__code="HALL-1"))
    rooms += RoomFactory.create_batch(3)
    call_command("load_demo", stdout=io.StringIO())
    return rooms


def test_every_room_gets_bookings_that_never_overlap(demo_sites):
    call_command("load_demo_activity", stdout=io.StringIO())
    assert Reservation.objects.count() > 50
    for room in demo_sites:
        active = list(room.reservations.filter(status__in=ACTIVE_STATUSES).order_by("start"))
        assert active, room
        assert all(a.end <= b.start for a, b in zip(active, active[1:], strict=False))
    assert not Reservation.objects.filter(created_at__gte=F("start")).exists()
    assert not Reservation.objects.filter(decided_at__lt=F("created_at")).exists()
    approved = Reservation.objects.filter(status=Status.APPROVED).count()
    assert RoomDay.objects.aggregate(n=Sum("approved"))["n"] == approved


def test_the_demo_user_has_a_past_an_upcoming_and_a_pending_hall_booking(demo_sites):
    call_command("load_demo_activity", stdout=io.StringIO())
    demo = User.objects.get(email="demo@boms.example")
    now = timezone.now()
    own = list(demo.reservations.order_by("start"))
    assert [(r.start < now, r.status, r.room.kind) for r in own] == [
        (True, Status.APPROVED, "standard"),
        (False, Status.APPROVED, "standard"),
        (False, Status.PENDING, "hall"),
    ]
    assert own[2].room.facility.code in MANAGED_SITES


def test_the_demo_companies_staff_cannot_sign_in_and_have_valid_business_numbers(demo_sites):
    call_command("load_demo_activity", stdout=io.StringIO())
    staff = User.objects.filter(email__startswith="demo-company-")
    assert staff.count() == 40
    assert not any(user.has_usable_password() for user in staff)
    assert all(business_number_is_valid(user.business_number) for user in staff)
    assert Reservation.objects.exclude(booked_by__in=staff).count() == 3


def test_a_second_run_changes_nothing(demo_sites, capsys):
    call_command("load_demo_activity")
    count = Reservation.objects.count()
    with translation.override("en"):
        call_command("load_demo_activity")
    assert "left as it is" in capsys.readouterr().out
    assert Reservation.objects.count() == count


def test_a_database_with_real_bookings_is_left_alone(demo_sites):
    ReservationFactory(room=demo_sites[-1])
    call_command("load_demo_activity", stdout=io.StringIO())
    assert Reservation.objects.count() == 1
    assert not User.objects.filter(email__startswith="demo-company-").exists()


def test_without_the_demo_accounts_it_says_what_to_run_first():
    RoomFactory()
    with translation.override("en"), pytest.raises(CommandError, match="load_demo"):
        call_command("load_demo_activity")
    assert not Reservation.objects.exists()
