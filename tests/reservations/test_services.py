"""State changes: who may make them, along which edges, with audit events and e-mail."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models.deletion import ProtectedError

from reservations.models import Reservation, ReservationEvent, Status
from reservations.services import BookingError, approve, book, cancel, lapse_undecided, reject
from tests.factories import (
    ClosureFactory,
    HallFactory,
    ReservationFactory,
    RoomFactory,
    UserFactory,
    next_weekday_at,
)

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def manager():
    return UserFactory(is_staff=True)


@pytest.fixture
def hall(manager):
    return HallFactory(facility__managers=[manager])


@pytest.fixture
def pending(hall):
    start = next_weekday_at(10)
    return book(UserFactory(), hall, start, start + HOUR, attendees=30, purpose="수출상담회")


def events(reservation):
    return list(reservation.events.values_list("from_status", "to_status", "actor_id", "note"))


def test_a_booking_at_a_site_without_approval_is_approved_at_once():
    user = UserFactory()
    start = next_weekday_at(10)
    reservation = book(user, RoomFactory(), start, start + HOUR, attendees=3, purpose="회의")
    assert reservation.status == Status.APPROVED
    assert events(reservation) == [("", Status.APPROVED, user.pk, "")]


def test_a_hall_booking_starts_pending(pending):
    assert pending.status == Status.PENDING


def test_a_site_that_requires_approval_makes_standard_bookings_pending():
    room = RoomFactory(facility__requires_approval=True)
    start = next_weekday_at(10)
    reservation = book(UserFactory(), room, start, start + HOUR, attendees=3, purpose="회의")
    assert reservation.status == Status.PENDING


def test_the_manager_approves_a_pending_booking(pending, manager):
    approve(manager, pending, note="환영합니다")
    pending.refresh_from_db()
    assert pending.status == Status.APPROVED
    assert pending.decided_by == manager
    assert pending.decided_at is not None
    assert events(pending)[-1] == (Status.PENDING, Status.APPROVED, manager.pk, "환영합니다")


def test_a_manager_of_another_facility_cannot_approve(pending):
    outsider = UserFactory(is_staff=True)
    HallFactory(facility__managers=[outsider])
    with pytest.raises(PermissionDenied):
        approve(outsider, pending)
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


def test_the_booker_cannot_approve_their_own_booking(pending):
    with pytest.raises(PermissionDenied):
        approve(pending.booked_by, pending)


def test_a_superuser_may_decide_anywhere(pending):
    approve(UserFactory(is_superuser=True, is_staff=True), pending)
    assert Reservation.objects.get(pk=pending.pk).status == Status.APPROVED


def test_reject_needs_a_reason(pending, manager):
    with pytest.raises(BookingError) as caught:
        reject(manager, pending, "  ")
    assert caught.value.code == "reason_required"


def test_the_manager_rejects_with_a_reason(pending, manager):
    reject(manager, pending, "행사 일정과 겹칩니다")
    pending.refresh_from_db()
    assert pending.status == Status.REJECTED
    assert pending.decision_note == "행사 일정과 겹칩니다"
    assert events(pending)[-1][1] == Status.REJECTED


def test_approving_a_cancelled_booking_is_refused(pending, manager):
    cancel(pending.booked_by, pending)
    with pytest.raises(BookingError) as caught:
        approve(manager, pending)
    assert caught.value.code == "invalid_transition"


def test_rejecting_an_approved_booking_is_refused(pending, manager):
    approve(manager, pending)
    with pytest.raises(BookingError) as caught:
        reject(manager, pending, "늦은 거절")
    assert caught.value.code == "invalid_transition"


def test_a_stale_copy_cannot_move_a_booking_twice(pending, manager):
    stale = Reservation.objects.get(pk=pending.pk)
    approve(manager, pending)
    stale.status = Status.PENDING
    with pytest.raises(BookingError) as caught:
        reject(manager, stale, "동시에")
    assert caught.value.code == "invalid_transition"
    assert Reservation.objects.get(pk=pending.pk).status == Status.APPROVED


def test_approval_is_refused_when_a_closure_now_covers_the_booking(pending, manager):
    ClosureFactory(facility=pending.room.facility, start=pending.start, end=pending.end)
    with pytest.raises(BookingError) as caught:
        approve(manager, pending)
    assert caught.value.code == "closed"


def test_the_booker_cancels_before_the_start(pending):
    cancel(pending.booked_by, pending)
    assert Reservation.objects.get(pk=pending.pk).status == Status.CANCELLED


def test_the_booker_cannot_cancel_after_the_start():
    start = next_weekday_at(10, days_ahead=-3)
    reservation = ReservationFactory(start=start, end=start + HOUR)
    with pytest.raises(BookingError) as caught:
        cancel(reservation.booked_by, reservation)
    assert caught.value.code == "past"


def test_someone_else_cannot_cancel_a_booking(pending):
    with pytest.raises(PermissionDenied):
        cancel(UserFactory(), pending)
    assert Reservation.objects.get(pk=pending.pk).status == Status.PENDING


def test_a_manager_cancels_only_with_a_reason(pending, manager):
    with pytest.raises(BookingError):
        cancel(manager, pending)
    cancel(manager, pending, "시설 점검")
    pending.refresh_from_db()
    assert pending.status == Status.CANCELLED
    assert pending.decision_note == "시설 점검"


def test_cancelling_twice_is_refused(pending):
    cancel(pending.booked_by, pending)
    with pytest.raises(BookingError) as caught:
        cancel(pending.booked_by, pending)
    assert caught.value.code == "invalid_transition"


def test_pending_bookings_that_started_undecided_expire(hall):
    start = next_weekday_at(10, days_ahead=-2)
    lapsed = ReservationFactory(room=hall, start=start, end=start + HOUR, status=Status.PENDING)
    future = ReservationFactory(
        room=hall, start=next_weekday_at(10), end=next_weekday_at(11), status=Status.PENDING
    )
    assert lapse_undecided() == 1
    lapsed.refresh_from_db()
    future.refresh_from_db()
    assert lapsed.status == Status.EXPIRED
    assert future.status == Status.PENDING
    ((from_status, to_status, actor, _note),) = events(lapsed)
    assert (from_status, to_status, actor) == (Status.PENDING, Status.EXPIRED, None)


def test_a_lapsed_pending_booking_no_longer_blocks_its_slot(hall, monkeypatch):
    start = next_weekday_at(10)
    ReservationFactory(room=hall, start=start, end=start + 2 * HOUR, status=Status.PENDING)
    later = start + HOUR
    monkeypatch.setattr(
        "reservations.services.timezone.now", lambda: start + datetime.timedelta(minutes=30)
    )
    monkeypatch.setattr(
        "reservations.availability.timezone.now", lambda: start + datetime.timedelta(minutes=30)
    )
    reservation = book(UserFactory(), hall, later, later + HOUR, attendees=20, purpose="회의")
    assert reservation.pk
    assert Reservation.objects.filter(room=hall, status=Status.EXPIRED).count() == 1


def test_the_lapse_command_reports_its_count(hall, capsys):
    from django.core.management import call_command

    start = next_weekday_at(10, days_ahead=-2)
    ReservationFactory(room=hall, start=start, end=start + HOUR, status=Status.PENDING)
    call_command("lapse_undecided")
    assert "1 pending booking(s) expired." in capsys.readouterr().out


def test_a_failed_booking_leaves_no_row_and_no_event():
    room = RoomFactory()
    start = next_weekday_at(10)
    ReservationFactory(room=room, start=start, end=start + HOUR)
    with pytest.raises(BookingError):
        book(UserFactory(), room, start, start + HOUR, attendees=2, purpose="회의")
    assert Reservation.objects.filter(room=room).count() == 1
    assert ReservationEvent.objects.count() == 0


def test_the_database_refuses_an_overlapping_active_row_written_directly():
    room = RoomFactory()
    start = next_weekday_at(10)
    ReservationFactory(room=room, start=start, end=start + HOUR)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReservationFactory(room=room, start=start + HOUR / 2, end=start + 2 * HOUR)


def test_the_database_accepts_an_overlapping_cancelled_row():
    room = RoomFactory()
    start = next_weekday_at(10)
    ReservationFactory(room=room, start=start, end=start + HOUR)
    assert ReservationFactory(room=room, start=start, end=start + HOUR, status=Status.CANCELLED)


def test_reactivating_a_row_into_an_overlap_is_refused_by_the_database():
    room = RoomFactory()
    start = next_weekday_at(10)
    ReservationFactory(room=room, start=start, end=start + HOUR)
    cancelled = ReservationFactory(
        room=room, start=start, end=start + HOUR, status=Status.CANCELLED
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Reservation.objects.filter(pk=cancelled.pk).update(status=Status.APPROVED)


def test_a_room_or_facility_with_bookings_cannot_be_deleted():
    reservation = ReservationFactory()
    with pytest.raises(ProtectedError):
        reservation.room.delete()
    with pytest.raises(ProtectedError):
        reservation.room.facility.delete()


def test_no_mail_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    room = RoomFactory()
    start = next_weekday_at(10)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                book(UserFactory(), room, start, start + HOUR, attendees=2, purpose="회의")
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert callbacks == []
    assert mail.outbox == []
