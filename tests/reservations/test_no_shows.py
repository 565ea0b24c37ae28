"""No-show release and its penalties.

An approved booking nobody checked in by the end of its check-in window becomes a no-show:
once, with an audit event, its remaining time freed at once, the booker told. The third no-show
in the period suspends the booker; the suspension refuses new bookings with a clear message;
a superuser lifts it with a reason that is kept.
"""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from reservations import rules
from reservations.models import Reservation, ReservationEvent, Status, Suspension
from reservations.rules import BookingError
from reservations.services import book, check_in, lift_suspension, release_no_shows
from tests.factories import ReservationFactory, RoomFactory, UserFactory, next_weekday_at

pytestmark = pytest.mark.django_db
MINUTE = datetime.timedelta(minutes=1)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def at(moment):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def meeting():
    start = next_weekday_at(10)
    return ReservationFactory(start=start, end=start + 2 * HOUR)


def release(moment, django_capture_on_commit_callbacks):
    with at(moment), django_capture_on_commit_callbacks(execute=True):
        return release_no_shows()


def test_an_approved_booking_not_checked_in_is_released_at_the_end_of_its_window(
    meeting, django_capture_on_commit_callbacks
):
    assert release(meeting.start + 14 * MINUTE, django_capture_on_commit_callbacks) == 0
    assert release(meeting.start + 15 * MINUTE, django_capture_on_commit_callbacks) == 1

    meeting.refresh_from_db()
    assert meeting.status == Status.NO_SHOW
    assert meeting.released_at == meeting.start + 15 * MINUTE
    assert meeting.end == meeting.start + 2 * HOUR
    event = ReservationEvent.objects.get(reservation=meeting)
    assert (event.from_status, event.to_status, event.actor) == (
        Status.APPROVED,
        Status.NO_SHOW,
        None,
    )
    (notice,) = mail.outbox
    assert notice.to == [meeting.booked_by.email]
    assert "No check-in" in notice.subject
    assert "1 no-show in the last 90 days" in notice.body


def test_the_freed_time_is_bookable_by_another_user_at_once(
    meeting, django_capture_on_commit_callbacks
):
    release(meeting.start + 15 * MINUTE, django_capture_on_commit_callbacks)

    with at(meeting.start + 16 * MINUTE):
        other = book(
            UserFactory(), meeting.room, meeting.start + 30 * MINUTE, meeting.end,
            attendees=3, purpose="빈 시간 사용",
        )  # fmt: skip
    assert other.status == Status.APPROVED


def test_releasing_twice_releases_once_and_tells_the_booker_once(
    meeting, django_capture_on_commit_callbacks
):
    assert release(meeting.start + 20 * MINUTE, django_capture_on_commit_callbacks) == 1
    assert release(meeting.start + 21 * MINUTE, django_capture_on_commit_callbacks) == 0

    assert len(mail.outbox) == 1
    assert ReservationEvent.objects.filter(reservation=meeting).count() == 1


def test_checked_in_pending_cancelled_and_older_bookings_are_left_alone(
    meeting, django_capture_on_commit_callbacks
):
    with at(meeting.start):
        check_in(meeting.booked_by, meeting)
    start = meeting.start
    others = [
        ReservationFactory(status=Status.CANCELLED, start=start, end=start + HOUR),
        ReservationFactory(status=Status.PENDING, start=start, end=start + HOUR),
        # Made before check-in existed: never asked to check in.
        ReservationFactory(check_in_required=False, start=start, end=start + HOUR),
    ]

    assert release(start + HOUR, django_capture_on_commit_callbacks) == 0
    assert [r.status for r in Reservation.objects.filter(pk__in=[o.pk for o in others])] == [
        o.status for o in others
    ]


def test_after_the_workers_were_down_a_late_release_frees_nothing_past_the_end(
    meeting, django_capture_on_commit_callbacks
):
    assert release(meeting.end + HOUR, django_capture_on_commit_callbacks) == 1

    meeting.refresh_from_db()
    assert meeting.status == Status.NO_SHOW and meeting.released_at == meeting.end
    assert len(mail.outbox) == 1


def no_shows(user, count, before):
    """`count` past no-shows of the user, a day apart, the last `before`."""
    for days in range(count):
        start = before - (days + 1) * DAY
        ReservationFactory(
            booked_by=user, status=Status.NO_SHOW, start=start, end=start + HOUR,
            released_at=start + 15 * MINUTE,
        )  # fmt: skip


def test_the_third_no_show_in_ninety_days_suspends_the_booker_for_fourteen_days(
    meeting, django_capture_on_commit_callbacks
):
    booker = meeting.booked_by
    no_shows(booker, 2, meeting.start)
    released_at = meeting.start + 15 * MINUTE

    release(released_at, django_capture_on_commit_callbacks)

    suspension = Suspension.objects.get(user=booker)
    assert (suspension.starts_at, suspension.ends_at, suspension.no_shows) == (
        released_at,
        released_at + 14 * DAY,
        3,
    )
    (notice,) = mail.outbox
    assert "cannot make new bookings until" in notice.body


def test_no_shows_older_than_ninety_days_do_not_count(meeting, django_capture_on_commit_callbacks):
    no_shows(meeting.booked_by, 1, meeting.start)
    no_shows(meeting.booked_by, 1, meeting.start - 90 * DAY)

    release(meeting.start + 15 * MINUTE, django_capture_on_commit_callbacks)

    assert not Suspension.objects.exists()
    assert rules.standing(meeting.booked_by, meeting.start + HOUR).no_shows == 2


def suspended_booker():
    booker = UserFactory()
    now = timezone.now()
    no_shows(booker, 3, now)
    suspension = Suspension.objects.create(
        user=booker, starts_at=now - DAY, ends_at=now + 13 * DAY, no_shows=3
    )
    return booker, suspension


def test_a_suspended_booker_is_refused_a_booking_with_a_translated_message():
    booker, suspension = suspended_booker()
    start = next_weekday_at(10)

    with translation.override("ko"), pytest.raises(BookingError) as refused:
        book(booker, RoomFactory(), start, start + HOUR, attendees=2, purpose="회의")

    assert refused.value.code == "suspended"
    message = refused.value.messages[0]
    assert "노쇼 3회" in message and "새 예약" in message
    assert not Reservation.objects.filter(booked_by=booker, start=start).exists()


def test_a_superuser_lifts_a_suspension_with_a_reason_kept_on_it():
    booker, suspension = suspended_booker()
    admin = UserFactory(is_staff=True, is_superuser=True)

    lift_suspension(admin, suspension, "  출입문 고장으로 체크인 불가  ")

    suspension.refresh_from_db()
    assert suspension.lifted_by == admin
    assert suspension.lift_reason == "출입문 고장으로 체크인 불가"
    assert suspension.lifted_at is not None
    start = next_weekday_at(10)
    assert book(booker, RoomFactory(), start, start + HOUR, attendees=2, purpose="회의").pk
    # Lifting forgives the no-shows before it.
    assert rules.standing(booker, timezone.now()).no_shows == 0


def test_only_a_superuser_lifts_and_only_with_a_reason_and_once():
    booker, suspension = suspended_booker()
    manager = UserFactory(is_staff=True)
    admin = UserFactory(is_staff=True, is_superuser=True)

    with pytest.raises(PermissionDenied):
        lift_suspension(manager, suspension, "사유")
    with pytest.raises(BookingError) as no_reason:
        lift_suspension(admin, suspension, "  ")
    assert no_reason.value.code == "reason_required"
    lift_suspension(admin, suspension, "사유")
    with pytest.raises(BookingError) as again:
        lift_suspension(admin, suspension, "다시")
    assert again.value.code == "already_lifted"
    suspension.refresh_from_db()
    assert suspension.lift_reason == "사유"
