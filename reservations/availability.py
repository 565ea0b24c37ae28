"""Free and busy time of rooms, in a fixed number of queries whatever the number of rooms."""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from reservations.models import Reservation, Status
from reservations.rules import SLOT, korean_holiday
from rooms.models import Closure, OpeningHours


@dataclass(frozen=True)
class Slot:
    start: datetime.datetime
    end: datetime.datetime
    free: bool
    reason: str = ""


@dataclass
class RoomDay:
    """A room's opening day; its half-hour slots are worked out only when asked for.

    A search asks of twenty rooms whether one window is free, so it looks at two or three
    slots of each instead of building all eighteen.
    """

    room_id: int
    day: datetime.date
    opens: datetime.datetime | None
    closes: datetime.datetime | None
    closed_reason: str = ""
    busy: list[tuple[datetime.datetime, datetime.datetime, str]] = field(default_factory=list)
    now: datetime.datetime | None = None

    @cached_property
    def slots(self):
        return list(self._slots())

    def free_slots(self):
        return [slot for slot in self.slots if slot.free]

    def is_free(self, start, end):
        if self.opens is None or start < self.opens or end > self.closes or end <= start:
            return False
        return all(slot.free for slot in self._slots(start, end))

    def next_free_start(self, after):
        return next(
            (slot.start for slot in self._slots(after) if slot.free and slot.start >= after), None
        )

    def _slots(self, after=None, before=None):
        """The slots that end after `after` and begin before `before`, in order."""
        if self.opens is None:
            return
        start = self.opens
        if after is not None and after > start:
            start += (after - start) // SLOT * SLOT
        while start + SLOT <= self.closes and (before is None or start < before):
            end = start + SLOT
            reason = next((why for s, e, why in self.busy if s < end and e > start), "")
            if not reason and start < self.now:
                reason = _("Past")
            yield Slot(start, end, not reason, reason)
            start = end


def _aware(day, time):
    return timezone.make_aware(datetime.datetime.combine(day, time))


def blocking_reservations():
    """Active bookings that hold their slot: a pending one lapses once its start has passed."""
    return Reservation.objects.active().exclude(status=Status.PENDING, start__lte=timezone.now())


def availability(rooms, day, *, now=None):
    """{room id: RoomDay} for `day`: four queries, however many rooms."""
    now = now or timezone.now()
    rooms = [(room.pk, room.facility_id) for room in rooms]
    facility_ids = {facility_id for _, facility_id in rooms}
    room_ids = [pk for pk, _ in rooms]
    day_start = _aware(day, datetime.time.min)
    day_end = day_start + datetime.timedelta(days=1)

    hours = {
        row.facility_id: row
        for row in OpeningHours.objects.filter(
            facility_id__in=facility_ids, weekday=day.weekday()
        ).order_by()
    }
    closures = list(
        Closure.objects.filter(facility_id__in=facility_ids)
        .overlapping(day_start, day_end)
        .order_by()
    )
    booked = _("Booked")
    bookings = {}
    for room_id, start, end in (
        blocking_reservations()
        .filter(room_id__in=room_ids)
        .overlapping(day_start, day_end)
        .order_by()
        .values_list("room_id", "start", "end")
    ):
        bookings.setdefault(room_id, []).append((start, end, booked))

    holiday = korean_holiday(day)
    result = {}
    for room_id, facility_id in rooms:
        opening = hours.get(facility_id)
        if opening is None or holiday:
            result[room_id] = RoomDay(room_id, day, None, None, holiday or _("Closed"))
            continue
        opens, closes = _aware(day, opening.opens), _aware(day, opening.closes)
        room_closures = [
            c for c in closures if c.facility_id == facility_id and c.room_id in (None, room_id)
        ]
        whole_day = next((c for c in room_closures if c.start <= opens and c.end >= closes), None)
        if whole_day:
            result[room_id] = RoomDay(room_id, day, None, None, whole_day.reason)
            continue
        busy = bookings.get(room_id, []) + [(c.start, c.end, c.reason) for c in room_closures]
        result[room_id] = RoomDay(room_id, day, opens, closes, "", busy, now)
    return result


def free_rooms(rooms, start, end):
    """`rooms` narrowed, in the database, to those bookable for the whole of [start, end)."""
    local_start, local_end = timezone.localtime(start), timezone.localtime(end)
    day = local_start.date()
    if end <= start or local_end - datetime.timedelta(microseconds=1) >= _aware(
        day + datetime.timedelta(days=1), datetime.time.min
    ):
        return rooms.none()
    if korean_holiday(day):
        return rooms.none()
    closing_time = local_end.time()
    opening = OpeningHours.objects.filter(
        facility=OuterRef("facility"),
        weekday=day.weekday(),
        opens__lte=local_start.time(),
        closes__gte=closing_time,
    )
    closed = Closure.objects.filter(
        Q(room__isnull=True) | Q(room=OuterRef("pk")),
        facility=OuterRef("facility"),
        start__lt=end,
        end__gt=start,
    )
    booked = blocking_reservations().filter(room=OuterRef("pk")).overlapping(start, end)
    return rooms.filter(is_active=True).filter(Exists(opening), ~Exists(closed), ~Exists(booked))
