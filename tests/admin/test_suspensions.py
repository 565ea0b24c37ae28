"""Standing and suspensions in the admin: managers and officials see a booker's standing on the
booking page; only a superuser lifts a suspension, with a reason that is kept; check-in at the
front desk."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from reservations.models import Reservation, Status, Suspension
from tests.factories import ReservationFactory, next_weekday_at

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def suspension(sme_user, room_a):
    now = timezone.now()
    for days in (1, 2, 3):
        start = now - days * DAY
        ReservationFactory(
            room=room_a, booked_by=sme_user, status=Status.NO_SHOW, start=start,
            end=start + datetime.timedelta(hours=1), released_at=start,
        )  # fmt: skip
    return Suspension.objects.create(
        user=sme_user, starts_at=now - DAY, ends_at=now + 13 * DAY, no_shows=3
    )


@pytest.mark.parametrize("role", ["owner_manager", "ministry_official", "superuser"])
def test_the_booking_page_shows_the_bookers_standing(
    client, user_in_role, role, booking_a, suspension
):
    client.force_login(user_in_role(role))

    page = client.get(
        reverse("admin:reservations_reservation_change", args=[booking_a.pk])
    ).content.decode()

    assert "3 no-shows in the last 90 days; no new bookings until" in page
    assert booking_a.code in page


def lift(client, suspension, reason):
    return client.post(
        reverse("admin:reservations_suspension_changelist"),
        {
            "action": "lift_selected",
            "_selected_action": [suspension.pk],
            "_confirm": "yes",
            "reason": reason,
        },  # fmt: skip
        follow=True,
    )


def test_a_superuser_lifts_a_suspension_with_a_reason_and_it_is_kept(client, superuser, suspension):
    client.force_login(superuser)
    asked = client.post(
        reverse("admin:reservations_suspension_changelist"),
        {"action": "lift_selected", "_selected_action": [suspension.pk]},
    )
    assert "Give the reason for lifting" in asked.content.decode()

    response = lift(client, suspension, "The door lock was broken that week.")

    assert "1 suspension lifted." in response.content.decode()
    suspension.refresh_from_db()
    assert suspension.lifted_by == superuser and suspension.lifted_at is not None
    assert suspension.lift_reason == "The door lock was broken that week."


def test_without_a_reason_nothing_is_lifted(client, superuser, suspension):
    client.force_login(superuser)

    response = lift(client, suspension, "")

    assert response.status_code == 200
    assert Suspension.objects.get(pk=suspension.pk).lifted_at is None


@pytest.mark.parametrize("role", ["owner_manager", "ministry_official", "sme_user"])
def test_nobody_but_a_superuser_reaches_suspensions(client, user_in_role, role, suspension):
    client.force_login(user_in_role(role))

    response = lift(client, suspension, "reason")

    assert response.status_code in (403, 200)
    assert Suspension.objects.get(pk=suspension.pk).lifted_at is None
    changelist = client.get(reverse("admin:reservations_suspension_changelist"))
    assert changelist.status_code in (302, 403)


def test_a_manager_checks_a_booker_in_at_the_front_desk(client, owner_manager, room_a, sme_user):
    start = next_weekday_at(10)
    booking = ReservationFactory(room=room_a, booked_by=sme_user, start=start)
    client.force_login(owner_manager)
    with time_machine.travel(start, tick=False):
        client.force_login(owner_manager)
        page = client.get(
            reverse("admin:reservations_reservation_change", args=[booking.pk])
        ).content.decode()
        assert "check_in_selected" in page
        client.post(
            reverse("admin:reservations_reservation_changelist"),
            {"action": "check_in_selected", "_selected_action": [booking.pk], "index": 0},
        )

    assert Reservation.objects.get(pk=booking.pk).checked_in_at == start
