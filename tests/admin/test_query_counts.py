"""Changelists and pages cost a fixed number of queries, however many rows they show."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from reservations.models import Reservation, Status
from rooms.models import Facility
from tests.factories import (
    ClosureFactory,
    FacilityFactory,
    ReservationFactory,
    RoomFactory,
    UserFactory,
    next_weekday_at,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_alpha(owner_manager):
    """Twelve facilities managed by the owner, each with two rooms, six bookings and a closure:
    enough rows for an N+1 query to show."""
    for index in range(12):
        facility = FacilityFactory(managers=[owner_manager])
        for _room in range(2):
            room = RoomFactory(facility=facility)
            for hour in (9, 11, 13):
                ReservationFactory(
                    room=room,
                    booked_by=UserFactory(),
                    status=Status.PENDING if hour == 9 else Status.APPROVED,
                    start=next_weekday_at(hour, days_ahead=1 + index),
                )
        ClosureFactory(facility=facility, start=next_weekday_at(9, days_ahead=40 + index))


# Each includes two reads every staff request makes: the second-factor device, which django-otp
# reads per request, and the session, which the default settings keep in the database
# (production reads it through Redis, CACHE_URL, and saves that one).
@pytest.mark.parametrize(
    "url_name, max_queries",
    [
        ("admin:reservations_reservation_changelist", 13),
        ("admin:rooms_room_changelist", 11),
        ("admin:rooms_facility_changelist", 10),
        ("admin:rooms_closure_changelist", 13),
    ],
)
@pytest.mark.parametrize("role", ["owner_manager", "superuser"])
def test_changelists_take_a_bounded_number_of_queries(
    client, busy_alpha, user_in_role, django_assert_max_num_queries, url_name, max_queries, role
):
    client.force_login(user_in_role(role))

    with django_assert_max_num_queries(max_queries):
        response = client.get(reverse(url_name))

    assert response.status_code == 200


# The manager's landing page adds today's board (four reads) and the month's figures (the
# dashboard's report of their facilities, eight); a superuser first chooses a facility.
@pytest.mark.parametrize("role, max_queries", [("owner_manager", 20), ("superuser", 8)])
def test_the_landing_page_takes_a_bounded_number_of_queries(
    client, busy_alpha, user_in_role, django_assert_max_num_queries, role, max_queries
):
    client.force_login(user_in_role(role))

    with django_assert_max_num_queries(max_queries):
        response = client.get(reverse("admin:index"))

    assert response.status_code == 200


def test_the_booking_page_takes_a_bounded_number_of_queries(
    client, busy_alpha, owner_manager, django_assert_max_num_queries
):
    booking = Reservation.objects.first()
    client.force_login(owner_manager)
    # A running process has read the content type before (Django keeps it); run alone, this
    # test would otherwise count that first read too.
    ContentType.objects.get_for_model(Reservation)

    # With the device and the session, as above; two of them read the booker's standing.
    with django_assert_max_num_queries(11):
        response = client.get(reverse("admin:reservations_reservation_change", args=[booking.pk]))

    assert response.status_code == 200


def test_the_facility_page_takes_a_bounded_number_of_queries(
    client, busy_alpha, owner_manager, django_assert_max_num_queries
):
    facility = Facility.objects.first()
    client.force_login(owner_manager)

    # With the device and the session, as above, and the photos with their room choices.
    with django_assert_max_num_queries(16):
        response = client.get(reverse("admin:rooms_facility_change", args=[facility.pk]))

    assert response.status_code == 200
