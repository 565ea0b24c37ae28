"""The admin's first page is the manager's landing page: their facilities' month in figures
(as the dashboard declares them) and today's board, above the admin's own index."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from reservations.models import Status
from tests.factories import ReservationFactory, RoomFactory

pytestmark = pytest.mark.django_db

# A Wednesday in a month without public holidays after it.
TODAY = datetime.datetime(2026, 11, 18, 8, 0, tzinfo=datetime.UTC)


def at(day, hour):
    return timezone.make_aware(datetime.datetime(2026, 11, day, hour))


def figures_of(response):
    return {str(label): value for label, value in response.context["figures"]}


@time_machine.travel(TODAY, tick=False)
def test_a_manager_sees_the_months_figures_of_their_own_facilities_only(
    client, owner_manager, room_a, room_b
):
    ReservationFactory(room=room_a, status=Status.APPROVED, start=at(19, 10), end=at(19, 12))
    ReservationFactory(room=room_a, status=Status.PENDING, start=at(20, 10), end=at(20, 11))
    ReservationFactory(room=room_a, status=Status.NO_SHOW, start=at(16, 10), end=at(16, 11))
    ReservationFactory(room=room_a, status=Status.APPROVED, start=at(19, 10) + datetime.timedelta(days=30), end=at(19, 11) + datetime.timedelta(days=30))  # fmt: skip
    for hour in (9, 10, 11, 12, 13):
        ReservationFactory(room=room_b, status=Status.PENDING, start=at(19, hour), end=at(19, hour) + datetime.timedelta(hours=1))  # fmt: skip
    client.force_login(owner_manager)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    figures = figures_of(response)
    assert figures["Bookings"] == "3"
    assert figures["Pending"] == "1"
    assert figures["No-shows"] == "1"
    # 3 booked hours (approved and no-show) over 21 weekdays of 9 hours in November 2026.
    assert figures["Utilisation"] == "1.6%"
    page = response.content.decode()
    assert "Your facilities in 2026-11" in page


@time_machine.travel(TODAY, tick=False)
def test_the_landing_page_shows_todays_board_of_the_managers_rooms(
    client, owner_manager, room_a, room_b
):
    client.force_login(owner_manager)

    response = client.get(reverse("admin:index"))

    assert response.context["day"] == datetime.date(2026, 11, 18)
    assert [row.room for row in response.context["board"].rows] == [room_a]
    page = response.content.decode()
    assert 'id="board"' in page
    assert "Room Bravo" not in page
    # The admin's own index is still there, with the queue of decisions.
    assert 'id="pending-decisions"' in page
    assert "app-reservations" in page


@pytest.mark.parametrize("role", ["superuser", "ministry_official"])
def test_staff_who_read_every_facility_choose_one_and_see_no_managers_figures(
    client, scene, user_in_role, role
):
    client.force_login(user_in_role(role))

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert "figures" not in response.context
    assert response.context["board"] is None
    assert 'name="facility"' in response.content.decode()


def test_the_landing_page_is_read_in_a_bounded_number_of_queries(
    client, owner_manager, room_a, django_assert_max_num_queries
):
    for _ in range(5):
        RoomFactory(facility=room_a.facility)
    client.force_login(owner_manager)
    client.get(reverse("admin:index"))

    with django_assert_max_num_queries(30):
        client.get(reverse("admin:index"))


def test_the_landing_page_needs_the_admins_sign_in(client, sme_user):
    assert client.get(reverse("admin:index")).status_code == 302
    client.force_login(sme_user)
    assert client.get(reverse("admin:index")).status_code == 302
