"""Approving and rejecting in place on the board: through the booking service (audit event,
e-mail queued), back to the board, a reason required to reject."""

import json

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from reservations.models import Status
from tests.factories import ReservationFactory, next_weekday_at

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def approve_url(booking):
    return reverse("workspace:approve", args=[booking.pk])


def reject_url(booking):
    return reverse("workspace:reject", args=[booking.pk])


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_approving_in_place_goes_through_the_service_and_reloads_the_board(
    client, owner_manager, booking_a, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(owner_manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(approve_url(booking_a), {"next": "/admin/"}, **HTMX)

    assert response.status_code == 204
    assert json.loads(response.headers["HX-Trigger"]) == {"boardChanged": {}}
    booking_a.refresh_from_db()
    assert (booking_a.status, booking_a.decided_by) == (Status.APPROVED, owner_manager)
    event = booking_a.events.get()
    assert (event.actor, event.from_status, event.to_status) == (
        owner_manager,
        Status.PENDING,
        Status.APPROVED,
    )
    assert [mail.to for mail in mailoutbox] == [[booking_a.booked_by.email]]
    assert messages_of(response)[0].startswith("Approved: Facility Alpha · Room Alpha")


def test_the_reloaded_board_shows_the_outcome_and_the_message(client, owner_manager, booking_a):
    client.force_login(owner_manager)
    client.post(approve_url(booking_a), **HTMX)

    page = client.get(
        "/admin/board/", {"date": booking_a.start.date().isoformat()}, **HTMX
    ).content.decode()

    assert page.lstrip().startswith('<section id="board"')
    assert "Approved: Facility Alpha" in page
    assert approve_url(booking_a) not in page


def test_rejecting_in_place_with_a_reason_records_it_and_tells_the_booker(
    client, owner_manager, booking_a, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(owner_manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reject_url(booking_a), {"reason": "Hall booked for a ministry event"}, **HTMX)  # fmt: skip

    assert response.status_code == 204
    booking_a.refresh_from_db()
    assert booking_a.status == Status.REJECTED
    assert booking_a.decision_note == "Hall booked for a ministry event"
    event = booking_a.events.get()
    assert (event.to_status, event.note) == (Status.REJECTED, "Hall booked for a ministry event")
    (mail,) = mailoutbox
    assert mail.to == [booking_a.booked_by.email]
    assert "Hall booked for a ministry event" in mail.body


@pytest.mark.parametrize("reason", ["", "   "])
def test_rejecting_without_a_reason_is_refused_with_a_message(
    client, owner_manager, booking_a, mailoutbox, reason
):
    client.force_login(owner_manager)

    in_place = client.post(reject_url(booking_a), {"reason": reason}, **HTMX)
    without_js = client.post(reject_url(booking_a), {"reason": reason, "next": "/admin/board/"})

    assert in_place.status_code == 400
    assert "Give the booker a reason for rejecting." in in_place.content.decode()
    assert 'name="reason"' in in_place.content.decode()
    assert without_js.status_code == 400
    assert "Give the booker a reason for rejecting." in without_js.content.decode()
    booking_a.refresh_from_db()
    assert booking_a.status == Status.PENDING
    assert not booking_a.events.exists()
    assert mailoutbox == []


def test_without_javascript_a_decision_returns_to_the_page_it_came_from(
    client, owner_manager, booking_a
):
    client.force_login(owner_manager)
    board = f"/admin/board/?date={booking_a.start.date().isoformat()}"

    response = client.post(approve_url(booking_a), {"next": board})

    assert response.status_code == 302
    assert response.url == board


def test_without_javascript_the_board_shows_the_decisions_message_once(
    client, owner_manager, booking_a
):
    client.force_login(owner_manager)
    board = f"/admin/board/?date={booking_a.start.date().isoformat()}"

    page = client.post(approve_url(booking_a), {"next": board}, follow=True).content.decode()

    assert page.count("Approved: Facility Alpha") == 1


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "javascript:alert(1)",
        "0001-01-01",
        "admin:index",
    ],
)
def test_a_decision_returns_only_to_a_page_of_this_site(client, owner_manager, booking_a, target):
    client.force_login(owner_manager)

    response = client.post(reject_url(booking_a), {"reason": "Closed", "next": target})

    assert response.status_code == 302
    assert response.url == "/admin/board/"


def test_a_manager_cannot_decide_another_facilitys_booking(client, owner_manager, booking_b):
    client.force_login(owner_manager)

    assert client.post(approve_url(booking_b), **HTMX).status_code == 404
    assert client.post(reject_url(booking_b), {"reason": "no"}, **HTMX).status_code == 404
    booking_b.refresh_from_db()
    assert booking_b.status == Status.PENDING


def test_a_refused_approval_tells_why(client, owner_manager, room_a, sme_user):
    started = ReservationFactory(
        room=room_a, booked_by=sme_user, status=Status.PENDING, start=next_weekday_at(10, days_ahead=-7)
    )  # fmt: skip
    client.force_login(owner_manager)

    response = client.post(approve_url(started), **HTMX)

    assert response.status_code == 204
    assert "can no longer be approved" in messages_of(response)[0]
    started.refresh_from_db()
    assert started.status == Status.PENDING


def test_decisions_are_posts_only(client, owner_manager, booking_a):
    client.force_login(owner_manager)

    assert client.get(approve_url(booking_a)).status_code == 405
    assert client.get(reject_url(booking_a)).status_code == 405


@pytest.mark.parametrize("reason", ["\x00", "\x1b[2J", "x" * 100_000])
def test_a_hostile_reason_is_refused(client, owner_manager, booking_a, reason):
    client.force_login(owner_manager)

    response = client.post(reject_url(booking_a), {"reason": reason}, **HTMX)

    assert response.status_code == 400
    booking_a.refresh_from_db()
    assert booking_a.status == Status.PENDING


def test_non_integer_ids_are_not_found(client, owner_manager):
    client.force_login(owner_manager)

    assert client.post("/admin/board/bookings/abc/approve/").status_code == 404


def test_a_reject_sent_as_json_is_refused_like_a_form_without_reason(
    client, owner_manager, booking_a
):
    client.force_login(owner_manager)

    response = client.post(
        reject_url(booking_a), {"reason": "closed"}, content_type="application/json", **HTMX
    )

    assert response.status_code == 400
    booking_a.refresh_from_db()
    assert booking_a.status == Status.PENDING
