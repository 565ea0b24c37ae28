"""Free and busy time of rooms, in a fixed number of queries whatever the number of rooms.

What takes time out of a day comes from the booking rules (`reservations.rules`): the opening
hours, public holidays, closures, the bookings that hold their slot, and the past.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from django.db.models import Max, Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from reservations import rules
from reservations.rules import SLOT, BookingRequest
from rooms.calendar import at
from rooms.models import OpeningHours, Room

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class Slot:
    start: datetime.datetime
    end: datetime.datetime
    free: bool
    reason: str = ""


Busy = tuple[datetime.datetime, datetime.datetime, str]


def _slot_floor(moment: datetime.datetime, opens: datetime.datetime) -> datetime.datetime:
    """The start of the slot `moment` falls in; a day's slots run from its opening time."""
    return opens + (moment - opens) // SLOT * SLOT


def _slot_ceil(moment: datetime.datetime, opens: datetime.datetime) -> datetime.datetime:
    """The first slot start at or after `moment`."""
    return opens - (opens - moment) // SLOT * SLOT


@dataclass
class DaySchedule:
    """A room's opening day; its half-hour slots are worked out only when asked for.

    A search asks of twenty rooms whether one window is free, so it looks at two or three
    slots of each instead of building all eighteen.
    """

    room_id: int
    day: datetime.date
    opens: datetime.datetime | None
    closes: datetime.datetime | None
    closed_reason: str = ""
    busy: list[Busy] = field(default_factory=list)
    now: datetime.datetime | None = None

    @cached_property
    def slots(self) -> list[Slot]:
        return list(self._slots())

    def free_slots(self) -> list[Slot]:
        return [slot for slot in self.slots if slot.free]

    def is_free(self, start: datetime.datetime, end: datetime.datetime) -> bool:
        if self.opens is None or self.closes is None:
            return False
        if start < self.opens or end > self.closes or end <= start:
            return False
        return all(slot.free for slot in self._slots(start, end))

    def next_free_start(
        self, after: datetime.datetime, length: datetime.timedelta = SLOT
    ) -> datetime.datetime | None:
        """The first start from `after` on with `length` free after it."""
        return next(
            (start for start, end in self.free_windows(after) if end - start >= length), None
        )

    def free_windows(
        self, after: datetime.datetime | None = None, length: datetime.timedelta = SLOT
    ) -> list[tuple[datetime.datetime, datetime.datetime]]:
        """The free stretches of the day from `after` on, each at least `length` long: the
        runs of free slots, worked out from the busy times instead of slot by slot."""
        if self.opens is None or self.closes is None:
            return []
        opens = self.opens
        closes = _slot_floor(self.closes, opens)
        cursor = opens
        for moment in (after, self.now):
            if moment is not None:
                cursor = max(cursor, _slot_ceil(moment, opens))
        windows = []
        for busy_start, busy_end, _why in sorted(self.busy):
            taken_from, taken_to = _slot_floor(busy_start, opens), _slot_ceil(busy_end, opens)
            if taken_to <= cursor:
                continue
            if taken_from > cursor:
                windows.append((cursor, min(taken_from, closes)))
            cursor = taken_to
            if cursor >= closes:
                break
        if cursor < closes:
            windows.append((cursor, closes))
        return [(start, end) for start, end in windows if end - start >= length]

    def lengths_fitting(
        self, start: datetime.datetime, kind: str, lengths: Iterable[datetime.timedelta]
    ) -> list[datetime.timedelta]:
        """Those of `lengths` that fit the free time from `start` and the duration rules."""
        until = self.free_until(start)
        if until is None:
            return []
        return [
            length
            for length in lengths
            if start + length <= until and rules.allows_length(kind, length)
        ]

    def free_until(self, start: datetime.datetime) -> datetime.datetime | None:
        """Where the free stretch that begins at `start` ends, or None if `start` is not free."""
        return next(
            (end for window_start, end in self.free_windows(start) if window_start == start),
            None,
        )

    def _slots(
        self, after: datetime.datetime | None = None, before: datetime.datetime | None = None
    ) -> Iterator[Slot]:
        """The slots that end after `after` and begin before `before`, in order."""
        if self.opens is None or self.closes is None:
            return
        start = self.opens
        if after is not None and after > start:
            start += (after - start) // SLOT * SLOT
        while start + SLOT <= self.closes and (before is None or start < before):
            end = start + SLOT
            reason = next((why for s, e, why in self.busy if s < end and e > start), "")
            if (
                not reason
                and self.now is not None
                and rules.NOT_IN_THE_PAST.is_past(start, self.now)
            ):
                reason = _("Past")
            yield Slot(start, end, not reason, reason)
            start = end


def availability(
    rooms: Iterable[Room], day: datetime.date, *, now: datetime.datetime | None = None
) -> dict[int, DaySchedule]:
    """{room id: DaySchedule} for `day`: four queries, however many rooms."""
    return schedules([(room.pk, room.facility_id) for room in rooms], day, now=now)


def schedules(
    pairs: list[tuple[int, int]], day: datetime.date, *, now: datetime.datetime | None = None
) -> dict[int, DaySchedule]:
    """{room id: DaySchedule} for `day` of the rooms given as (room id, facility id) pairs."""
    now = now or timezone.now()
    facility_ids = {facility_id for _, facility_id in pairs}
    day_start = at(day, datetime.time.min)
    day_end = day_start + datetime.timedelta(days=1)

    hours = rules.OPENING_HOURS.hours_on(facility_ids, day)
    closures = rules.CLOSURES.during(facility_ids, day_start, day_end)
    booked = _("Booked")
    bookings = rules.SLOT_FREE.busy([pk for pk, _ in pairs], day_start, day_end, now)
    holiday = rules.HOLIDAYS.name(day)

    result = {}
    for room_id, facility_id in pairs:
        opening = hours.get(facility_id)
        if opening is None or holiday:
            result[room_id] = DaySchedule(room_id, day, None, None, holiday or _("Closed"))
            continue
        opens, closes = at(day, opening.opens), at(day, opening.closes)
        room_closures = [c for c in closures if c.affects(room_id, facility_id)]
        whole_day = next((c for c in room_closures if c.start <= opens and c.end >= closes), None)
        if whole_day:
            result[room_id] = DaySchedule(room_id, day, None, None, whole_day.reason)
            continue
        busy = [(start, end, booked) for start, end in bookings.get(room_id, [])]
        busy += [(c.start, c.end, c.reason) for c in room_closures]
        result[room_id] = DaySchedule(room_id, day, opens, closes, "", busy, now)
    return result


def free_rooms(
    rooms: QuerySet[Room],
    start: datetime.datetime,
    end: datetime.datetime,
    *,
    attendees: int | None = None,
    user: User | None = None,
    now: datetime.datetime | None = None,
) -> QuerySet[Room]:
    """`rooms` narrowed, in the database, to those bookable for the whole of [start, end).

    With `user`, also by the rules about the user's own bookings, as their booking would be.
    """
    request = BookingRequest(start, end, now or timezone.now(), attendees=attendees, user=user)
    return rules.admit(rooms, request)


def next_half_hour(moment: datetime.datetime) -> datetime.datetime:
    local = timezone.localtime(moment)
    floor = local.replace(minute=local.minute // 30 * 30, second=0, microsecond=0)
    return floor if floor == local else floor + SLOT


def first_open_start(
    now: datetime.datetime, length: datetime.timedelta, *, days: int = 15
) -> datetime.datetime:
    """The first half hour from `now` at which some site is open for `length`, skipping
    holidays and days every site is closed: where a search without a time starts."""
    spans = {
        weekday: (opens, closes)
        for weekday, opens, closes in OpeningHours.objects.values_list("weekday")
        .annotate(Min("opens"), Max("closes"))
        .order_by()
    }
    soonest = next_half_hour(now)
    for offset in range(days):
        day = timezone.localdate(now) + datetime.timedelta(days=offset)
        span = spans.get(day.weekday())
        if span is None or rules.HOLIDAYS.name(day):
            continue
        opens, closes = at(day, span[0]), at(day, span[1])
        start = max(opens, soonest)
        if start + length <= closes:
            return start
    return soonest
