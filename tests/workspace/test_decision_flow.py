"""After a decision the manager is back where they came from: the queue of pending bookings
(oldest first, with their waiting time), or the board."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reservations.models import Reservation, Status
from tests.factories import ReservationFactory, next_weekday_at

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/reservations/reservation/"
QUEUE = f"{CHANGELIST}?status__exact=pending"


def change_url(booking):
    return reverse("admin:reservations_reservation_change", args=[booking.pk])


def test_a_booking_opened_from_the_queue_decides_back_into_the_queue(
    client, owner_manager, booking_a
):
    client.force_login(owner_manager)

    page = client.get(
        change_url(booking_a), {"_changelist_filters": "status__exact=pending"}
    ).content.decode()
    assert f'action="{QUEUE}"' in page

    response = client.post(
        QUEUE, {"action": "approve_selected", "index": 0, "_selected_action": [booking_a.pk]}
    )

    assert response.status_code == 302
    assert response.url == QUEUE
    booking_a.refresh_from_db()
    assert booking_a.status == Status.APPROVED


def test_a_booking_opened_from_the_board_decides_back_to_the_board(
    client, owner_manager, booking_a
):
    board = f"/admin/board/?date={booking_a.start.date().isoformat()}"
    client.force_login(owner_manager)

    page = client.get(change_url(booking_a), {"next": board}).content.decode()
    assert f'name="next" value="{board.replace("&", "&amp;")}"' in page

    asked = client.post(
        CHANGELIST,
        {
            "action": "reject_selected",
            "index": 0,
            "_selected_action": [booking_a.pk],
            "next": board,
        },
    )
    assert f'name="next" value="{board}"' in asked.content.decode()
    done = client.post(
        CHANGELIST,
        {
            "action": "reject_selected",
            "index": 0,
            "_selected_action": [booking_a.pk],
            "_confirm": "yes",
            "reason": "The hall is closed that day",
            "next": board,
        },
    )

    assert done.status_code == 302
    assert done.url == board
    booking_a.refresh_from_db()
    assert booking_a.status == Status.REJECTED


def test_a_next_page_on_another_site_is_ignored(client, owner_manager, booking_a):
    client.force_login(owner_manager)

    page = client.get(change_url(booking_a), {"next": "https://evil.example/"}).content.decode()
    response = client.post(
        CHANGELIST,
        {
            "action": "approve_selected",
            "index": 0,
            "_selected_action": [booking_a.pk],
            "next": "https://evil.example/",
        },
    )

    assert 'value="https://evil.example/"' not in page
    assert response.url == CHANGELIST


def test_the_queue_lists_the_longest_waiting_first_with_its_waiting_time(
    client, owner_manager, room_a
):
    now = timezone.now()
    newer = ReservationFactory(
        room=room_a, status=Status.PENDING, start=next_weekday_at(10, days_ahead=2)
    )
    older = ReservationFactory(
        room=room_a, status=Status.PENDING, start=next_weekday_at(14, days_ahead=3)
    )
    Reservation.objects.filter(pk=older.pk).update(created_at=now - datetime.timedelta(days=2))
    Reservation.objects.filter(pk=newer.pk).update(created_at=now - datetime.timedelta(hours=1))
    client.force_login(owner_manager)

    response = client.get(QUEUE)

    assert list(response.context["cl"].result_list) == [older, newer]
    page = response.content.decode()
    assert "2\xa0days" in page and "1\xa0hour" in page


def test_a_page_to_return_to_that_is_too_long_is_ignored(client, owner_manager, booking_a):
    client.force_login(owner_manager)

    page = client.get(change_url(booking_a), {"next": "/" + "x" * 100_000}).content.decode()

    assert 'name="next" value="/xxx' not in page
