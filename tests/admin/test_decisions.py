"""Approving, rejecting and cancelling bookings through the admin goes through the services:
same rules, same audit trail, same e-mails to the booker."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from reservations.models import Reservation, Status
from tests.factories import ClosureFactory, ReservationFactory, next_weekday_at

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:reservations_reservation_changelist"


def post_action(client, action, *bookings, **extra):
    data = {"action": action, "index": 0, "_selected_action": [b.pk for b in bookings]}
    data.update(extra)
    return client.post(reverse(CHANGELIST), data, follow=True)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)] or [
        str(message) for message in response.context["messages"]
    ]


def test_approving_a_pending_booking_records_it_and_tells_the_booker(
    client, owner_manager, booking_a, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(owner_manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_action(client, "approve_selected", booking_a)

    booking_a.refresh_from_db()
    assert booking_a.status == Status.APPROVED
    assert booking_a.decided_by == owner_manager
    event = booking_a.events.get()
    assert (event.actor, event.from_status, event.to_status) == (
        owner_manager,
        Status.PENDING,
        Status.APPROVED,
    )
    assert [mail.to for mail in mailoutbox] == [[booking_a.booked_by.email]]
    assert messages_of(response) == ["1 booking approved."]


def test_reject_asks_for_a_reason_first_and_changes_nothing_yet(
    client, owner_manager, booking_a, mailoutbox
):
    client.force_login(owner_manager)

    response = post_action(client, "reject_selected", booking_a)

    assert response.status_code == 200
    assert response.templates[0].name == "admin/reservations/reservation/reason_confirmation.html"
    page = response.content.decode()
    assert "Room Alpha" in page
    assert 'name="reason"' in page
    booking_a.refresh_from_db()
    assert booking_a.status == Status.PENDING
    assert mailoutbox == []


def test_reject_without_a_reason_is_asked_again(client, owner_manager, booking_a):
    client.force_login(owner_manager)

    response = post_action(client, "reject_selected", booking_a, _confirm="yes", reason="  ")

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    booking_a.refresh_from_db()
    assert booking_a.status == Status.PENDING


def test_rejecting_with_a_reason_records_it_and_sends_it_to_the_booker(
    client, owner_manager, booking_a, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(owner_manager)
    reason = "행사 준비로 사용할 수 없습니다"

    with django_capture_on_commit_callbacks(execute=True):
        response = post_action(client, "reject_selected", booking_a, _confirm="yes", reason=reason)

    booking_a.refresh_from_db()
    assert booking_a.status == Status.REJECTED
    assert booking_a.decision_note == reason
    event = booking_a.events.get()
    assert (event.to_status, event.note, event.actor) == (Status.REJECTED, reason, owner_manager)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [booking_a.booked_by.email]
    assert reason in mailoutbox[0].body
    assert messages_of(response) == ["1 booking rejected."]


def test_cancelling_an_approved_booking_with_a_reason_tells_the_booker(
    client, owner_manager, booking_a, mailoutbox, django_capture_on_commit_callbacks
):
    booking_a.status = Status.APPROVED
    booking_a.save()
    client.force_login(owner_manager)
    reason = "누수 공사"

    with django_capture_on_commit_callbacks(execute=True):
        response = post_action(client, "cancel_selected", booking_a, _confirm="yes", reason=reason)

    booking_a.refresh_from_db()
    assert booking_a.status == Status.CANCELLED
    assert booking_a.events.get().note == reason
    assert len(mailoutbox) == 1
    assert reason in mailoutbox[0].body
    assert messages_of(response) == ["1 booking cancelled."]


def test_cancelling_needs_a_reason(client, owner_manager, booking_a):
    client.force_login(owner_manager)

    response = post_action(client, "cancel_selected", booking_a, _confirm="yes", reason="")

    assert response.context["form"].errors["reason"]
    booking_a.refresh_from_db()
    assert booking_a.status == Status.PENDING


def test_an_approval_that_now_conflicts_is_refused_and_the_rest_go_through(
    client, owner_manager, room_a, sme_user, mailoutbox, django_capture_on_commit_callbacks
):
    day = 3
    bookings = [
        ReservationFactory(
            room=room_a,
            booked_by=sme_user,
            status=Status.PENDING,
            start=next_weekday_at(hour, days_ahead=day),
        )
        for hour in (9, 11, 13, 15)
    ]
    blocked = bookings[2]
    ClosureFactory(
        facility=room_a.facility,
        room=room_a,
        start=blocked.start,
        end=blocked.end,
        reason="배관 점검",
    )
    client.force_login(owner_manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_action(client, "approve_selected", *bookings)

    statuses = [b.status for b in Reservation.objects.filter(room=room_a).order_by("start")]
    assert statuses == [Status.APPROVED, Status.APPROVED, Status.PENDING, Status.APPROVED]
    assert len(mailoutbox) == 3
    [message] = messages_of(response)
    assert message.startswith("3 bookings approved, 1 refused: Facility Alpha · Room Alpha ")
    assert "13:00–14:00: " in message


def test_approving_a_booking_that_is_no_longer_pending_is_refused_with_the_reason(
    client, owner_manager, booking_a, django_capture_on_commit_callbacks
):
    booking_a.status = Status.CANCELLED
    booking_a.save()
    client.force_login(owner_manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_action(client, "approve_selected", booking_a)

    booking_a.refresh_from_db()
    assert booking_a.status == Status.CANCELLED
    [message] = messages_of(response)
    assert message.startswith("0 bookings approved, 1 refused: ")


def test_the_booking_page_offers_the_decisions_as_buttons(client, owner_manager, booking_a):
    client.force_login(owner_manager)

    response = client.get(reverse("admin:reservations_reservation_change", args=[booking_a.pk]))

    page = response.content.decode()
    for action in ("approve_selected", "reject_selected", "cancel_selected"):
        assert f'value="{action}"' in page
    assert 'name="_save"' not in page


def test_the_booking_page_shows_the_audit_trail(
    client, owner_manager, booking_a, django_capture_on_commit_callbacks
):
    client.force_login(owner_manager)
    with django_capture_on_commit_callbacks(execute=True):
        post_action(client, "approve_selected", booking_a)

    response = client.get(reverse("admin:reservations_reservation_change", args=[booking_a.pk]))

    formset = response.context["inline_admin_formsets"][0]
    assert formset.formset.queryset.count() == 1
    assert not formset.has_add_permission
    assert not formset.has_change_permission
    assert not formset.has_delete_permission


def test_nobody_edits_or_adds_bookings_in_the_admin(client, owner_manager, superuser, booking_a):
    url = reverse("admin:reservations_reservation_change", args=[booking_a.pk])
    for user in (owner_manager, superuser):
        client.force_login(user)

        assert client.post(url, {"attendees": 1}).status_code == 403
        assert client.get(reverse("admin:reservations_reservation_add")).status_code == 403
        assert (
            client.get(reverse("admin:reservations_reservation_delete", args=[booking_a.pk]))
        ).status_code == 403
    booking_a.refresh_from_db()
    assert booking_a.attendees == 4


def test_a_ministry_official_reads_bookings_but_cannot_change_them(
    client, ministry_official, booking_a, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(ministry_official)
    url = reverse("admin:reservations_reservation_change", args=[booking_a.pk])

    page = client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        posted = client.post(url, {"status": Status.APPROVED})
        acted = post_action(client, "approve_selected", booking_a)

    assert page.status_code == 200
    assert "Alpha meeting" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert "approve_selected" not in page.content.decode()
    assert posted.status_code == 403
    assert acted.context["action_form"] is None or "approve_selected" not in str(
        acted.context["action_form"]
    )
    booking_a.refresh_from_db()
    assert booking_a.status == Status.PENDING
    assert mailoutbox == []


def test_the_decision_queue_lists_pending_first_longest_waiting_at_the_top(
    client, owner_manager, room_a, sme_user
):
    def booking(hour, status):
        return ReservationFactory(
            room=room_a, booked_by=sme_user, status=status, start=next_weekday_at(hour)
        )

    decided = booking(9, Status.APPROVED)
    newer = booking(11, Status.PENDING)
    older = booking(13, Status.PENDING)
    Reservation.objects.filter(pk=older.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=5)
    )
    client.force_login(owner_manager)

    response = client.get(reverse(CHANGELIST))

    assert list(response.context["cl"].result_list) == [older, newer, decided]
    assert "5\xa0hours" in response.content.decode()


def test_a_forged_id_among_own_ones_is_skipped(
    client, scene, owner_manager, django_capture_on_commit_callbacks
):
    client.force_login(owner_manager)

    with django_capture_on_commit_callbacks(execute=True):
        post_action(client, "approve_selected", scene["booking_a"], scene["booking_b"])

    statuses = dict(Reservation.objects.values_list("purpose", "status"))
    assert statuses == {"Alpha meeting": Status.APPROVED, "Bravo meeting": Status.PENDING}


def test_a_bulk_approval_goes_through_whole_while_the_mail_server_is_down(
    client, owner_manager, room_a, sme_user, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.portal.test_booking.FailingMailBackend"
    bookings = [
        ReservationFactory(
            room=room_a,
            booked_by=sme_user,
            status=Status.PENDING,
            start=next_weekday_at(hour, days_ahead=3),
        )
        for hour in (9, 11, 13)
    ]
    client.force_login(owner_manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_action(client, "approve_selected", *bookings)

    assert response.status_code == 200
    assert set(Reservation.objects.values_list("status", flat=True)) == {Status.APPROVED}
    assert messages_of(response) == ["3 bookings approved."]
