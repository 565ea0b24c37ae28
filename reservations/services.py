"""Every change of a booking's status: book, approve, reject, cancel, lapse.

Each function runs in one transaction, checks who may act, moves the status only along
ALLOWED edges (compare-and-set, so a concurrent change is detected), writes the audit
event and queues the e-mail in the same transaction. Nothing else writes Reservation.status.

No double booking: the database refuses overlapping active bookings of a room (an
exclusion constraint on PostgreSQL, triggers on SQLite); book() locks the room row first
so concurrent bookings of one room queue up, and turns a refusal, or a deadlock between
two inserts, into BookingError("slot_taken").

Lapsing: a pending booking that nobody decided before its start is moved to EXPIRED by
lapse_undecided() (run by the worker's minute sweep, reservations/tasks.py, and by book()
for the room being booked). Until then, availability already treats it as free.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reservations import history, notifications
from reservations.availability import blocking_reservations
from reservations.models import Reservation, ReservationEvent, Status
from reservations.rules import POLICIES, USER_MAX_UPCOMING, korean_holiday
from rooms.models import Closure, OpeningHours, Room

ALLOWED = {
    Status.PENDING: {Status.APPROVED, Status.REJECTED, Status.CANCELLED, Status.EXPIRED},
    Status.APPROVED: {Status.CANCELLED},
}

# SQLSTATEs of a deadlock and of a serialization failure: two inserts raced for one slot.
RACE_SQLSTATES = {"40P01", "40001"}


class BookingError(ValidationError):
    """A booking rule refused the change; the message is for the user."""


def _error(code, message, **params):
    return BookingError(message, code=code, params=params or None)


def manages(user, room):
    return user.is_superuser or room.facility.managers.filter(pk=user.pk).exists()


def needs_approval(room):
    return room.facility.requires_approval or POLICIES[room.kind].always_needs_approval


def check_booking_rules(user, room, start, end, attendees, *, now=None):
    """Raise BookingError for the first rule the booking breaks."""
    now = now or timezone.now()
    policy = POLICIES[room.kind]
    if not room.is_active:
        raise _error("inactive_room", _("This room is not available for booking."))
    if end <= start:
        raise _error("too_short", _("The booking must end after it starts."))
    local_start, local_end = timezone.localtime(start), timezone.localtime(end)
    for moment in (local_start, local_end):
        if moment.minute % 30 or moment.second or moment.microsecond:
            raise _error("off_grid", _("Bookings start and end on the hour or the half hour."))
    if start < now:
        raise _error("past", _("A booking cannot start in the past."))
    day = local_start.date()
    last_day = timezone.localdate(now) + datetime.timedelta(days=policy.max_days_ahead)
    if day > last_day:
        raise _error(
            "too_far_ahead",
            _("This room can be booked at most %(days)s days ahead."),
            days=policy.max_days_ahead,
        )
    holiday = korean_holiday(day)
    if holiday:
        raise _error("holiday", _("The facility is closed on %(holiday)s."), holiday=holiday)
    hours = OpeningHours.objects.filter(facility_id=room.facility_id, weekday=day.weekday()).first()
    if (
        hours is None
        or local_end.date() != day
        or local_start.time() < hours.opens
        or local_end.time() > hours.closes
    ):
        raise _error("outside_hours", _("The booking must be within the facility's opening hours."))
    duration = end - start
    if duration < policy.min_duration:
        raise _error(
            "too_short",
            _("A booking lasts at least %(minutes)s minutes."),
            minutes=int(policy.min_duration.total_seconds() // 60),
        )
    if policy.max_duration is not None and duration > policy.max_duration:
        raise _error(
            "too_long",
            _("This room can be booked for at most %(hours)s hours at a time."),
            hours=f"{policy.max_duration.total_seconds() / 3600:g}",
        )
    if attendees is None or attendees < 1:
        raise _error("no_attendees", _("At least one person must attend."))
    if attendees > room.capacity:
        raise _error(
            "too_many_attendees",
            _("This room holds at most %(capacity)s people."),
            capacity=room.capacity,
        )
    if Closure.objects.affecting_room(room).overlapping(start, end).exists():
        raise _error("closed", _("The room is closed at that time."))
    mine = blocking_reservations().filter(booked_by=user)
    if mine.overlapping(start, end).exists():
        raise _error("user_overlap", _("You already have a booking at that time."))
    if mine.filter(end__gt=now).count() >= USER_MAX_UPCOMING:
        raise _error(
            "user_limit",
            _("You can hold at most %(limit)s upcoming bookings."),
            limit=USER_MAX_UPCOMING,
        )
    if blocking_reservations().filter(room=room).overlapping(start, end).exists():
        raise _slot_taken()


def _slot_taken():
    return _error(
        "slot_taken", _("This slot was just taken by someone else. Please choose another time.")
    )


def _record(reservation, actor, from_status, to_status, note=""):
    ReservationEvent.objects.create(
        reservation=reservation,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )


def book(
    user, room, start, end, *, attendees, purpose, company_name="", contact_phone=""
) -> Reservation:
    now = timezone.now()
    try:
        with transaction.atomic():
            # Room first, then user: every booking takes the locks in the same order.
            room = (
                Room.objects.select_for_update(no_key=True)
                .select_related("facility")
                .get(pk=room.pk)
            )
            get_user_model().objects.select_for_update(no_key=True).filter(pk=user.pk).exists()
            lapse_undecided(now=now, rooms=[room])
            check_booking_rules(user, room, start, end, attendees, now=now)
            status = Status.PENDING if needs_approval(room) else Status.APPROVED
            reservation = Reservation.objects.create(
                room=room,
                booked_by=user,
                start=start,
                end=end,
                attendees=attendees,
                purpose=purpose,
                company_name=company_name,
                contact_phone=contact_phone,
                status=status,
            )
            _record(reservation, user, "", status)
            kind = "requested" if status == Status.PENDING else "booked"
            notifications.schedule(kind, reservation)
    except IntegrityError as error:
        if "reservation_no_overlap" in str(error):
            raise _slot_taken() from error
        raise
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) in RACE_SQLSTATES:
            raise _slot_taken() from error
        raise
    return reservation


def _transition(reservation, actor, to_status, note="", **fields):
    """Compare-and-set the status; refuse when the edge is not allowed or the row moved."""
    from_status = reservation.status
    if to_status not in ALLOWED.get(from_status, set()):
        raise _error(
            "invalid_transition",
            _("A booking that is “%(status)s” cannot be changed that way."),
            status=Status(from_status).label,
        )
    now = timezone.now()
    changed = Reservation.objects.filter(pk=reservation.pk, status=from_status).update(
        status=to_status, updated_at=now, **fields
    )
    if changed != 1:
        raise _error(
            "invalid_transition", _("This booking was changed meanwhile. Please reload the page.")
        )
    reservation.refresh_from_db()
    _record(reservation, actor, from_status, to_status, note)
    return reservation


def _require_manager(actor, reservation):
    if not manages(actor, reservation.room):
        raise PermissionDenied(_("Only the facility's managers can decide on this booking."))


def approve(actor, reservation, note="") -> Reservation:
    with transaction.atomic():
        _require_manager(actor, reservation)
        now = timezone.now()
        if reservation.start <= now:
            raise _error(
                "past", _("The booking has already started; it can no longer be approved.")
            )
        if not reservation.room.is_active:
            raise _error("inactive_room", _("This room is not available for booking."))
        if (
            reservation.status == Status.PENDING
            and Closure.objects.affecting_room(reservation.room)
            .overlapping(reservation.start, reservation.end)
            .exists()
        ):
            raise _error("closed", _("The room is closed at that time."))
        reservation = _transition(
            reservation,
            actor,
            Status.APPROVED,
            note,
            decided_by=actor,
            decided_at=now,
            decision_note=note,
        )
        notifications.schedule("approved", reservation)
    return reservation


def reject(actor, reservation, reason) -> Reservation:
    reason = (reason or "").strip()
    with transaction.atomic():
        _require_manager(actor, reservation)
        if not reason:
            raise _error("reason_required", _("Please give the booker a reason."))
        reservation = _transition(
            reservation,
            actor,
            Status.REJECTED,
            reason,
            decided_by=actor,
            decided_at=timezone.now(),
            decision_note=reason,
        )
        notifications.schedule("rejected", reservation)
    return reservation


def cancel(actor, reservation, reason="") -> Reservation:
    """The booker cancels until the start; a manager cancels an active booking with a reason."""
    reason = (reason or "").strip()
    with transaction.atomic():
        if reservation.booked_by_id == actor.pk and reservation.booked_by_id is not None:
            if reservation.start <= timezone.now():
                raise _error("past", _("The booking has already started."))
        else:
            _require_manager(actor, reservation)
            if not reason:
                raise _error("reason_required", _("Please give the booker a reason."))
        reservation = _transition(
            reservation, actor, Status.CANCELLED, reason, decision_note=reason
        )
        if history.touches_history(reservation):
            transaction.on_commit(history.changed)
        notifications.schedule("cancelled", reservation)
    return reservation


def lapse_undecided(now=None, rooms=None) -> int:
    """Expire pending bookings whose start has passed; return how many."""
    now = now or timezone.now()
    pending = Reservation.objects.filter(status=Status.PENDING, start__lte=now)
    if rooms is not None:
        pending = pending.filter(room__in=rooms)
    lapsed = 0
    note = str(_("Not decided before its start."))
    with transaction.atomic():
        for reservation in pending.select_related("booked_by", "room__facility"):
            changed = Reservation.objects.filter(pk=reservation.pk, status=Status.PENDING).update(
                status=Status.EXPIRED, updated_at=now
            )
            if changed:
                lapsed += 1
                reservation.status = Status.EXPIRED
                _record(reservation, None, Status.PENDING, Status.EXPIRED, note)
                notifications.schedule("expired", reservation)
    return lapsed
