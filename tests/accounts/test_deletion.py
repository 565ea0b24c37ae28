"""Deleting an account: bookings ahead are cancelled and their time freed, with the managers
told; what took place stays for the figures without personal details; sign-in records go."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from reservations.models import Reservation, Status
from reservations.services import book
from tests.factories import (
    FacilityFactory,
    ReservationFactory,
    RoomFactory,
    UserFactory,
    next_weekday_at,
)

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def manager():
    return UserFactory(email="manager@site.example", is_staff=True)


@pytest.fixture
def room(manager):
    return RoomFactory(facility=FacilityFactory(managers=[manager]))


def delete_own_account(client, user, django_capture_on_commit_callbacks):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()


def test_bookings_ahead_are_cancelled_and_their_time_is_free_for_others(
    client, room, django_capture_on_commit_callbacks
):
    user = UserFactory()
    start = next_weekday_at(10)
    pending = ReservationFactory(room=room, booked_by=user, start=start, end=start + HOUR,
                                 status=Status.PENDING)  # fmt: skip
    later = next_weekday_at(14)
    approved = ReservationFactory(room=room, booked_by=user, start=later, end=later + HOUR)

    delete_own_account(client, user, django_capture_on_commit_callbacks)

    for reservation in (pending, approved):
        reservation.refresh_from_db()
        assert reservation.status == Status.CANCELLED
        event = reservation.events.get()
        assert (event.to_status, event.actor) == (Status.CANCELLED, None)
        assert reservation.decision_note == "예약자가 계정을 삭제했습니다."
    assert book(UserFactory(), room, start, start + HOUR, attendees=2, purpose="회의").pk


def test_the_facilitys_managers_are_told_and_the_deleted_booker_is_not(
    client, room, manager, django_capture_on_commit_callbacks
):
    user = UserFactory(email="leaving@sme.example")
    start = next_weekday_at(10)
    ReservationFactory(room=room, booked_by=user, start=start, end=start + HOUR)

    delete_own_account(client, user, django_capture_on_commit_callbacks)

    assert [message.to for message in mail.outbox] == [[manager.email]]
    assert "삭제" in mail.outbox[0].subject
    assert "deleted their account" in mail.outbox[0].body


def test_meetings_under_way_or_over_stay_without_personal_details(
    client, room, django_capture_on_commit_callbacks
):
    user = UserFactory()
    now = timezone.now()
    under_way = ReservationFactory(room=room, booked_by=user, start=now - HOUR, end=now + HOUR,
                                   purpose="거래처 미팅", company_name="알파", contact_phone="010-1")  # fmt: skip
    past = next_weekday_at(10, days_ahead=-7)
    held = ReservationFactory(room=room, booked_by=user, start=past, end=past + HOUR,
                              purpose="투자 상담")  # fmt: skip

    delete_own_account(client, user, django_capture_on_commit_callbacks)

    for reservation in (under_way, held):
        kept = Reservation.objects.get(pk=reservation.pk)
        assert kept.status == Status.APPROVED
        assert (kept.booked_by, kept.purpose, kept.company_name, kept.contact_phone) == (
            None, "", "", ""
        )  # fmt: skip


def test_the_sign_in_records_of_the_address_go_with_the_account(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="leaving@sme.example")
    seen = {"username": user.email, "ip_address": "203.0.113.7", "user_agent": "x"}
    AccessAttempt.objects.create(**seen, failures_since_start=2)
    AccessFailureLog.objects.create(**seen)
    AccessLog.objects.create(**seen)
    AccessLog.objects.create(username="someone@else.example", ip_address="203.0.113.8")

    delete_own_account(client, user, django_capture_on_commit_callbacks)

    assert not AccessAttempt.objects.exists()
    assert not AccessFailureLog.objects.exists()
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["someone@else.example"]
