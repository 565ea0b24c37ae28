"""The board: rooms (or one room's days) as rows, the day's half hours as columns.

Each row shows what occupies each half hour: a booking (approved, checked in, a no-show, or
pending with how long it has waited), a closure, or the hours the site is shut. A board is
read in four queries (rooms, opening hours, closures, bookings) whatever the number of rooms
and bookings.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from reservations import rules
from reservations.models import Reservation, Status
from reservations.rules import SLOT
from rooms.calendar import at
from rooms.models import OpeningHours

# Shown when no site of the board opens that day (a weekend, a holiday).
DEFAULT_HOURS = (OpeningHours.DEFAULT_OPENS, OpeningHours.DEFAULT_CLOSES)
# What a board shows of a room's bookings: those on, and the no-shows that held the room.
SHOWN_STATUSES = (Status.PENDING, Status.APPROVED, Status.NO_SHOW)


class State:
    """What a cell of the board shows; also its CSS modifier."""

    FREE = "free"
    SHUT = "shut"
    CLOSED = "closed"
    PENDING = "pending"
    APPROVED = "approved"
    CHECKED_IN = "checked-in"
    NO_SHOW = "no-show"


def state_of(reservation):
    if reservation.status == Status.PENDING:
        return State.PENDING
    if reservation.status == Status.NO_SHOW:
        return State.NO_SHOW
    return State.CHECKED_IN if reservation.checked_in_at else State.APPROVED


STATE_LABELS = {
    State.FREE: pgettext_lazy("board", "Free"),
    State.SHUT: _("Not open"),
    State.CLOSED: _("Closed"),
    State.PENDING: _("Awaiting approval"),
    State.APPROVED: _("Approved"),
    State.CHECKED_IN: _("Checked in"),
    State.NO_SHOW: _("No-show"),
}


@dataclass
class Cell:
    state: str
    span: int = 1
    start: datetime.datetime | None = None
    reservation: Reservation | None = None
    reason: str = ""
    waited: datetime.timedelta | None = None

    @property
    def label(self):
        """What the state is called, for a cell read aloud or printed in black and white."""
        return STATE_LABELS[self.state]


@dataclass
class Row:
    room: object
    day: datetime.date
    cells: list = field(default_factory=list)
    closed_reason: str = ""


@dataclass
class Board:
    day: datetime.date
    columns: list  # the start of each half hour, as local times
    rows: list

    @property
    def legend(self):
        """(state, name) of what a cell may show, bookings first."""
        shown = (
            State.APPROVED,
            State.PENDING,
            State.CHECKED_IN,
            State.NO_SHOW,
            State.CLOSED,
            State.SHUT,
        )
        return [(state, STATE_LABELS[state]) for state in shown]


def day_board(rooms, day, now=None):
    """The board of `rooms` (a queryset) on `day`: one row per room."""
    rooms = list(rooms.select_related("facility").order_by("facility__name", "kind", "name"))
    return _board(rooms, [(room, day) for room in rooms], day, day, now)


def week_board(room, first_day, now=None):
    """The board of one room over seven days from `first_day`: one row per day."""
    days = [first_day + datetime.timedelta(days=offset) for offset in range(7)]
    return _board([room], [(room, day) for day in days], first_day, days[-1], now)


def _board(rooms, pairs, first_day, last_day, now):
    now = now or timezone.now()
    facility_ids = {room.facility_id for room in rooms}
    start, end = (
        at(first_day, datetime.time.min),
        at(last_day + datetime.timedelta(days=1), datetime.time.min),
    )
    hours = {
        (row.facility_id, row.weekday): (row.opens, row.closes)
        for row in OpeningHours.objects.filter(facility_id__in=facility_ids).order_by()
    }
    closures = rules.CLOSURES.during(facility_ids, start, end)
    bookings = {}
    reservations = (
        Reservation.objects.filter(room__in=[room.pk for room in rooms], status__in=SHOWN_STATUSES)
        .overlapping(start, end)
        .select_related("booked_by")
        .order_by("start")
    )
    rooms_by_id = {room.pk: room for room in rooms}
    for reservation in reservations:
        reservation.room = rooms_by_id[reservation.room_id]  # read already, with its facility
        day = timezone.localdate(reservation.start)
        bookings.setdefault((reservation.room_id, day), []).append(reservation)

    opening = {}
    for room, day in pairs:
        opening[(room.pk, day)] = None
        if not rules.HOLIDAYS.name(day):
            opening[(room.pk, day)] = hours.get((room.facility_id, day.weekday()))
    columns = _columns(opening.values(), bookings.values())

    rows = []
    for room, day in pairs:
        row = Row(room, day, closed_reason=rules.HOLIDAYS.name(day) or "")
        room_closures = [c for c in closures if c.affects(room.pk, room.facility_id)]
        row.cells = _cells(
            columns,
            day,
            opening[(room.pk, day)],
            room_closures,
            bookings.get((room.pk, day), []),
            now,
        )
        rows.append(row)
    return Board(first_day, columns, rows)


def _columns(openings, booking_lists):
    """The half hours from the earliest opening, or booking, to the latest closing."""
    times = [time for opening in openings if opening for time in opening]
    for reservations in booking_lists:
        for reservation in reservations:
            times.append(timezone.localtime(reservation.start).time())
            times.append(timezone.localtime(reservation.effective_end).time())
    times = [t for t in times if t != datetime.time.min] or list(DEFAULT_HOURS)
    first, last = min(times), max(times)
    first_minutes = first.hour * 60 + first.minute
    last_minutes = last.hour * 60 + last.minute
    if not times or last_minutes <= first_minutes:
        first_minutes, last_minutes = 9 * 60, 18 * 60
    step = int(SLOT.total_seconds() // 60)
    first_minutes -= first_minutes % step
    return [
        datetime.time(minutes // 60, minutes % 60)
        for minutes in range(first_minutes, min(last_minutes, 24 * 60), step)
    ]


def _cells(columns, day, opening, closures, reservations, now):
    """The row's cells: a booking, a closure or shut hours spanning the half hours they cover."""
    starts = [at(day, time) for time in columns]
    opens = at(day, opening[0]) if opening else None
    closes = at(day, opening[1]) if opening else None

    def occupant(slot_start):
        slot_end = slot_start + SLOT
        for reservation in reservations:
            if reservation.start < slot_end and reservation.effective_end > slot_start:
                return reservation
        for closure in closures:
            if closure.start < slot_end and closure.end > slot_start:
                return closure
        if opens is not None and opens <= slot_start and slot_end <= closes:
            return None
        return State.SHUT

    cells, previous = [], object()
    for slot_start in starts:
        source = occupant(slot_start)
        if source is previous and source is not None:
            cells[-1].span += 1
            continue
        previous = source
        if source is None:
            cells.append(Cell(State.FREE, start=slot_start))
        elif source is State.SHUT:
            cells.append(Cell(State.SHUT, start=slot_start))
        elif isinstance(source, Reservation):
            pending = source.status == Status.PENDING
            cells.append(
                Cell(
                    state_of(source),
                    start=slot_start,
                    reservation=source,
                    # Never negative: a booking's request time may lie ahead of a clock behind.
                    waited=max(now - source.created_at, datetime.timedelta()) if pending else None,
                )
            )
        else:
            cells.append(Cell(State.CLOSED, start=slot_start, reason=source.reason))
    return cells
