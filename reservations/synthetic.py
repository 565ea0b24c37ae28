"""Plausible bookings for the demo and the benchmark, written in bulk rather than booked.

Bookings of one room never overlap and lie within its opening hours, so the database's
constraints accept them all; the spread follows real use: busier in Seoul and Gyeonggi,
working days only, mostly 1–2 hour meetings, about 10% cancelled, extended halls and sites
that need approval pending or approved. Approved meetings whose check-in time is over were
mostly checked in (some ended early) or were no-shows; reminders due by now count as sent.
They skip the booking rules on purpose (a generated company may hold more upcoming bookings
than a person could book).
"""

import datetime
import itertools

from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.validators import business_number_is_valid
from reservations.models import CODE_ALPHABET, CODE_LENGTH, Reservation, Status
from reservations.rules import POLICIES, SLOT
from rooms.models import OpeningHours, Room, RoomKind

# Bookings per open day, by region slug; other regions use DEFAULT_DAILY_BOOKINGS.
DAILY_BOOKINGS = {"seoul": 5.0, "gyeonggi": 4.8, "busan": 4.0, "incheon": 3.8, "daegu": 3.6}
DEFAULT_DAILY_BOOKINGS = 3.2
DURATION_WEIGHTS = {30: 1, 60: 5, 90: 3, 120: 4, 180: 1}
CANCELLED_SHARE = 0.10
NO_SHOW_SHARE = 0.07
ENDED_EARLY_SHARE = 0.10  # of the meetings checked in
MINUTE = datetime.timedelta(minutes=1)
COLUMNS = (
    "room_id",
    "booked_by_id",
    "start",
    "end",
    "attendees",
    "purpose",
    "company_name",
    "contact_phone",
    "status",
    "decided_at",
    "decision_note",
    "created_at",
    "updated_at",
    "code",
    "check_in_required",
    "checked_in_at",
    "released_at",
    "reminded_before",
)


class Codes:
    """Distinct booking codes drawn from `rng`, so that a seed gives the same dataset."""

    def __init__(self, rng):
        self.rng, self.used = rng, set()

    def __call__(self):
        while True:
            code = "".join(self.rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if code not in self.used:
                self.used.add(code)
                return code


def afterwards(
    kind, status, start, end, now, rng, *, no_shows=NO_SHOW_SHARE, ended_early=ENDED_EARLY_SHARE
):
    """What became of a booking by `now`: (status, checked in at, released at, reminded before).

    An approved booking whose check-in window closed was a no-show (a share `no_shows`),
    released at the window's end, or was checked in, and a share `ended_early` of those ended
    early.
    """
    policy = POLICIES[kind]
    checked_in = released = None
    if status == Status.APPROVED and start + policy.check_in_closes <= now:
        if rng.random() < no_shows:
            return Status.NO_SHOW, None, min(start + policy.check_in_closes, end), None
        checked_in = start - policy.check_in_opens + rng.randint(0, 20) * MINUTE
        if rng.random() < ended_early:
            released = start + rng.randint(10, max((end - start) // MINUTE - 10, 10)) * MINUTE
            released = min(max(released, checked_in, start), end)
    reminded = None
    if status == Status.APPROVED and checked_in is None:
        sent = [lead for lead in settings.BOOKING_REMINDERS if start - lead <= now]
        reminded = min(sent) // MINUTE if sent else None
    return status, checked_in, released, reminded


def business_number(company):
    """A registration number with a valid check digit, one per company number."""
    stem = f"{100 + company % 800:03d}81{company:04d}"
    return next(stem + d for d in "0123456789" if business_number_is_valid(stem + d))


def days_between(first, last):
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)


def rows(days, bookers, rng, *, now, scale=1.0, purpose, company_of, codes):
    """Every room's bookings on `days` as tuples in COLUMNS order.

    `bookers` are user ids; `company_of(user_id)` names the company a booking is made for;
    `codes` (a Codes) gives each its booking code.
    Rooms and opening hours are read here, before the first row: the rows may be written
    with COPY on the same connection, which can run no other query meanwhile.
    """
    hours = _opening_hours()
    rooms = list(Room.objects.select_related("facility__district__region").order_by("pk"))

    def generate():
        for room in rooms:
            rate = DAILY_BOOKINGS.get(room.facility.district.region.slug, DEFAULT_DAILY_BOOKINGS)
            yield from _room_bookings(
                room, hours.get(room.facility_id, {}), days, rate * scale, bookers, rng, now,
                purpose, company_of, codes,
            )  # fmt: skip

    return generate()


def bulk_insert(rows, batch_size=2000):
    """Write rows (COLUMNS order) as they are; the benchmark COPYs them on PostgreSQL instead.

    A plain INSERT, not bulk_create, which would stamp every row's request time with now.
    """
    fields = [Reservation._meta.get_field(name) for name in COLUMNS]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(Reservation._meta.db_table)} "
        f"({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    rows, count = iter(rows), 0
    with connection.cursor() as cursor:
        while batch := list(itertools.islice(rows, batch_size)):
            cursor.executemany(
                sql,
                [
                    [
                        field.get_db_prep_save(value, connection)
                        for field, value in zip(fields, row, strict=True)
                    ]
                    for row in batch
                ],
            )
            count += len(batch)
    return count


def _opening_hours():
    hours = {}
    for facility_id, weekday, opens, closes in OpeningHours.objects.values_list(
        "facility_id", "weekday", "opens", "closes"
    ):
        hours.setdefault(facility_id, {})[weekday] = (opens, closes)
    return hours


def _room_bookings(room, weekly_hours, days, rate, bookers, rng, now, purpose, company_of, codes):
    durations, weights = zip(*DURATION_WEIGHTS.items(), strict=True)
    for day in days:
        hours = weekly_hours.get(day.weekday())
        if hours is None:
            continue
        opens = timezone.make_aware(datetime.datetime.combine(day, hours[0]))
        closes = timezone.make_aware(datetime.datetime.combine(day, hours[1]))
        wanted = min(int(rng.expovariate(1 / rate) + 0.5), 6)
        cursor = opens
        for _ in range(wanted):
            cursor += SLOT * rng.choice((0, 0, 1, 2))
            length = datetime.timedelta(minutes=rng.choices(durations, weights)[0])
            if room.kind == RoomKind.HALL:
                length *= 2
            if cursor + length > closes:
                break
            start, end = cursor, cursor + length
            cursor = end
            requested = start - datetime.timedelta(hours=rng.randint(2, 24 * 20))
            status, decided = _status(room, start, requested, now, rng)
            status, checked_in, released, reminded = afterwards(
                room.kind, status, start, end, now, rng
            )
            booker = rng.choice(bookers)
            yield (
                room.pk,
                booker,
                start,
                end,
                rng.randint(1, room.capacity),
                purpose,
                company_of(booker),
                "010-0000-0000",
                status,
                decided,
                "",
                requested,
                released or checked_in or requested,
                codes(),
                True,
                checked_in,
                released,
                reminded,
            )


def _status(room, start, requested, now, rng):
    if rng.random() < CANCELLED_SHARE:
        return Status.CANCELLED, None
    if room.kind == RoomKind.HALL or room.facility.requires_approval:
        if start > now and rng.random() < 0.5:
            return Status.PENDING, None
        return Status.APPROVED, requested + datetime.timedelta(hours=rng.randint(1, 48))
    return Status.APPROVED, None
