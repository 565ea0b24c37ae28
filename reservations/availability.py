"""Free and busy time of rooms, in a fixed number of queries whatever the number of rooms.

What takes time out of a day comes from the booking rules (`reservations.rules`): the opening
hours, public holidays, closures, the bookings that hold their slot, and the past.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from django.contrib.postgres.aggregates import ArrayAgg, BitOr
from django.core.cache import cache
from django.db import connections
from django.db.models import BigIntegerField, Func, IntegerField, Max, Min, Q, QuerySet
from django.db.models.functions import Mod
from django.utils import timezone
from django.utils.translation import gettext as _

from reservations import rules
from reservations.models import EFFECTIVE_END, ScheduleVersion, SecondsAfter, Status
from reservations.rules import SLOT, BookingRequest
from rooms.calendar import at
from rooms.models import Closure, OpeningHours, Room

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
        """Whether [start, end), within the opening hours and on their half-hour grid, is free."""
        if self.opens is None or self.closes is None:
            return False
        if start < self.opens or end > self.closes or end <= start:
            return False
        if self.now is not None and rules.NOT_IN_THE_PAST.is_past(
            _slot_floor(start, self.opens), self.now
        ):
            return False
        return not any(
            busy_start < end and busy_end > start for busy_start, busy_end, _why in self.busy
        )

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


# How long a day's schedules stay in the cache under its stamps; a change replaces them sooner.
DAY_BOOK_SECONDS = 300
# Part of the cache key: a release that changes what a DayBook holds never reads an older one.
DAY_BOOK_FORMAT = 3
# The parts a day's bookings are stamped and cached in, by room id modulo SHARDS: migration
# 0012's triggers stamp 'YYYY-MM-DD/<room id % 16>', and the two must agree.
SHARDS = 16
DAY_SLOTS = int(datetime.timedelta(days=1) / SLOT)
SLOT_SECONDS = SLOT.total_seconds()


@dataclass
class DayBook:
    """What makes up the rooms' free time on one day: the sites' opening hours, the closures and
    the active bookings, read in three queries; each room's `DaySchedule` at a moment comes from
    it (`schedules`), since which bookings hold their time, and what is past, depend on it.

    Bookings are kept as the half hours of the day they touch, bit i for [i × 30 min, (i + 1) ×
    30 min) from midnight, as a schedule takes them slot by slot: the whole country's day stays
    small in the cache. A pending booking, which holds its time only until it starts, is kept
    apart with its start.
    """

    day: datetime.date
    # {facility id: (opens, closes)} in seconds from midnight; a site closed that day is absent.
    hours: dict[int, tuple[float, float]] = field(default_factory=dict)
    closures: list[Closure] = field(default_factory=list)
    # {room id: the half hours its approved bookings hold}
    held: dict[int, int] = field(default_factory=dict)
    # {room id: [(start in seconds from midnight, half hours)]} of its pending bookings
    pending: dict[int, list[tuple[float, int]]] = field(default_factory=dict)

    @classmethod
    def read(cls, day: datetime.date, pairs: list[tuple[int, int]] | None = None) -> DayBook:
        """The day of the rooms given as (room id, facility id) pairs, or of every room."""
        facility_ids = None if pairs is None else {facility_id for _, facility_id in pairs}
        room_ids = None if pairs is None else [room_id for room_id, _ in pairs]
        book = cls(day)
        book.hours, book.closures = book.read_sites(facility_ids)
        book.held, book.pending = book.read_holdings(room_ids)
        return book

    def read_sites(
        self, facility_ids: Iterable[int] | None = None
    ) -> tuple[dict[int, tuple[float, float]], list[Closure]]:
        """The day's opening hours and closures of these sites (None: of all)."""
        hours = {}
        spans: dict[tuple[datetime.time, datetime.time], tuple[float, float]] = {}
        for facility_id, times in rules.OPENING_HOURS.times_on(facility_ids, self.day).items():
            if times not in spans:
                spans[times] = (
                    self.seconds(at(self.day, times[0])),
                    self.seconds(at(self.day, times[1])),
                )
            hours[facility_id] = spans[times]
        return hours, rules.CLOSURES.during(facility_ids, self.midnight, self.next_midnight)

    def read_holdings(
        self, room_ids: Iterable[int] | None = None, shards: Iterable[int] | None = None
    ) -> tuple[dict[int, int], dict[int, list[tuple[float, int]]]]:
        """`held` and `pending` of these rooms (None: of all), or of the rooms of these shards."""
        rows = rules.SLOT_FREE.holding_between(room_ids, self.midnight, self.next_midnight)
        if shards is not None:
            # The shard's rooms first, then their bookings through the (room, start) index: a
            # sixteenth of the day's rows read instead of all of them.
            of_shards = Room.objects.alias(shard=Mod("pk", SHARDS, output_field=IntegerField()))
            rows = rows.filter(room_id__in=of_shards.filter(shard__in=list(shards)).values("pk"))
        # Read as seconds from midnight, not as timestamps: Django converts each of those.
        seconds = (SecondsAfter("start", self.midnight), SecondsAfter(EFFECTIVE_END, self.midnight))
        return _holding(rows, *seconds)

    @cached_property
    def midnight(self) -> datetime.datetime:
        return at(self.day, datetime.time.min)

    @cached_property
    def next_midnight(self) -> datetime.datetime:
        return at(self.day + datetime.timedelta(days=1), datetime.time.min)

    def moment(self, seconds: float) -> datetime.datetime:
        return self.midnight + datetime.timedelta(seconds=seconds)

    def seconds(self, moment: datetime.datetime) -> float:
        return (moment - self.midnight).total_seconds()

    def slots(self, start: datetime.datetime, end: datetime.datetime) -> int:
        """The half hours of the day that [start, end) touches, as bits."""
        return self.slots_between(self.seconds(start), self.seconds(end))

    @staticmethod
    def slots_between(start: float, end: float) -> int:
        """The half hours of the day that [start, end), in seconds from midnight, touches."""
        grid = SLOT.total_seconds()
        first = max(0, int(start // grid))
        last = min(DAY_SLOTS, math.ceil(end / grid))
        return ((1 << last) - (1 << first)) if last > first else 0

    def holding(self, room_id: int, now: datetime.datetime) -> int:
        """The half hours of the room's bookings that hold their time at `now`."""
        held = self.held.get(room_id, 0)
        for start, slots in self.pending.get(room_id, ()):
            if rules.holds(Status.PENDING, self.moment(start), now):
                held |= slots
        return held

    def schedules(
        self, pairs: Iterable[tuple[int, int]], now: datetime.datetime
    ) -> dict[int, DaySchedule]:
        """{room id: DaySchedule} at `now` of the rooms given as (room id, facility id) pairs."""
        holiday = rules.HOLIDAYS.name(self.day)
        booked, closed = _("Booked"), _("Closed")
        result = {}
        for room_id, facility_id in pairs:
            opening = self.hours.get(facility_id)
            if opening is None or holiday:
                result[room_id] = DaySchedule(room_id, self.day, None, None, holiday or closed)
                continue
            opens, closes = self.moment(opening[0]), self.moment(opening[1])
            room_closures = [c for c in self.closures if c.affects(room_id, facility_id)]
            whole_day = next(
                (c for c in room_closures if c.start <= opens and c.end >= closes), None
            )
            if whole_day:
                result[room_id] = DaySchedule(room_id, self.day, None, None, whole_day.reason)
                continue
            busy = [(start, end, booked) for start, end in self._runs(self.holding(room_id, now))]
            busy += [(c.start, c.end, c.reason) for c in room_closures]
            result[room_id] = DaySchedule(room_id, self.day, opens, closes, "", busy, now)
        return result

    def _runs(self, slots: int) -> Iterator[tuple[datetime.datetime, datetime.datetime]]:
        """The stretches of consecutive half hours among `slots`."""
        index = 0
        while slots:
            if slots & 1:
                length = 0
                while slots & 1:
                    slots >>= 1
                    length += 1
                yield (
                    self.moment(index * SLOT.total_seconds()),
                    self.moment((index + length) * SLOT.total_seconds()),
                )
                index += length
            else:
                slots >>= 1
                index += 1

    def free(
        self,
        pairs: Iterable[tuple[int, int]],
        start: datetime.datetime,
        end: datetime.datetime,
        now: datetime.datetime,
    ) -> list[int]:
        """The rooms, of those given as (room id, facility id) pairs, whose `DaySchedule` at `now`
        is free for the whole of [start, end), a period on the half-hour grid: worked out on the
        bits, without building the schedules, for a search across the country."""
        if rules.HOLIDAYS.name(self.day) or end <= start:
            return []
        wanted_from, wanted_to = self.seconds(start), self.seconds(end)
        wanted = self.slots(start, end)
        grid = SLOT.total_seconds()
        closed: dict[int, list[Closure]] = {}
        for closure in self.closures:
            if closure.start < end and closure.end > start:
                closed.setdefault(closure.facility_id, []).append(closure)
        past: dict[float, bool] = {}
        free = []
        for room_id, facility_id in pairs:
            opening = self.hours.get(facility_id)
            if opening is None or wanted_from < opening[0] or wanted_to > opening[1]:
                continue
            first_slot = opening[0] + (wanted_from - opening[0]) // grid * grid
            if first_slot not in past:
                past[first_slot] = rules.NOT_IN_THE_PAST.is_past(self.moment(first_slot), now)
            if past[first_slot] or self.held.get(room_id, 0) & wanted:
                continue
            if room_id in self.pending and self.holding(room_id, now) & wanted:
                continue
            if any(c.affects(room_id, facility_id) for c in closed.get(facility_id, ())):
                continue
            free.append(room_id)
        return free


class HalfHours(Func):
    """The half hours of the day that [start, end), in seconds from midnight, touches, as the
    bits of a bigint: `DayBook.slots_between` in SQL (PostgreSQL)."""

    output_field = BigIntegerField()

    def as_postgresql(self, compiler, connection, **extra):
        (start, start_params), (end, end_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        first = f"GREATEST(0, FLOOR(({start}) / {SLOT_SECONDS:.0f}))::int"
        last = f"LEAST({DAY_SLOTS}, CEIL(({end}) / {SLOT_SECONDS:.0f}))::int"
        sql = (
            f"CASE WHEN {last} > {first} THEN (1::bigint << {last}) - (1::bigint << {first}) "
            "ELSE 0 END"
        )
        return sql, (*end_params, *start_params, *end_params, *start_params)


def _holding(
    rows: QuerySet, start: SecondsAfter, end: SecondsAfter
) -> tuple[dict[int, int], dict[int, list[tuple[float, int]]]]:
    """`DayBook.held` and `DayBook.pending` of these bookings: one row a room, OR-ed by
    PostgreSQL (a whole country's day is 1,400 rows instead of 3,900), elsewhere here."""
    held: dict[int, int] = {}
    pending: dict[int, list[tuple[float, int]]] = {}
    if connections[rows.db].vendor == "postgresql":
        waiting = Q(status=Status.PENDING)
        per_room = rows.values("room_id").annotate(
            held=BitOr(HalfHours(start, end), filter=~waiting),
            starts=ArrayAgg(start, filter=waiting),
            slots=ArrayAgg(HalfHours(start, end), filter=waiting),
        )
        for room_id, room_held, starts, slots in per_room.values_list(
            "room_id", "held", "starts", "slots"
        ):
            if room_held:
                held[room_id] = room_held
            if starts:
                pending[room_id] = list(zip(starts, slots, strict=True))
        return held, pending
    for room_id, first, last, status in rows.values_list("room_id", start, end, "status"):
        slots = DayBook.slots_between(first, last)
        if status == Status.PENDING:
            pending.setdefault(room_id, []).append((first, slots))
        else:
            held[room_id] = held.get(room_id, 0) | slots
    return held, pending


def day_book(
    day: datetime.date,
    stamps: dict[str, int] | None = None,
    pairs: list[tuple[int, int]] | None = None,
) -> DayBook:
    """The `DayBook` of `day` of every room, or of at least the rooms given as (room id,
    facility id) `pairs`, from the cache as far as nothing in it changed since.

    The day is kept in parts: the sites' hours and closures under the SITES stamp, and the
    bookings of each shard of rooms (room id modulo `SHARDS`) under the shard's stamp of the day.
    The stamps (`ScheduleVersion`) are read first and name the parts: a booking or a site's
    change commits its new stamp with it, so a part is never used after a change it does not
    hold; a change that commits while a part is read is in it or stamped later. A part out of
    date is read again and kept: a booking makes one shard stale, and the next reader of the
    day, whether it asks of one room or of the country, reads that shard's bookings alone.
    A caller that read the stamps already (`day_stamps`) passes them.
    """
    stamps = stamps or day_stamps(day)
    shards: Iterable[int] = range(SHARDS)
    if pairs is not None:
        shards = sorted({room_id % SHARDS for room_id, _ in pairs})
    prefix = f"day-book:{DAY_BOOK_FORMAT}:{day.isoformat()}"
    sites_key = f"{prefix}:{ScheduleVersion.SITES}={stamps[ScheduleVersion.SITES]}"
    shard_keys = {shard: f"{prefix}/{shard}={stamps[key]}" for shard, key in _shards(day, shards)}
    parts = cache.get_many([sites_key, *shard_keys.values()])
    book = DayBook(day)
    fresh: dict[str, tuple] = {}
    if sites_key not in parts:
        fresh[sites_key] = book.read_sites()
    missing = [shard for shard, key in shard_keys.items() if key not in parts]
    if missing:
        split: dict[int, tuple[dict, dict]] = {shard: ({}, {}) for shard in missing}
        held, pending = book.read_holdings(shards=missing if len(missing) < SHARDS else None)
        for room_id, slots in held.items():
            split[room_id % SHARDS][0][room_id] = slots
        for room_id, waiting in pending.items():
            split[room_id % SHARDS][1][room_id] = waiting
        fresh.update((shard_keys[shard], part) for shard, part in split.items())
    if fresh:
        cache.set_many(fresh, DAY_BOOK_SECONDS)
        parts.update(fresh)
    book.hours, book.closures = parts[sites_key]
    for key in shard_keys.values():
        held, pending = parts[key]
        book.held.update(held)
        book.pending.update(pending)
    return book


def _shards(day: datetime.date, shards: Iterable[int]) -> Iterator[tuple[int, str]]:
    """(shard, its stamp's key) of `day`: 'YYYY-MM-DD/n', as migration 0012's triggers set it."""
    for shard in shards:
        yield shard, f"{day.isoformat()}/{shard}"


def day_stamps(day: datetime.date, *also: str) -> dict[str, int]:
    """The stamps `day_book` reads for `day`, and the `also` keys (e.g. REGISTRY), in one read."""
    keys = [key for _, key in _shards(day, range(SHARDS))]
    return ScheduleVersion.objects.stamps([ScheduleVersion.SITES, *keys, *also])


def availability(
    rooms: Iterable[Room], day: datetime.date, *, now: datetime.datetime | None = None
) -> dict[int, DaySchedule]:
    """{room id: DaySchedule} for `day`: three queries, however many rooms."""
    return schedules([(room.pk, room.facility_id) for room in rooms], day, now=now)


def schedules(
    pairs: list[tuple[int, int]], day: datetime.date, *, now: datetime.datetime | None = None
) -> dict[int, DaySchedule]:
    """{room id: DaySchedule} for `day` of the rooms given as (room id, facility id) pairs."""
    return DayBook.read(day, pairs).schedules(pairs, now or timezone.now())


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
