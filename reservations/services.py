"""Every change of a booking's state: book, approve, reject, cancel, lapse, check in, end early,
release no-shows, closing a room or every site of an area, lifting a booker's suspension, and
recurring series (book, extend as the window moves, cancel from a date on, decide as a whole; see
the end of the file).

Each function runs in one transaction, checks who may act, moves the status only along
ALLOWED edges (compare-and-set, so a concurrent change is detected), writes the audit
event and queues the e-mail in the same transaction. Nothing else writes Reservation.status.
Whether a booking may be made is for the rules (`reservations.rules`), asked here.

No double booking: the database refuses overlapping active bookings of a room (an
exclusion constraint on PostgreSQL, triggers on SQLite); book() locks the room row first
so concurrent bookings of one room queue up, and turns a refusal, or a deadlock between
two inserts, into the rules' "slot taken".

Lapsing: a pending booking that nobody decided before its start is moved to EXPIRED by
lapse_undecided() (run by the worker's minute sweep, reservations/tasks.py, and by book()
for the room being booked). Until then, the rules already treat it as free.

After the start: check_in() records that someone came (the booker, or whoever holds the
booking's code at the door); end_early() frees the rest of a checked-in meeting; the sweep's
release_no_shows() moves an approved booking nobody checked in to NO_SHOW once its check-in
window closed, frees the rest of its time and counts it against the booker (rules.PENALTIES).
Freed time is `released_at`: the booked end stays, and the database's overlap guards end the
booking at Coalesce(released_at, end).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Exists, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_ministry_official
from reservations import history, notifications, rules, signals
from reservations.models import (
    Action,
    Reservation,
    ReservationEvent,
    Series,
    Status,
    Suspension,
    normalise_code,
    occurrence_days,
)
from reservations.rules import BookingError, BookingRequest, needs_approval, refusal
from rooms.models import AreaClosure, Closure, Room

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger("boms.reservations")

ALLOWED = {
    Status.PENDING: {Status.APPROVED, Status.REJECTED, Status.CANCELLED, Status.EXPIRED},
    Status.APPROVED: {Status.CANCELLED, Status.NO_SHOW},
}

# SQLSTATEs of a deadlock and of a serialization failure: two inserts raced for one slot.
RACE_SQLSTATES = {"40P01", "40001"}
# A new booking's random code may, rarely, be taken already: book() draws again.
CODE_ATTEMPTS = 3


def manages(user: User, room: Room) -> bool:
    return user.is_superuser or room.facility.managers.filter(pk=user.pk).exists()


def _record(
    reservation: Reservation,
    actor: User | None,
    from_status: str,
    to_status: str,
    note: str = "",
    action: str = "",
) -> None:
    ReservationEvent.objects.create(
        reservation=reservation,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        action=action,
        note=note,
    )


def _announce_freed(
    room_ids: Iterable[int], start: datetime.datetime, end: datetime.datetime
) -> None:
    """Tell the apps above (the waitlist) that these rooms' time in [start, end) is free."""
    room_ids = list(room_ids)
    if room_ids and end > start:
        signals.time_freed.send(sender=Reservation, room_ids=room_ids, start=start, end=end)


def _announce_booking_freed(reservation: Reservation) -> None:
    _announce_freed([reservation.room_id], reservation.start, reservation.effective_end)


def book(
    user: User,
    room: Room,
    start: datetime.datetime,
    end: datetime.datetime,
    *,
    attendees: int,
    purpose: str,
    company_name: str = "",
    contact_phone: str = "",
    series: Series | None = None,
) -> Reservation:
    """Book the room; a date of a `series` is booked alike, its e-mail is the series' own."""
    for attempt in range(1, CODE_ATTEMPTS + 1):
        try:
            return _book(
                user,
                room,
                start,
                end,
                attendees=attendees,
                purpose=purpose,
                company_name=company_name,
                contact_phone=contact_phone,
                series=series,
            )
        except IntegrityError as error:
            if not _is_code_taken(error) or attempt == CODE_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def _is_code_taken(error: IntegrityError) -> bool:
    # PostgreSQL names the constraint; SQLite names the column.
    message = str(error)
    return "reservation_code_unique" in message or "reservations_reservation.code" in message


def _book(
    user: User,
    room: Room,
    start: datetime.datetime,
    end: datetime.datetime,
    *,
    attendees: int,
    purpose: str,
    company_name: str,
    contact_phone: str,
    series: Series | None = None,
) -> Reservation:
    now = timezone.now()
    try:
        with transaction.atomic():
            # The booker's row and the room's, locked in one statement: the booker's in its
            # sub-select (PostgreSQL locks it first), then the room's, alike in every booking.
            # Only the room's row, not the facility's: an import or a manager editing the
            # facility never waits on bookings. The rules read after the locks are held, in a
            # statement of their own, so that they see what the booking waited for.
            booker = (
                get_user_model()
                .objects.filter(pk=user.pk)
                .order_by()
                .select_for_update(no_key=True)
            )
            room = (
                Room.objects.select_for_update(no_key=True, of=("self",))
                .select_related("facility")
                .annotate(booker_locked=Subquery(booker.values("pk")))
                .get(pk=room.pk)
            )
            request = BookingRequest(start, end, now, attendees=attendees, user=user, series=series)
            facts = rules.read(request, room, lapsing=Exists(_undecided(now, [room.pk])))
            if facts["lapsing"]:
                lapse_undecided(now=now, rooms=[room])
            rules.check(request, room, facts)
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
                series=series,
            )
            _record(reservation, user, "", status)
            kind = "requested" if status == Status.PENDING else "booked"
            if series is None:
                notifications.schedule(kind, reservation)
    except IntegrityError as error:
        if "reservation_no_overlap" in str(error):
            raise rules.SLOT_FREE.taken() from error
        raise
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) in RACE_SQLSTATES:
            raise rules.SLOT_FREE.taken() from error
        raise
    return reservation


def _transition(
    reservation: Reservation, actor: User | None, to_status: str, note: str = "", **fields: Any
) -> Reservation:
    """Compare-and-set the status; refuse when the edge is not allowed or the row moved."""
    from_status = reservation.status
    if to_status not in ALLOWED.get(Status(from_status), set()):
        raise refusal(
            "invalid_transition",
            _("A booking that is “%(status)s” cannot be changed that way."),
            status=Status(from_status).label,
        )
    now = timezone.now()
    changed = Reservation.objects.filter(pk=reservation.pk, status=from_status).update(
        status=to_status, updated_at=now, **fields
    )
    if changed != 1:
        raise refusal(
            "invalid_transition", _("This booking was changed meanwhile. Please reload the page.")
        )
    reservation.refresh_from_db()
    _record(reservation, actor, from_status, to_status, note)
    return reservation


def _require_manager(actor: User, reservation: Reservation) -> None:
    if not manages(actor, reservation.room):
        raise PermissionDenied(_("Only the facility's managers can decide on this booking."))


def approve(
    actor: User, reservation: Reservation, note: str = "", *, notify: bool = True
) -> Reservation:
    """`notify=False`: the caller sends one notice for many (a series, approve_series)."""
    with transaction.atomic():
        _require_manager(actor, reservation)
        now = timezone.now()
        if reservation.start <= now:
            raise refusal(
                "past", _("The booking has already started; it can no longer be approved.")
            )
        request = BookingRequest(reservation.start, reservation.end, now)
        rules.ACTIVE_ROOM.check(request, reservation.room)
        if reservation.status == Status.PENDING:
            rules.CLOSURES.check(request, reservation.room)
        reservation = _transition(
            reservation,
            actor,
            Status.APPROVED,
            note,
            decided_by=actor,
            decided_at=now,
            decision_note=note,
        )
        if notify:
            notifications.schedule("approved", reservation)
    return reservation


def reject(
    actor: User, reservation: Reservation, reason: str, *, notify: bool = True
) -> Reservation:
    reason = (reason or "").strip()
    with transaction.atomic():
        _require_manager(actor, reservation)
        if not reason:
            raise refusal("reason_required", _("Please give the booker a reason."))
        reservation = _transition(
            reservation,
            actor,
            Status.REJECTED,
            reason,
            decided_by=actor,
            decided_at=timezone.now(),
            decision_note=reason,
        )
        _announce_booking_freed(reservation)
        if notify:
            notifications.schedule("rejected", reservation)
    return reservation


def cancel(
    actor: User, reservation: Reservation, reason: str = "", *, notify: bool = True
) -> Reservation:
    """The booker cancels until the start; a manager cancels an active booking with a reason."""
    reason = (reason or "").strip()
    with transaction.atomic():
        if reservation.booked_by_id == actor.pk and reservation.booked_by_id is not None:
            rules.BOOKER_CANCELLATION.check(reservation, timezone.now())
        else:
            _require_manager(actor, reservation)
            if not reason:
                raise refusal("reason_required", _("Please give the booker a reason."))
        reservation = _transition(
            reservation, actor, Status.CANCELLED, reason, decision_note=reason
        )
        if history.touches_history(reservation):
            transaction.on_commit(history.changed)
        _announce_booking_freed(reservation)
        if notify:
            notifications.schedule("cancelled", reservation)
    return reservation


def withdraw_upcoming(user: User) -> list[Reservation]:
    """Cancel the bookings of a user whose account is being deleted that have not started yet.

    Their time is free again at once and each facility's managers are told; bookings under
    way or over stay as they are, for the record.
    """
    note = str(_("The booker deleted their account."))
    withdrawn = []
    with transaction.atomic():
        upcoming = Reservation.objects.active().filter(booked_by=user, start__gt=timezone.now())
        for reservation in upcoming.select_related("room__facility").order_by("start", "pk"):
            try:
                _transition(reservation, user, Status.CANCELLED, note, decision_note=note)
            except BookingError:
                continue  # changed meanwhile: no longer holds its time
            _announce_booking_freed(reservation)
            notifications.schedule("withdrawn", reservation)
            withdrawn.append(reservation)
    return withdrawn


def lapse_undecided(
    now: datetime.datetime | None = None, rooms: Iterable[Room] | None = None
) -> int:
    """Expire pending bookings whose start has passed; return how many."""
    now = now or timezone.now()
    pending = _undecided(now, rooms)
    lapsed = 0
    note = str(_("Not decided before its start."))
    # Inside a booking it joins the booking's transaction: no savepoint of its own to pay for.
    with transaction.atomic(savepoint=False):
        for reservation in pending.select_related("booked_by", "room__facility"):
            changed = Reservation.objects.filter(pk=reservation.pk, status=Status.PENDING).update(
                status=Status.EXPIRED, updated_at=now
            )
            if changed:
                lapsed += 1
                reservation.status = Status.EXPIRED
                _record(reservation, None, Status.PENDING, Status.EXPIRED, note)
                _announce_booking_freed(reservation)
                notifications.schedule("expired", reservation)
    return lapsed


def _undecided(now: datetime.datetime, rooms: Iterable[Room | int] | None = None) -> Any:
    """Pending bookings that nobody decided before their start, of these rooms if given."""
    pending = Reservation.objects.filter(status=Status.PENDING, start__lte=now)
    if rooms is not None:
        pending = pending.filter(room__in=rooms)
    return pending


def check_in(
    actor: User | None,
    reservation: Reservation,
    *,
    code: str = "",
    now: datetime.datetime | None = None,
) -> Reservation:
    """Record that the meeting's people came, within the check-in window (rules.CHECK_IN).

    The booker checks in as themselves (my reservations); at the room's door anyone holding
    the booking's code does (the person who booked is often not the one who attends), with
    `actor` None; a manager of the facility may check in for someone at the front desk.
    """
    now = now or timezone.now()
    with transaction.atomic():
        by_code = bool(code) and normalise_code(code) == reservation.code
        if not by_code:
            if actor is None:
                raise PermissionDenied(_("Give the booking's code to check in."))
            if reservation.booked_by_id != actor.pk and not manages(actor, reservation.room):
                raise PermissionDenied(_("Only the booker can check this booking in."))
        rules.CHECK_IN.check(reservation, now)
        changed = Reservation.objects.filter(
            pk=reservation.pk, status=Status.APPROVED, checked_in_at=None, released_at=None
        ).update(checked_in_at=now, updated_at=now)
        if changed != 1:
            raise refusal(
                "invalid_transition",
                _("This booking was changed meanwhile. Please reload the page."),
            )
        reservation.refresh_from_db()
        where = str(_("At the room's door, with the booking's code.")) if actor is None else ""
        _record(reservation, actor, Status.APPROVED, Status.APPROVED, where, Action.CHECK_IN)
    return reservation


def check_in_at_door(room: Room, code: str, now: datetime.datetime | None = None) -> Reservation:
    """Check in the booking of this room that has the code, whoever gives it."""
    now = now or timezone.now()
    reservation = (
        Reservation.objects.select_related("room")
        .filter(room=room, code=normalise_code(code))
        .first()
    )
    if reservation is None:
        raise refusal("unknown_code", _("No booking of this room has that code."))
    return check_in(None, reservation, code=code, now=now)


def end_early(
    actor: User, reservation: Reservation, now: datetime.datetime | None = None
) -> Reservation:
    """The booker (or a manager) ends a checked-in meeting now; the rest is free for others."""
    now = now or timezone.now()
    with transaction.atomic():
        if reservation.booked_by_id != actor.pk and not manages(actor, reservation.room):
            raise PermissionDenied(_("Only the booker can end this booking."))
        rules.ENDING_EARLY.check(reservation, now)
        released = max(now, reservation.start)
        changed = Reservation.objects.filter(
            pk=reservation.pk,
            status=Status.APPROVED,
            checked_in_at__isnull=False,
            released_at=None,
            end__gt=now,
        ).update(released_at=released, updated_at=now)
        if changed != 1:
            raise refusal(
                "invalid_transition",
                _("This booking was changed meanwhile. Please reload the page."),
            )
        reservation.refresh_from_db()
        _record(reservation, actor, Status.APPROVED, Status.APPROVED, "", Action.END_EARLY)
        _announce_freed([reservation.room_id], released, reservation.end)
    return reservation


def release_no_shows(now: datetime.datetime | None = None) -> int:
    """Mark approved bookings whose check-in window closed without a check-in as no-shows.

    Each is moved by compare-and-set in its own transaction (a booking checked in meanwhile
    stays as it is), its remaining time is released at once, the booker is told, and the
    no-show counts towards a suspension (rules.PENALTIES). Returns how many were released.
    """
    now = now or timezone.now()
    missed = (
        Reservation.objects.filter(rules.CHECK_IN.missed(now))
        .select_related("room", "booked_by")
        .order_by("start", "pk")
    )
    note = str(_("Not checked in by the end of the check-in window."))
    released = 0
    for reservation in missed:
        with transaction.atomic():
            released_at = min(max(now, reservation.start), reservation.end)
            changed = Reservation.objects.filter(
                pk=reservation.pk, status=Status.APPROVED, checked_in_at=None
            ).update(status=Status.NO_SHOW, released_at=released_at, updated_at=now)
            if not changed:
                continue
            released += 1
            reservation.status, reservation.released_at = Status.NO_SHOW, released_at
            _record(reservation, None, Status.APPROVED, Status.NO_SHOW, note)
            if reservation.booked_by is not None:
                _penalise(reservation.booked_by, now)
            _announce_freed([reservation.room_id], released_at, reservation.end)
            notifications.schedule("no_show", reservation)
    return released


def _penalise(user: User, now: datetime.datetime) -> Suspension | None:
    """Suspend the booker when their no-shows reach PENALTIES.suspension_from."""
    get_user_model().objects.select_for_update(no_key=True).filter(pk=user.pk).exists()
    record = rules.standing(user, now)
    if not record.suspension_due:
        return None
    suspension = Suspension.objects.create(
        user=user,
        starts_at=now,
        ends_at=now + rules.PENALTIES.suspension,
        no_shows=record.no_shows,
    )
    logger.info(
        "User %s suspended until %s after %d no-shows",
        user.pk,
        suspension.ends_at,
        record.no_shows,
    )
    return suspension


def lift_suspension(actor: User, suspension: Suspension, reason: str) -> Suspension:
    """A superuser ends a suspension now, with a reason kept on the suspension."""
    reason = (reason or "").strip()
    if not actor.is_superuser:
        raise PermissionDenied(_("Only a superuser can lift a suspension."))
    if not reason:
        raise refusal("reason_required", _("Please give a reason for lifting the suspension."))
    now = timezone.now()
    changed = Suspension.objects.filter(pk=suspension.pk, lifted_at=None).update(
        lifted_at=now, lifted_by=actor, lift_reason=reason
    )
    if changed != 1:
        raise refusal("already_lifted", _("This suspension was already lifted."))
    logger.info(
        "Suspension %s of user %s lifted by user %s", suspension.pk, suspension.user_id, actor.pk
    )
    suspension.refresh_from_db()
    return suspension


def bookings_under(closure: Closure, now: datetime.datetime | None = None) -> list[Reservation]:
    """Active bookings that the closure overlaps and that have not ended yet."""
    bookings = (
        Reservation.objects.active()
        .overlapping(closure.start, closure.end)
        .not_over(now or timezone.now())
    )
    if closure.room_id:
        bookings = bookings.filter(room_id=closure.room_id)
    else:
        bookings = bookings.filter(room__facility_id=closure.facility_id)
    return list(bookings.select_related("room__facility", "booked_by").order_by("start", "pk"))


@dataclass
class ClosureOutcome:
    """What closing did: the bookings it cancelled, and those it could not, with the reason."""

    closure: Closure
    cancelled: list[Reservation] = field(default_factory=list)
    refused: list[tuple[Reservation, BookingError | PermissionDenied]] = field(default_factory=list)


def close(actor: User, closure: Closure) -> ClosureOutcome:
    """Save the closure and cancel, with its reason, the bookings it covers that have not ended.

    The rooms it closes are locked first, as book() locks them, so that no booking can slip in
    between: a booking made meanwhile either committed before (and is cancelled here) or sees
    the closure. A booking that changed meanwhile, or that the actor may not cancel, is
    reported and left as it is; meetings already over are history and are never cancelled.
    """
    outcome = ClosureOutcome(closure)
    with transaction.atomic():
        rooms = Room.objects.filter(facility_id=closure.facility_id)
        if closure.room_id:
            rooms = rooms.filter(pk=closure.room_id)
        list(rooms.select_for_update(no_key=True).order_by("pk").values_list("pk", flat=True))
        if closure.pk is None and closure.created_by_id is None:
            closure.created_by = actor
        closure.save()
        for booking in bookings_under(closure):
            try:
                cancel(actor, booking, closure.reason)
            except (BookingError, PermissionDenied) as error:
                outcome.refused.append((booking, error))
            else:
                outcome.cancelled.append(booking)
    return outcome


# --- Recurring bookings -----------------------------------------------------------------------
#
# A series is a pattern (Series) whose every date is an ordinary booking, made by book() under
# every rule and the database's overlap guard. Dates within the room kind's booking window are
# booked at once; later ones by the worker's daily sweep as they enter the window
# (extend_series), under the rules of that day. A date a rule refuses is skipped and reported
# with the rule's message; the series stands with the rest. One e-mail tells about each change
# of the series as a whole.


class Outcome:
    BOOKABLE = "bookable"
    LATER = "later"
    REFUSED = "refused"


@dataclass
class Occurrence:
    """One date of a series as planned: bookable now, to be booked when it enters the booking
    window (`books_on`), or refused by a rule (`error`, whose message says which)."""

    start: datetime.datetime
    end: datetime.datetime
    outcome: str
    error: BookingError | None = None
    books_on: datetime.date | None = None

    @property
    def reason(self) -> str:
        return " ".join(self.error.messages) if self.error else ""


@dataclass
class SeriesOutcome:
    """What booking (or extending) a series did: the dates booked, skipped and left for later."""

    series: Series
    booked: list[Reservation] = field(default_factory=list)
    skipped: list[tuple[datetime.datetime, BookingError]] = field(default_factory=list)
    later: list[datetime.date] = field(default_factory=list)


@dataclass
class SeriesDecision:
    """What a decision on a whole series did: the dates decided, and those it could not."""

    series: Series
    decided: list[Reservation] = field(default_factory=list)
    refused: list[tuple[Reservation, BookingError | PermissionDenied]] = field(default_factory=list)


def _series_days(
    first: datetime.date, frequency: str, until: datetime.date | None, count: int | None
) -> list[datetime.date]:
    if (until is None) == (count is None):
        raise refusal("series_end", _("End the series on a date or after a number of dates."))
    if count is not None and count < 2:
        raise refusal("series_end", _("A series has at least two dates."))
    if until is not None and until <= first:
        raise refusal("series_end", _("The series must end after its first date."))
    days = occurrence_days(first, frequency, until=until, count=count, most=rules.SERIES_MAX_DATES)
    rules.SERIES_QUOTA.check_dates(days)
    return days


def _window_end(room: Room, now: datetime.datetime) -> datetime.date:
    return rules.BOOKING_WINDOW.last_day(room.kind, timezone.localdate(now))


def plan_series(
    user: User,
    room: Room,
    start: datetime.datetime,
    end: datetime.datetime,
    *,
    frequency: str,
    until: datetime.date | None = None,
    count: int | None = None,
    attendees: int,
    now: datetime.datetime | None = None,
) -> list[Occurrence]:
    """Every date of the series with what the rules say of it now, before anything is booked.

    Raises BookingError when the series as a whole is refused (too many dates, too many
    series going on). One query per date reads what the rules need.
    """
    now = now or timezone.now()
    rules.SERIES_QUOTA.check(user, now)
    pattern = Series(first_start=start, first_end=end)
    days = _series_days(pattern.first_day, frequency, until, count)
    window_end = _window_end(room, now)
    planned = []
    for day in days:
        day_start, day_end = pattern.period_on(day)
        request = BookingRequest(day_start, day_end, now, attendees=attendees, user=user)
        try:
            if day > window_end:
                rules.check_beyond_window(request, room)
            else:
                rules.check(request, room)
        except BookingError as error:
            planned.append(Occurrence(day_start, day_end, Outcome.REFUSED, error))
            continue
        if day > window_end:
            books_on = rules.BOOKING_WINDOW.opens_on(room.kind, day)
            planned.append(Occurrence(day_start, day_end, Outcome.LATER, books_on=books_on))
        else:
            planned.append(Occurrence(day_start, day_end, Outcome.BOOKABLE))
    return planned


def _skip_record(start: datetime.datetime, error: BookingError) -> dict[str, Any]:
    """A skipped date as the series keeps it: the rule's code and its message in both languages
    the e-mails use, as it read on the day the date was tried."""
    reason = {}
    for language in ("ko", "en"):
        with translation.override(language):
            reason[language] = " ".join(str(message) for message in error.messages)
    return {"start": start.isoformat(), "code": error.code, "reason": reason}


def _book_dates(
    series: Series, user: User, days: Iterable[datetime.date], outcome: SeriesOutcome
) -> None:
    """Book each date of the series through book(); a refused date is skipped, and kept."""
    for day in days:
        start, end = series.period_on(day)
        try:
            reservation = book(
                user,
                series.room,
                start,
                end,
                attendees=series.attendees,
                purpose=series.purpose,
                company_name=series.company_name,
                contact_phone=series.contact_phone,
                series=series,
            )
        except BookingError as error:
            outcome.skipped.append((start, error))
        else:
            outcome.booked.append(reservation)
    series.skipped = [*series.skipped, *(_skip_record(s, e) for s, e in outcome.skipped)]


def book_series(
    user: User,
    room: Room,
    start: datetime.datetime,
    end: datetime.datetime,
    *,
    frequency: str,
    until: datetime.date | None = None,
    count: int | None = None,
    attendees: int,
    purpose: str,
    company_name: str = "",
    contact_phone: str = "",
) -> SeriesOutcome:
    """Book every date of the series that the rules allow now; the others are skipped, each
    with its reason, and dates beyond the booking window wait for the sweep (extend_series).

    All or nothing as a whole: if no date can be booked, nothing is kept (no series without a
    booking). One e-mail tells the booker (and, for dates awaiting approval, the managers).
    """
    now = timezone.now()
    with transaction.atomic():
        # The booker's row first, as book() locks it: two series of one booker queue up here,
        # so that both cannot pass the series quota at once.
        get_user_model().objects.select_for_update(no_key=True).filter(pk=user.pk).exists()
        rules.SERIES_QUOTA.check(user, now)
        first = timezone.localtime(start).date()
        days = _series_days(first, frequency, until, count)
        window_end = _window_end(room, now)
        series = Series.objects.create(
            room=room,
            booked_by=user,
            frequency=frequency,
            first_start=start,
            first_end=end,
            until=until,
            count=count,
            last_day=days[-1],
            booked_through=min(days[-1], window_end),
            attendees=attendees,
            purpose=purpose,
            company_name=company_name,
            contact_phone=contact_phone,
        )
        outcome = SeriesOutcome(series, later=[day for day in days if day > window_end])
        _book_dates(series, user, [day for day in days if day <= window_end], outcome)
        if not outcome.booked:
            raise refusal(
                "series_nothing_booked",
                _("None of the dates of the series can be booked now, so nothing was booked."),
            )
        series.save(update_fields=["skipped"])
        pending = outcome.booked[0].status == Status.PENDING
        notifications.schedule_series(
            "series_requested" if pending else "series_booked",
            series,
            [reservation.pk for reservation in outcome.booked],
            skipped=series.skipped,
        )
    return outcome


def extend_series(now: datetime.datetime | None = None) -> int:
    """Book the dates of every series that entered the booking window since it was last
    extended, under the rules of today; tell each booker once what was booked and skipped.

    Each series in its own transaction, its row locked and `booked_through` re-read, so two
    workers never book a date twice. Returns how many dates were booked.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    farthest = today + datetime.timedelta(
        days=max(policy.max_days_ahead for policy in rules.POLICIES.values())
    )
    booked = 0
    for series_id in Series.objects.to_extend(farthest).order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            series = (
                Series.objects.select_for_update(of=("self",))
                .select_related("room__facility", "booked_by")
                .filter(pk=series_id)
                .first()
            )
            if series is None or series.stopped_at or series.booked_by is None:
                continue
            window_end = min(series.last_day, _window_end(series.room, now))
            if series.booked_through >= window_end:
                continue
            days = [day for day in series.days() if series.booked_through < day <= window_end]
            outcome = SeriesOutcome(series)
            _book_dates(series, series.booked_by, days, outcome)
            series.booked_through = window_end
            series.save(update_fields=["booked_through", "skipped"])
            if outcome.booked or outcome.skipped:
                notifications.schedule_series(
                    "series_extended",
                    series,
                    [reservation.pk for reservation in outcome.booked],
                    skipped=[_skip_record(start, error) for start, error in outcome.skipped],
                )
            booked += len(outcome.booked)
    return booked


def cancel_from(actor: User, reservation: Reservation) -> list[Reservation]:
    """The booker cancels this date of a series and every later one, and ends the series there:
    no later date is booked when it enters the window. Earlier dates stay. One e-mail."""
    if reservation.series_id is None:
        raise refusal("not_in_series", _("This booking is not part of a series."))
    if reservation.booked_by_id is None or reservation.booked_by_id != actor.pk:
        raise PermissionDenied(_("Only the booker can cancel the rest of a series."))
    now = timezone.now()
    cancelled = []
    with transaction.atomic():
        series = Series.objects.select_for_update(of=("self",)).get(pk=reservation.series_id)
        rules.BOOKER_CANCELLATION.check(reservation, now)
        later = (
            series.occurrences.active()
            .filter(start__gte=reservation.start)
            .select_related("room__facility")
            .order_by("start", "pk")
        )
        for occurrence in later:
            try:
                cancelled.append(cancel(actor, occurrence, notify=False))
            except BookingError:
                continue  # changed meanwhile: no longer holds its time
        if series.stopped_at is None or reservation.start < series.stopped_at:
            series.stopped_at = reservation.start
            series.save(update_fields=["stopped_at"])
        if cancelled:
            notifications.schedule_series(
                "series_cancelled", series, [occurrence.pk for occurrence in cancelled]
            )
    return cancelled


def _decide_series(
    actor: User, series: Series, decide: Any, kind: str, note: str
) -> SeriesDecision:
    if not manages(actor, series.room):
        raise PermissionDenied(_("Only the facility's managers can decide on this booking."))
    outcome = SeriesDecision(series)
    with transaction.atomic():
        pending = (
            series.occurrences.filter(status=Status.PENDING)
            .select_related("room__facility", "booked_by")
            .order_by("start", "pk")
        )
        for occurrence in pending:
            try:
                decide(actor, occurrence, note, notify=False)
            except (BookingError, PermissionDenied) as error:
                outcome.refused.append((occurrence, error))
            else:
                outcome.decided.append(occurrence)
        if outcome.decided:
            notifications.schedule_series(
                kind, series, [occurrence.pk for occurrence in outcome.decided]
            )
    return outcome


def approve_series(actor: User, series: Series, note: str = "") -> SeriesDecision:
    """A manager approves every pending date of the series; a date a rule now refuses (it has
    started, the room closed) stays pending and is reported. One e-mail to the booker."""
    return _decide_series(actor, series, approve, "series_approved", note)


def reject_series(actor: User, series: Series, reason: str) -> SeriesDecision:
    """A manager rejects every pending date of the series with one reason. One e-mail."""
    reason = (reason or "").strip()
    if not reason:
        raise refusal("reason_required", _("Please give the booker a reason."))
    return _decide_series(actor, series, reject, "series_rejected", reason)


def bookings_under_area(area: AreaClosure, now: datetime.datetime | None = None) -> Any:
    """Active bookings of the area's sites that its period overlaps and that have not ended."""
    return (
        Reservation.objects.active()
        .overlapping(area.start, area.end)
        .not_over(now or timezone.now())
        .filter(room__facility__in=area.facilities())
    )


@dataclass
class AreaClosureOutcome:
    """What closing an area did: how many sites it closed and the bookings it cancelled."""

    area: AreaClosure
    sites: int = 0
    cancelled: list[Reservation] = field(default_factory=list)


# Rows written per statement when an area's closures and events are inserted.
AREA_BATCH = 500


def close_area(actor: User, area: AreaClosure) -> AreaClosureOutcome:
    """Close every site of a region, a district or the country, and cancel, with the reason
    and a notice to each booker, the bookings of those sites the period covers.

    A ministry official or a superuser decides this. All in one transaction, in a number of
    statements that does not grow with the bookings (inserts go in batches of AREA_BATCH):
    the area's rooms are locked first, as book() locks a room, so a booking either committed
    before (and is cancelled here) or sees the closures; the bookings themselves are locked
    too, so each cancellation is certain and none is refused. The notices go to the queue as
    one task that sends each booker's (once, keyed by booking) from the worker.
    """
    if not (actor.is_superuser or is_ministry_official(actor)):
        raise PermissionDenied(_("Only ministry officials can close the sites of an area."))
    reason = (area.reason or "").strip()
    if not reason:
        raise refusal("reason_required", _("Please give the bookers a reason."))
    now = timezone.now()
    outcome = AreaClosureOutcome(area)
    with transaction.atomic():
        rooms = Room.objects.filter(facility__in=area.facilities())
        list(rooms.select_for_update(no_key=True).order_by("pk").values_list("pk", flat=True))
        if area.created_by_id is None:
            area.created_by = actor
        area.reason = reason
        area.save()
        site_ids = list(area.facilities().order_by("pk").values_list("pk", flat=True))
        Closure.objects.bulk_create(
            [
                Closure(facility_id=site_id, start=area.start, end=area.end, reason=reason,
                        created_by=area.created_by, area_closure=area)
                for site_id in site_ids
            ],
            batch_size=AREA_BATCH,
        )  # fmt: skip
        outcome.sites = len(site_ids)
        bookings = list(
            bookings_under_area(area, now)
            .select_for_update(of=("self",))
            .select_related("room__facility", "booked_by")
            .order_by("start", "pk")
        )
        # Pending and approved alike may move to cancelled (ALLOWED); the rows are locked.
        Reservation.objects.filter(pk__in=bookings_under_area(area, now).values("pk")).update(
            status=Status.CANCELLED, updated_at=now, decision_note=reason
        )
        ReservationEvent.objects.bulk_create(
            [
                ReservationEvent(reservation=booking, actor=actor, from_status=booking.status,
                                 to_status=Status.CANCELLED, note=reason)
                for booking in bookings
            ],
            batch_size=AREA_BATCH,
        )  # fmt: skip
        for booking in bookings:
            booking.status, booking.decision_note, booking.updated_at = (
                Status.CANCELLED,
                reason,
                now,
            )
        if any(history.touches_history(booking) for booking in bookings):
            transaction.on_commit(history.changed)
        if bookings:
            notifications.schedule_each("cancelled", bookings)
        outcome.cancelled = bookings
    return outcome


def lift_closure(
    actor: User, closure: Closure, now: datetime.datetime | None = None
) -> Closure | None:
    """End a closure now, before its planned end: its rooms' time from now on is free again.

    A closure that has not begun is removed (None is returned); one under way ends now. The
    freed time is announced, so the waitlists of its rooms get their offers.
    """
    now = now or timezone.now()
    with transaction.atomic():
        if not actor.is_superuser and not closure.facility.managers.filter(pk=actor.pk).exists():
            raise PermissionDenied(_("Only the facility's managers can lift this closure."))
        rooms = Room.objects.filter(facility_id=closure.facility_id)
        if closure.room_id:
            rooms = rooms.filter(pk=closure.room_id)
        room_ids = list(
            rooms.select_for_update(no_key=True).order_by("pk").values_list("pk", flat=True)
        )
        current = Closure.objects.select_for_update().filter(pk=closure.pk).first()
        if current is None or current.end <= now:
            raise refusal("closure_over", _("This closure is already over."))
        freed_from = max(current.start, now)
        if current.start >= now:
            current.delete()
            lifted = None
        else:
            Closure.objects.filter(pk=current.pk).update(end=now)
            current.end = now
            lifted = current
        logger.info("Closure %s lifted by user %s", closure.pk, actor.pk)
        _announce_freed(room_ids, freed_from, closure.end)
    return lifted


def hold_for_offer(
    room: Room,
    start: datetime.datetime,
    end: datetime.datetime,
    *,
    attendees: int,
    now: datetime.datetime | None = None,
) -> Reservation:
    """Hold the room's time for a waitlist's offer: a row in status OFFERED, which the
    database's overlap guard counts like a booking, so no one else can book it meanwhile.

    Every rule about the room and the period is checked as for a booking (the booker's own
    rules are checked when they confirm, `confirm_offer`); a slot taken meanwhile, or held by
    another offer made at the same time, is refused with "slot taken". Whoever calls this
    keeps who the offer is for: the row has no booker until it is confirmed.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            room = (
                Room.objects.select_for_update(no_key=True, of=("self",))
                .select_related("facility")
                .get(pk=room.pk)
            )
            request = BookingRequest(start, end, now, attendees=attendees)
            facts = rules.read(request, room, lapsing=Exists(_undecided(now, [room.pk])))
            if facts["lapsing"]:
                lapse_undecided(now=now, rooms=[room])
            rules.check(request, room, facts)
            return Reservation.objects.create(
                room=room,
                booked_by=None,
                start=start,
                end=end,
                attendees=attendees,
                purpose="",
                status=Status.OFFERED,
                offer_expires_at=min(now + rules.OFFER_WINDOW, start),
                check_in_required=False,
            )
    except IntegrityError as error:
        if "reservation_no_overlap" in str(error):
            raise rules.SLOT_FREE.taken() from error
        raise
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) in RACE_SQLSTATES:
            raise rules.SLOT_FREE.taken() from error
        raise


def release_offer(hold: Reservation, *, announce: bool = True) -> bool:
    """End a waitlist offer's hold (declined, expired, withdrawn): the time is free again and,
    with `announce`, offered to the next in line. False when it was released already."""
    with transaction.atomic():
        deleted, _by_model = Reservation.objects.offers().filter(pk=hold.pk).delete()
        if deleted and announce:
            _announce_freed([hold.room_id], hold.start, hold.end)
    return bool(deleted)


def confirm_offer(
    user: User,
    hold: Reservation,
    *,
    attendees: int,
    purpose: str,
    company_name: str = "",
    contact_phone: str = "",
) -> Reservation:
    """Turn a waitlist offer held for `user` into their booking, through `book` and so every
    booking rule at this moment (quota, own overlaps, suspension, approval).

    The hold is released and the booking made in one transaction: when a rule refuses, the
    hold stands as it was, still theirs until it expires or they decline. The caller (the
    waitlist) checks that the offer is this user's.
    """
    with transaction.atomic():
        if not release_offer(hold, announce=False):
            raise refusal("offer_over", _("This offer has ended. Please join the waitlist again."))
        return book(
            user,
            hold.room,
            hold.start,
            hold.end,
            attendees=attendees,
            purpose=purpose,
            company_name=company_name,
            contact_phone=contact_phone,
        )
