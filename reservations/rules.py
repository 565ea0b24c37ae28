"""The booking policy: its numbers per room kind, and each rule a booking must pass, stated once.

A rule is one object holding its check of one booking (`check`, which raises BookingError) and,
side by side, its queryset form (`admit`: the rooms it lets be booked for a request), so that the
database can filter by it. The booking service checks RULES in order; the free-room search
narrows rooms by the same RULES (`admit`), or by DAY_RULES when it reads the day's schedule; the
booking form offers the lengths `allows_length` admits; the day timeline reads the rules that take time out of a day
(opening hours, holidays, closures, bookings, the past); the room page asks BOOKING_WINDOW how far
ahead it may offer slots; the booker's cancel link asks BOOKER_CANCELLATION. After a booking is
made: CHECK_IN says when it can be checked in and when it has become a no-show, ENDING_EARLY
when its rest can be freed, PENALTIES what repeated no-shows cost. SERIES_QUOTA says how the
quota applies to a recurring series. A policy change is a change here, and only here.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import (
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext_lazy as _

from reservations.models import (
    ACTIVE_STATUSES,
    EFFECTIVE_END,
    Reservation,
    ReservationQuerySet,
    Series,
    Status,
    Suspension,
)
from rooms.calendar import at, korean_holiday
from rooms.models import Closure, OpeningHours, Room, RoomKind

if TYPE_CHECKING:
    from accounts.models import User

SLOT = datetime.timedelta(minutes=30)
USER_MAX_UPCOMING = 5
# How long a freed slot is held for the first in line of its waitlist (never past its start).
OFFER_WINDOW = datetime.timedelta(minutes=15)
# One company's accounts together: enough for a team, too few to hold a district's rooms.
BUSINESS_MAX_UPCOMING = 15
# Individuals (citizens, freelancers, pre-founders) book what a person needs; extended halls,
# for export consultations and company events, stay with business accounts.
INDIVIDUAL_KINDS = (RoomKind.STANDARD, RoomKind.BOOTH)


MINUTES = datetime.timedelta(minutes=1)


@dataclass(frozen=True)
class BookingPolicy:
    max_days_ahead: int
    min_duration: datetime.timedelta
    # None: as long as the facility is open that day.
    max_duration: datetime.timedelta | None
    always_needs_approval: bool
    # Check-in is open from this long before the start until this long after it; an approved
    # booking not checked in by then is a no-show and the rest of its time is freed.
    check_in_opens: datetime.timedelta = 15 * MINUTES
    check_in_closes: datetime.timedelta = 15 * MINUTES


POLICIES: dict[str, BookingPolicy] = {
    RoomKind.STANDARD: BookingPolicy(
        max_days_ahead=30,
        min_duration=SLOT,
        max_duration=datetime.timedelta(hours=4),
        always_needs_approval=False,
    ),
    RoomKind.BOOTH: BookingPolicy(
        max_days_ahead=30, min_duration=SLOT, max_duration=None, always_needs_approval=False
    ),
    # A hall's interpretation and streaming take longer to set up: check-in opens earlier.
    RoomKind.HALL: BookingPolicy(
        max_days_ahead=90,
        min_duration=SLOT,
        max_duration=None,
        always_needs_approval=True,
        check_in_opens=30 * MINUTES,
    ),
}


@dataclass(frozen=True)
class PenaltyPolicy:
    """What no-shows cost a booker. Late cancellations do not count: a cancellation, however
    late, frees the room sooner than a no-show's release, and must never cost more."""

    # No-shows are counted over this period back from now (and since a lifted suspension).
    period: datetime.timedelta
    # From this many no-shows in the period the booker is warned (in the no-show e-mail
    # and on the profile) ...
    warning_from: int
    # ... and from this many they may make no new bookings for `suspension`.
    suspension_from: int
    suspension: datetime.timedelta


PENALTIES = PenaltyPolicy(
    period=datetime.timedelta(days=90),
    warning_from=1,
    suspension_from=3,
    suspension=datetime.timedelta(days=14),
)


class BookingError(ValidationError):
    """A booking rule refused the change; the message is for the user."""


def refusal(code: str, message: Any, **params: Any) -> BookingError:
    return BookingError(message, code=code, params=params or None)


def needs_approval(room: Room) -> bool:
    return room.facility.requires_approval or POLICIES[room.kind].always_needs_approval


def holding(now: datetime.datetime) -> ReservationQuerySet:
    """Bookings that hold their time: active ones, but a pending one lapses at its start."""
    return Reservation.objects.active().exclude(status=Status.PENDING, start__lte=now)


def holding_time(now: datetime.datetime) -> ReservationQuerySet:
    """What takes a room's time: the bookings that hold it, and offers held for a waitlist."""
    return Reservation.objects.holding_time().exclude(status=Status.PENDING, start__lte=now)


def holds(status: str, start: datetime.datetime, now: datetime.datetime) -> bool:
    """The Python twin of `holding`, for an active booking already read."""
    return not (status == Status.PENDING and start <= now)


@dataclass(frozen=True)
class BookingRequest:
    """A period someone asks a room for: what every rule examines.

    The free-room search may leave `attendees` and `user` open; a booking always gives both.
    """

    start: datetime.datetime
    end: datetime.datetime
    now: datetime.datetime
    attendees: int | None = None
    user: User | None = None
    # The search asks `booker_refusal` first, to say why; then the rooms need not ask again.
    booker_checked: bool = False
    # A date of this recurring series: the series already counts against the quota.
    series: Series | None = None

    @cached_property
    def local_start(self) -> datetime.datetime:
        return timezone.localtime(self.start)

    @cached_property
    def local_end(self) -> datetime.datetime:
        return timezone.localtime(self.end)

    @property
    def day(self) -> datetime.date:
        return self.local_start.date()

    @property
    def today(self) -> datetime.date:
        return timezone.localdate(self.now)

    @property
    def duration(self) -> datetime.timedelta:
        return self.end - self.start


# What the rules read from the database for one booking: {rule code: value}, see `read`.
Facts = Mapping[str, Any]


class CountOf(Subquery):
    """How many rows a queryset has, as a value inside another query."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()


class Rule:
    """One condition of bookability: refuses with `code`, filters rooms with `admit`.

    A rule that looks at the database states what it reads in `reads`: one value, an expression
    the database computes, under the rule's code. `check` takes that value from `facts` when the
    booking service read every rule's at once (`read`), and reads it alone otherwise.
    """

    code = ""

    def reads(self, request: BookingRequest, room: Room | None) -> dict[str, Any]:
        """{self.code: expression} of what `check` needs from the database; {} if nothing."""
        return {}

    def fact(self, request: BookingRequest, room: Room | None, facts: Facts | None) -> Any:
        """This rule's value from `facts`, or, without them, read now in a query of its own."""
        if facts is None:
            facts = read(request, room, rules=(self,))
        return facts[self.code]

    def check(self, request: BookingRequest, room: Room, facts: Facts | None = None) -> None:
        raise NotImplementedError

    def admit(self, rooms: QuerySet[Room], request: BookingRequest) -> QuerySet[Room]:
        raise NotImplementedError


class PeriodRule(Rule):
    """A rule about the requested period alone: it refuses every room or none."""

    def check_period(self, request: BookingRequest) -> None:
        raise NotImplementedError

    def check(self, request: BookingRequest, room: Room, facts: Facts | None = None) -> None:
        self.check_period(request)

    def admit(self, rooms: QuerySet[Room], request: BookingRequest) -> QuerySet[Room]:
        try:
            self.check_period(request)
        except BookingError:
            return rooms.none()
        return rooms


class KindRule(Rule):
    """A rule that depends on the room's kind only: the database filters on the kinds it admits."""

    def check_kind(self, request: BookingRequest, kind: str) -> None:
        raise NotImplementedError

    def check(self, request: BookingRequest, room: Room, facts: Facts | None = None) -> None:
        self.check_kind(request, room.kind)

    def admit(self, rooms: QuerySet[Room], request: BookingRequest) -> QuerySet[Room]:
        kinds = []
        for kind in RoomKind.values:
            try:
                self.check_kind(request, kind)
            except BookingError:
                continue
            kinds.append(kind)
        return rooms.filter(kind__in=kinds)


class UserRule(Rule):
    """A rule about the booker's own bookings; without a booker (a search) it admits every room."""

    def check_user(self, request: BookingRequest, user: User, facts: Facts | None = None) -> None:
        raise NotImplementedError

    def check(self, request: BookingRequest, room: Room, facts: Facts | None = None) -> None:
        if request.user is not None:
            self.check_user(request, request.user, facts)

    def admit(self, rooms: QuerySet[Room], request: BookingRequest) -> QuerySet[Room]:
        if request.user is None or request.booker_checked:
            return rooms
        try:
            self.check_user(request, request.user)
        except BookingError:
            return rooms.none()
        return rooms


class ActiveRoom(Rule):
    code = "inactive_room"

    def check(self, request: BookingRequest, room: Room, facts: Facts | None = None) -> None:
        if not room.is_active:
            raise refusal(self.code, _("This room is not available for booking."))

    def admit(self, rooms: QuerySet[Room], request: BookingRequest) -> QuerySet[Room]:
        return rooms.filter(is_active=True)


class EndsAfterStart(PeriodRule):
    code = "too_short"

    def check_period(self, request: BookingRequest) -> None:
        if request.end <= request.start:
            raise refusal(self.code, _("The booking must end after it starts."))


class OnTheGrid(PeriodRule):
    code = "off_grid"

    def check_period(self, request: BookingRequest) -> None:
        for moment in (request.local_start, request.local_end):
            if moment.minute % 30 or moment.second or moment.microsecond:
                raise refusal(self.code, _("Bookings start and end on the hour or the half hour."))


class NotInThePast(PeriodRule):
    code = "past"

    def check_period(self, request: BookingRequest) -> None:
        if self.is_past(request.start, request.now):
            raise refusal(self.code, _("A booking cannot start in the past."))

    def is_past(self, start: datetime.datetime, now: datetime.datetime) -> bool:
        return start < now


class WithinBookingWindow(KindRule):
    code = "too_far_ahead"

    def last_day(self, kind: str, today: datetime.date) -> datetime.date:
        """The last day a room of this kind can be booked for, seen from `today`."""
        return today + datetime.timedelta(days=POLICIES[kind].max_days_ahead)

    def opens_on(self, kind: str, day: datetime.date) -> datetime.date:
        """The first day from which `day` can be booked in a room of this kind."""
        return day - datetime.timedelta(days=POLICIES[kind].max_days_ahead)

    def awaiting(
        self, series: Series
    ) -> list[tuple[datetime.datetime, datetime.datetime, datetime.date]]:
        """The series' dates not tried yet, as (start, end, the day it enters the window)."""
        if series.stopped_at is not None:
            return []
        return [
            (*series.period_on(day), self.opens_on(series.room.kind, day))
            for day in series.days()
            if day > series.booked_through
        ]

    def check_kind(self, request: BookingRequest, kind: str) -> None:
        if request.day > self.last_day(kind, request.today):
            raise refusal(
                self.code,
                _("This room can be booked at most %(days)s days ahead."),
                days=POLICIES[kind].max_days_ahead,
            )


class NotOnAHoliday(PeriodRule):
    code = "holiday"

    def name(self, day: datetime.date) -> str | None:
        return korean_holiday(day)

    def check_period(self, request: BookingRequest) -> None:
        holiday = self.name(request.day)
        if holiday:
            raise refusal(self.code, _("The facility is closed on %(holiday)s."), holiday=holiday)


class WithinOpeningHours(Rule):
    code = "outside_hours"

    def hours_on(
        self, facility_ids: Iterable[int] | None, day: datetime.date
    ) -> dict[int, OpeningHours]:
        """{facility id: its opening hours on `day`} of these facilities (None: of all); a
        facility closed that weekday is absent."""
        hours = OpeningHours.objects.filter(weekday=day.weekday()).order_by()
        if facility_ids is not None:
            hours = hours.filter(facility_id__in=facility_ids)
        return {row.facility_id: row for row in hours}

    def times_on(
        self, facility_ids: Iterable[int] | None, day: datetime.date
    ) -> dict[int, tuple[datetime.time, datetime.time]]:
        """{facility id: (opens, closes)} on `day`, as `hours_on` without building the rows."""
        hours = OpeningHours.objects.filter(weekday=day.weekday()).order_by()
        if facility_ids is not None:
            hours = hours.filter(facility_id__in=facility_ids)
        return {facility: (opens, closes) for facility, opens, closes in
                hours.values_list("facility_id", "opens", "closes")}  # fmt: skip

    def _refuse(self) -> BookingError:
        return refusal(self.code, _("The booking must be within the facility's opening hours."))

    def opening(self, request: BookingRequest, facility: Any) -> QuerySet[OpeningHours]:
        """The facility's (an id or an OuterRef) hours that day, if they span the request."""
        return OpeningHours.objects.filter(
            facility=facility,
            weekday=request.day.weekday(),
            opens__lte=request.local_start.time(),
            closes__gte=request.local_end.time(),
        )

    def reads(self, request: BookingRequest, room: Room | None) -> dict[str, Any]:
        assert room is not None
        return {self.code: Exists(self.opening(request, room.facility_id))}

    def check(self, request: BookingRequest, room: Room, facts: Facts | None = None) -> None:
        if request.local_end.date() != request.day or not self.fact(request, room, facts):
            raise self._refuse()

    def admit(self, rooms: QuerySet[Room], request: BookingRequest) -> QuerySet[Room]:
        # A period that ends at midnight or later is not within one day's opening hours.
        if request.local_end - datetime.timedelta(microseconds=1) >= at(
            request.day + datetime.timedelta(days=1), datetime.time.min
        ):
            return rooms.none()
        return rooms.filter(Exists(self.opening(request, OuterRef("facility"))))


class MinimumDuration(KindRule):
    code = "too_short"

    def check_kind(self, request: BookingRequest, kind: str) -> None:
        shortest = POLICIES[kind].min_duration
        if request.duration < shortest:
            raise refusal(
                self.code,
                _("A booking lasts at least %(minutes)s minutes."),
                minutes=int(shortest.total_seconds() // 60),
            )


class MaximumDuration(KindRule):
    code = "too_long"

    def check_kind(self, request: BookingRequest, kind: str) -> None:
        longest = POLICIES[kind].max_duration
        if longest is not None and request.duration > longest:
            raise refusal(
                self.code,
                _("This room can be booked for at most %(hours)s hours at a time."),
                hours=f"{longest.total_seconds() / 3600:g}",
            )


def allows_length(kind: str, length: datetime.timedelta) -> bool:
    """Whether a booking of a room of this kind may last `length`, by the two duration rules."""
    moment = timezone.now()
    request = BookingRequest(moment, moment + length, moment)
    try:
        for rule in (MINIMUM_DURATION, MAXIMUM_DURATION):
            rule.check_kind(request, kind)
    except BookingError:
        return False
    return True


class SomeoneAttends(Rule):
    code = "no_attendees"

    def check(self, request: BookingRequest, room: Room, facts: Facts | None = None) -> None:
        if request.attendees is None or request.attendees < 1:
            raise refusal(self.code, _("At least one person must attend."))

    def admit(self, rooms: QuerySet[Room], request: BookingRequest) -> QuerySet[Room]:
        if request.attendees is not None and request.attendees < 1:
            return rooms.none()
        return rooms


class WithinCapacity(Rule):
    code = "too_many_attendees"

    def check(self, request: BookingRequest, room: Room, facts: Facts | None = None) -> None:
        if request.attendees is not None and request.attendees > room.capacity:
            raise refusal(
                self.code,
                _("This room holds at most %(capacity)s people."),
                capacity=room.capacity,
            )

    def admit(self, rooms: QuerySet[Room], request: BookingRequest) -> QuerySet[Room]:
        if request.attendees is None:
            return rooms
        return rooms.filter(capacity__gte=request.attendees)


class NotClosed(Rule):
    code = "closed"

    def during(
        self,
        facility_ids: Iterable[int] | None,
        start: datetime.datetime,
        end: datetime.datetime,
    ) -> list[Closure]:
        """Closures of these facilities (None: of all), or of their rooms, that overlap
        [start, end)."""
        closures = Closure.objects.overlapping(start, end).order_by()
        if facility_ids is not None:
            closures = closures.filter(facility_id__in=facility_ids)
        return list(closures)

    def closing(self, request: BookingRequest, room: Any, facility: Any) -> QuerySet[Closure]:
        """Closures of the room or of its facility (ids or OuterRefs) during the request."""
        return Closure.objects.affecting(room, facility).overlapping(request.start, request.end)

    def reads(self, request: BookingRequest, room: Room | None) -> dict[str, Any]:
        assert room is not None
        return {self.code: Exists(self.closing(request, room.pk, room.facility_id))}

    def check(self, request: BookingRequest, room: Room, facts: Facts | None = None) -> None:
        if self.fact(request, room, facts):
            raise refusal(self.code, _("The room is closed at that time."))

    def admit(self, rooms: QuerySet[Room], request: BookingRequest) -> QuerySet[Room]:
        return rooms.filter(~Exists(self.closing(request, OuterRef("pk"), OuterRef("facility"))))


class ConfirmedAccount(UserRule):
    """Only an account whose e-mail address is confirmed books (accounts' sign-up sends the link)."""

    code = "account_unconfirmed"

    def check_user(self, request: BookingRequest, user: User, facts: Facts | None = None) -> None:
        if not user.can_book:
            raise refusal(
                self.code,
                _("Confirm your e-mail address before booking: open the link we sent you."),
            )


class KindForTheAccount(Rule):
    code = "kind_not_for_account"

    def _kinds(self, user: User | None) -> tuple[str, ...] | None:
        """The kinds this booker may book, or None for every kind (a business, or a search)."""
        if user is None or user.is_business:
            return None
        return INDIVIDUAL_KINDS

    def allows(self, user: User | None, kind: str) -> bool:
        kinds = self._kinds(user)
        return kinds is None or kind in kinds

    def check(self, request: BookingRequest, room: Room, facts: Facts | None = None) -> None:
        if not self.allows(request.user, room.kind):
            raise refusal(
                self.code,
                _("%(kind)s are for business accounts: book a standard room or a booth."),
                kind=RoomKind(room.kind).label,
            )

    def admit(self, rooms: QuerySet[Room], request: BookingRequest) -> QuerySet[Room]:
        kinds = self._kinds(request.user)
        return rooms if kinds is None else rooms.filter(kind__in=kinds)


class NotSuspended(UserRule):
    """A booker suspended after repeated no-shows (PENALTIES) makes no new bookings meanwhile."""

    code = "suspended"

    def reads(self, request: BookingRequest, room: Room | None) -> dict[str, Any]:
        if request.user is None:
            return {}
        in_force = Suspension.objects.in_force(request.now).filter(user=request.user)
        return {self.code: Subquery(in_force.values("pk")[:1])}

    def check_user(self, request: BookingRequest, user: User, facts: Facts | None = None) -> None:
        found = self.fact(request, None, facts)
        if found is not None:
            suspension = Suspension.objects.get(pk=found)
            raise refusal(
                self.code,
                _(
                    "After %(count)s no-shows you cannot make new bookings until %(until)s. "
                    "Your bookings made before stay as they are."
                ),
                count=suspension.no_shows,
                until=date_format(timezone.localtime(suspension.ends_at), "DATETIME_FORMAT"),
            )


class NoOwnOverlap(UserRule):
    code = "user_overlap"

    def reads(self, request: BookingRequest, room: Room | None) -> dict[str, Any]:
        if request.user is None:
            return {}
        mine = holding(request.now).filter(booked_by=request.user)
        clashes = mine.overlapping(request.start, request.end).order_by("start", "pk")
        return {self.code: Subquery(clashes.values("pk")[:1])}

    def check_user(self, request: BookingRequest, user: User, facts: Facts | None = None) -> None:
        found = self.fact(request, None, facts)
        if found is not None:
            clash = Reservation.objects.select_related("room__facility").get(pk=found)
            start, end = timezone.localtime(clash.start), timezone.localtime(clash.end)
            raise refusal(
                self.code,
                _("You already have a booking at that time: %(room)s, %(time)s."),
                room=str(clash.room),
                time=f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}",
                booking=clash.pk,
            )


class UpcomingLimit(UserRule):
    code = "user_limit"

    def reads(self, request: BookingRequest, room: Room | None) -> dict[str, Any]:
        if request.user is None:
            return {}
        upcoming = holding(request.now).filter(booked_by=request.user).not_over(request.now)
        return {self.code: SERIES_QUOTA.counted(upcoming, request.series)}

    def check_user(self, request: BookingRequest, user: User, facts: Facts | None = None) -> None:
        if self.fact(request, None, facts) >= USER_MAX_UPCOMING:
            raise refusal(
                self.code,
                _("You can hold at most %(limit)s upcoming bookings."),
                limit=USER_MAX_UPCOMING,
            )


class BusinessUpcomingLimit(UserRule):
    code = "business_limit"

    def reads(self, request: BookingRequest, room: Room | None) -> dict[str, Any]:
        user = request.user
        if user is None or not user.is_business:
            return {}
        upcoming = holding(request.now).filter(
            booked_by__business_number=user.business_number, end__gt=request.now
        )
        return {self.code: CountOf(upcoming.order_by().values("pk"))}

    def check_user(self, request: BookingRequest, user: User, facts: Facts | None = None) -> None:
        if not user.is_business:
            return
        if self.fact(request, None, facts) >= BUSINESS_MAX_UPCOMING:
            raise refusal(
                self.code,
                _(
                    "Your company's accounts hold %(limit)s upcoming bookings together, the most "
                    "one company may hold."
                ),
                limit=BUSINESS_MAX_UPCOMING,
            )


class SlotFree(Rule):
    code = "slot_taken"

    def holding_between(
        self, room_ids: Iterable[int] | None, start: datetime.datetime, end: datetime.datetime
    ) -> ReservationQuerySet:
        """The active bookings (and the waitlist offers) of these rooms (None: of all) that
        overlap [start, end); which of them hold their time at a given moment, `holds` tells."""
        rows = Reservation.objects.holding_time().overlapping(start, end).order_by()
        return rows if room_ids is None else rows.filter(room_id__in=room_ids)

    def taken(self) -> BookingError:
        return refusal(
            self.code,
            _("This slot was just taken by someone else. Please choose another time."),
        )

    def holders(self, request: BookingRequest, room: Any) -> ReservationQuerySet:
        """Bookings (and waitlist offers) of the room (an id or an OuterRef) that hold time the
        request asks for."""
        return holding_time(request.now).filter(room=room).overlapping(request.start, request.end)

    def reads(self, request: BookingRequest, room: Room | None) -> dict[str, Any]:
        assert room is not None
        first = self.holders(request, room.pk).order_by("start", "pk")
        return {self.code: Subquery(first.values("pk")[:1])}

    def check(self, request: BookingRequest, room: Room, facts: Facts | None = None) -> None:
        found = self.fact(request, room, facts)
        if found is not None:
            clash = Reservation.objects.filter(pk=found).values_list("start", EFFECTIVE_END).get()
            start, end = (timezone.localtime(moment) for moment in clash)
            raise refusal(
                self.code,
                _("The room is booked %(time)s, within the time you chose. Choose another time."),
                time=f"{start:%H:%M}–{end:%H:%M}",
            )

    def admit(self, rooms: QuerySet[Room], request: BookingRequest) -> QuerySet[Room]:
        return rooms.filter(~Exists(self.holders(request, OuterRef("pk"))))


ACTIVE_ROOM = ActiveRoom()
KIND_FOR_THE_ACCOUNT = KindForTheAccount()
NOT_IN_THE_PAST = NotInThePast()
BOOKING_WINDOW = WithinBookingWindow()
HOLIDAYS = NotOnAHoliday()
OPENING_HOURS = WithinOpeningHours()
CLOSURES = NotClosed()
SLOT_FREE = SlotFree()
MINIMUM_DURATION = MinimumDuration()
MAXIMUM_DURATION = MaximumDuration()

# In the order a booking is checked: the first rule it breaks gives the user's message.
RULES: tuple[Rule, ...] = (
    ACTIVE_ROOM,
    EndsAfterStart(),
    OnTheGrid(),
    NOT_IN_THE_PAST,
    BOOKING_WINDOW,
    HOLIDAYS,
    OPENING_HOURS,
    MINIMUM_DURATION,
    MAXIMUM_DURATION,
    SomeoneAttends(),
    WithinCapacity(),
    CLOSURES,
    ConfirmedAccount(),
    KIND_FOR_THE_ACCOUNT,
    NotSuspended(),
    NoOwnOverlap(),
    UpcomingLimit(),
    BusinessUpcomingLimit(),
    SLOT_FREE,
)


# The rules that do not depend on the hour: the day's schedule (`availability`) answers the
# rest, slot by slot, for the searches that look across a day.
DAY_RULES: tuple[Rule, ...] = tuple(
    rule for rule in RULES if isinstance(rule, (ActiveRoom, KindRule, SomeoneAttends,
                                                 WithinCapacity, KindForTheAccount))
)  # fmt: skip


def read(
    request: BookingRequest,
    room: Room | None,
    rules: Iterable[Rule] = RULES,
    **also: Any,
) -> dict[str, Any]:
    """What the rules (and the caller: `also`) read from the database, in one query.

    Each rule's value is one expression inside a query of the room's row (or, for a rule about
    the booker alone, of the booker's), so a booking pays one round trip for all of them.
    """
    expressions = dict(also)
    for rule in rules:
        expressions.update(rule.reads(request, room))
    if not expressions:
        return {}
    if room is not None:
        row: QuerySet[Any] = Room.objects.filter(pk=room.pk)
    else:
        assert request.user is not None
        row = get_user_model().objects.filter(pk=request.user.pk)
    return row.values(**expressions).get()


def check(request: BookingRequest, room: Room, facts: Facts | None = None) -> None:
    """Raise BookingError for the first rule the booking breaks.

    `facts`, from `read`, saves reading them again; without them they are read here, at once.
    """
    if facts is None:
        facts = read(request, room)
    for rule in RULES:
        rule.check(request, room, facts)


def admit(
    rooms: QuerySet[Room], request: BookingRequest, rules: tuple[Rule, ...] = RULES
) -> QuerySet[Room]:
    """`rooms` narrowed, in the database, to those every rule lets be booked for the request."""
    for rule in rules:
        rooms = rule.admit(rooms, request)
    return rooms


def booker_refusal(request: BookingRequest) -> BookingError | None:
    """What refuses this booker any room for the request (suspension, own overlap, limits)."""
    if request.user is None:
        return None
    for rule in RULES:
        if isinstance(rule, UserRule):
            try:
                rule.check_user(request, request.user)
            except BookingError as error:
                return error
    return None


class BookerCancellation:
    """A booker cancels their own active booking until it starts."""

    def check(self, reservation: Reservation, now: datetime.datetime) -> None:
        if reservation.start <= now:
            raise refusal("past", _("The booking has already started."))

    def allows(self, reservation: Reservation, now: datetime.datetime) -> bool:
        return reservation.status in ACTIVE_STATUSES and reservation.start > now


BOOKER_CANCELLATION = BookerCancellation()


# Recurring bookings (Series): a series counts as one booking against USER_MAX_UPCOMING, up to
# SERIES_MAX_DATES dates and USER_MAX_SERIES series going on at once per account.
SERIES_MAX_DATES = 26
USER_MAX_SERIES = 2


class SeriesQuota:
    """How the booker's quota applies to a recurring series.

    A series counts as **one** upcoming booking against USER_MAX_UPCOMING however many of its
    dates are booked ahead (`UpcomingLimit` reads `counted`), so a weekly meeting does not use
    up the quota for a month. So that one account cannot hold a room every week for good, a
    series has at most SERIES_MAX_DATES dates, and an account has at most USER_MAX_SERIES
    series going on. The company's quota (BUSINESS_MAX_UPCOMING) counts every booked date:
    it guards a district's rooms against one company, however its bookings are made.
    """

    code = "series_limit"

    def counted(self, upcoming: ReservationQuerySet, series: Series | None) -> Any:
        """How many of these upcoming bookings count against the quota: each single booking,
        and each other series once (a date of `series` adds nothing the series did not)."""
        singles = upcoming.filter(series__isnull=True).order_by().values("pk")
        dated = upcoming.filter(series__isnull=False)
        if series is not None:
            dated = dated.exclude(series=series)
        others = dated.order_by().values("series").distinct()
        return ExpressionWrapper(CountOf(singles) + CountOf(others), output_field=IntegerField())

    def check_dates(self, days: list[datetime.date]) -> None:
        if len(days) > SERIES_MAX_DATES:
            raise refusal(
                "series_too_long",
                _("A series has at most %(limit)s dates: choose an earlier end or fewer dates."),
                limit=SERIES_MAX_DATES,
            )

    def going_on(self, user: User, now: datetime.datetime) -> QuerySet[Series]:
        """The booker's series with a date still ahead: booked, or not yet tried."""
        ahead = holding(now).filter(series=OuterRef("pk")).not_over(now)
        return Series.objects.filter(booked_by=user).filter(
            Exists(ahead) | Q(stopped_at__isnull=True, booked_through__lt=F("last_day"))
        )

    def check(self, user: User, now: datetime.datetime) -> None:
        """Whether the booker may start one more series."""
        if self.going_on(user, now).count() >= USER_MAX_SERIES:
            raise refusal(
                self.code,
                _(
                    "You already have %(limit)s recurring bookings going on, the most one "
                    "account may hold; each counts as one of your %(upcoming)s upcoming bookings."
                ),
                limit=USER_MAX_SERIES,
                upcoming=USER_MAX_UPCOMING,
            )


SERIES_QUOTA = SeriesQuota()


def check_beyond_window(request: BookingRequest, room: Room, facts: Facts | None = None) -> None:
    """`check` for a series' date beyond the booking window: every rule but the window's, so
    the booker learns at once what already refuses it (a holiday, a closure, a taken slot);
    the date is checked in full again when it enters the window (services.extend_series)."""
    if facts is None:
        facts = read(request, room)
    for rule in RULES:
        if rule is not BOOKING_WINDOW:
            rule.check(request, room, facts)


class CheckInWindow:
    """An approved booking is checked in within its room kind's window around the start
    (POLICIES); one that asked for a check-in and got none by the window's end is missed."""

    def opens(self, reservation: Reservation) -> datetime.datetime:
        return reservation.start - POLICIES[reservation.room.kind].check_in_opens

    def closes(self, reservation: Reservation) -> datetime.datetime:
        return reservation.start + POLICIES[reservation.room.kind].check_in_closes

    def check(self, reservation: Reservation, now: datetime.datetime) -> None:
        if reservation.status != Status.APPROVED or reservation.released_at is not None:
            raise refusal("not_checkable", _("Only an approved booking can be checked in."))
        if reservation.checked_in_at is not None:
            raise refusal("checked_in", _("This booking is already checked in."))
        if now < self.opens(reservation):
            raise refusal(
                "check_in_too_early",
                _("Check-in opens at %(time)s, %(minutes)s minutes before the start."),
                time=time_format(timezone.localtime(self.opens(reservation)), "H:i"),
                minutes=POLICIES[reservation.room.kind].check_in_opens // MINUTES,
            )
        if now >= self.closes(reservation):
            raise refusal(
                "check_in_too_late",
                _("Check-in closed at %(time)s; the booking's time was released."),
                time=time_format(timezone.localtime(self.closes(reservation)), "H:i"),
            )

    def allows(self, reservation: Reservation, now: datetime.datetime) -> bool:
        try:
            self.check(reservation, now)
        except BookingError:
            return False
        return True

    def missed(self, now: datetime.datetime) -> Q:
        """Approved bookings that asked for a check-in and whose window closed without one."""
        closed = Q()
        for kind, policy in POLICIES.items():
            closed |= Q(room__kind=kind, start__lte=now - policy.check_in_closes)
        return Q(status=Status.APPROVED, check_in_required=True, checked_in_at__isnull=True) & (
            closed
        )


CHECK_IN = CheckInWindow()


class EndingEarly:
    """A checked-in meeting may be ended before its booked end, freeing the rest of its time."""

    def check(self, reservation: Reservation, now: datetime.datetime) -> None:
        if reservation.status != Status.APPROVED or reservation.checked_in_at is None:
            raise refusal("not_checked_in", _("Only a checked-in booking can be ended early."))
        if reservation.released_at is not None or reservation.end <= now:
            raise refusal("already_over", _("This booking is already over."))

    def allows(self, reservation: Reservation, now: datetime.datetime) -> bool:
        try:
            self.check(reservation, now)
        except BookingError:
            return False
        return True


ENDING_EARLY = EndingEarly()


@dataclass(frozen=True)
class Standing:
    """A booker's record under PENALTIES: no-shows counted now, and a suspension in force."""

    no_shows: int
    suspension: Suspension | None

    @property
    def warned(self) -> bool:
        return self.no_shows >= PENALTIES.warning_from

    @property
    def suspended(self) -> bool:
        return self.suspension is not None

    @property
    def suspension_due(self) -> bool:
        """Whether the no-shows now call for a suspension that is not yet in force."""
        return self.no_shows >= PENALTIES.suspension_from and self.suspension is None


def standing(user: User, now: datetime.datetime) -> Standing:
    """Count the no-shows of the period, since the last lifted suspension if later.

    Lifting a suspension forgives the no-shows that led to it. Two queries.
    """
    since = now - PENALTIES.period
    in_force = None
    for suspension in Suspension.objects.filter(user=user).filter(
        Q(lifted_at__gt=since) | Q(lifted_at__isnull=True, ends_at__gt=now)
    ):
        if suspension.lifted_at is not None:
            since = max(since, suspension.lifted_at)
        elif suspension.is_in_force(now):
            in_force = suspension
    no_shows = Reservation.objects.filter(
        booked_by=user, status=Status.NO_SHOW, start__gt=since, start__lte=now
    ).count()
    return Standing(no_shows, in_force)
