"""The admin index tells a manager how many bookings wait for their decision."""

import pytest
from django.urls import reverse

from reservations.models import Status
from tests.factories import ReservationFactory, next_weekday_at

pytestmark = pytest.mark.django_db

QUEUE_LINK = "/admin/reservations/reservation/?status__exact=pending"


def test_a_manager_sees_how_many_of_their_bookings_wait_with_a_link(
    client, scene, owner_manager, room_a
):
    ReservationFactory(room=room_a, status=Status.PENDING, start=next_weekday_at(15))
    ReservationFactory(room=room_a, status=Status.APPROVED, start=next_weekday_at(16))
    client.force_login(owner_manager)

    page = client.get(reverse("admin:index")).content.decode()

    assert f'href="{QUEUE_LINK}"' in page
    assert "2 bookings wait for your decision" in page


def test_a_manager_with_nothing_to_decide_is_told_so(client, owner_manager, facility_a):
    client.force_login(owner_manager)

    page = client.get(reverse("admin:index")).content.decode()

    assert "No booking waits for your decision." in page
    assert QUEUE_LINK not in page


def test_the_superuser_sees_every_pending_booking(client, scene, superuser):
    client.force_login(superuser)

    page = client.get(reverse("admin:index")).content.decode()

    assert "2 bookings wait for your decision" in page


def test_a_ministry_official_has_no_decision_queue(client, scene, ministry_official):
    client.force_login(ministry_official)

    page = client.get(reverse("admin:index")).content.decode()

    assert "pending-decisions" not in page


def test_the_index_speaks_korean_by_default(scene, owner_manager):
    from django.test import Client

    client = Client()
    client.force_login(owner_manager)

    page = client.get(reverse("admin:index")).content.decode()

    assert '<html lang="ko"' in page
    assert "1건의 예약이 결정을 기다리고 있습니다" in page
