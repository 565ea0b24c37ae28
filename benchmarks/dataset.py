"""Build a national-scale dataset on PostgreSQL: users and a year of bookings for every room.

Rows go in with COPY, not one save per row. Bookings of one room never overlap, so the
database's exclusion constraint accepts them all; the spread follows real use: busier
in Seoul and Gyeonggi, weekdays only, within opening hours, mostly 1–2 hour meetings,
about 10% cancelled, extended halls pending or approved.
"""

import contextlib
import datetime
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from accounts.validators import business_number_is_valid
from dashboard import rollup
from reservations.models import Reservation, ReservationEvent, Status
from rooms.models import OpeningHours, Room, RoomKind

# Bookings per open day, by region slug; other regions use DEFAULT_DAILY_BOOKINGS.
DAILY_BOOKINGS = {"seoul": 5.0, "gyeonggi": 4.8, "busan": 4.0, "incheon": 3.8, "daegu": 3.6}
DEFAULT_DAILY_BOOKINGS = 3.2
DURATION_WEIGHTS = {30: 1, 60: 5, 90: 3, 120: 4, 180: 1}
CANCELLED_SHARE = 0.10
BENCH_PASSWORD = "bench-password-2026"
COMPANIES = 1500  # the users work for this many businesses
SLOT = datetime.timedelta(minutes=30)


@dataclass
class DatasetSize:
    users: int = 5000
    months: int = 12
    scale: float = 1.0  # multiplies the bookings per day; 1.0 gives about a million rows


def build(size: DatasetSize, *, seed: int = 2026, stdout=None):
    """Replace users named bench-* and all reservations with a generated dataset."""
    rng = random.Random(seed)
    with transaction.atomic():
        ReservationEvent.objects.all().delete()
        Reservation.objects.all().delete()
        User.objects.filter(email__startswith="bench-").delete()
        user_ids = _create_users(size.users)
        with _rollup_triggers_off():
            rows = _copy_reservations(size, user_ids, rng)
        rollup.rebuild()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    if stdout:
        stdout.write(f"{len(user_ids)} users, {rows} reservations\n")
    return rows


@contextlib.contextmanager
def _rollup_triggers_off():
    """COPY a million rows without a roll-up upsert per row; `rollup.rebuild` follows."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        # Deferred foreign-key checks of the rows just deleted must run before ALTER TABLE.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE reservations_reservation DISABLE TRIGGER USER")
        yield
        cursor.execute("ALTER TABLE reservations_reservation ENABLE TRIGGER USER")


def _create_users(count):
    password = make_password(BENCH_PASSWORD)
    users = [
        User(
            email=f"bench-{n:05d}@bench.example",
            name=f"벤치 사용자 {n}",
            company=f"벤치마크 주식회사 {n % COMPANIES}",
            business_number=_business_number(n % COMPANIES),
            phone="010-0000-0000",
            password=password,
            calendar_token=f"bench-token-{n:05d}",
        )
        for n in range(count)
    ]
    User.objects.bulk_create(users, batch_size=2000)
    return list(
        User.objects.filter(email__startswith="bench-").order_by("pk").values_list("pk", flat=True)
    )


def _business_number(company):
    """A registration number with a valid check digit, one per company."""
    stem = f"{100 + company % 800:03d}81{company:04d}"
    return next(stem + d for d in "0123456789" if business_number_is_valid(stem + d))


def _opening_hours():
    hours = {}
    for facility_id, weekday, opens, closes in OpeningHours.objects.values_list(
        "facility_id", "weekday", "opens", "closes"
    ):
        hours.setdefault(facility_id, {})[weekday] = (opens, closes)
    return hours


def _days(months):
    today = timezone.localdate()
    first = today - datetime.timedelta(days=int(months * 30.4 * 0.75))
    last = today + datetime.timedelta(days=int(months * 30.4 * 0.25))
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)


def _room_bookings(room, weekly_hours, days, rate, user_ids, rng, now, tz):
    """Yield one room's non-overlapping bookings as COPY rows."""
    durations, weights = zip(*DURATION_WEIGHTS.items(), strict=True)
    for day in days:
        hours = weekly_hours.get(day.weekday())
        if hours is None:
            continue
        opens = timezone.make_aware(datetime.datetime.combine(day, hours[0]), tz)
        closes = timezone.make_aware(datetime.datetime.combine(day, hours[1]), tz)
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
            yield (
                room.pk,
                rng.choice(user_ids),
                start,
                end,
                rng.randint(1, room.capacity),
                "벤치마크 회의",
                f"벤치마크 주식회사 {rng.randint(0, 1499)}",
                "010-0000-0000",
                status,
                decided,
                "",
                requested,
                requested,
            )


def _status(room, start, requested, now, rng):
    if rng.random() < CANCELLED_SHARE:
        return Status.CANCELLED, None
    if room.kind == RoomKind.HALL or room.facility.requires_approval:
        if start > now and rng.random() < 0.5:
            return Status.PENDING, None
        return Status.APPROVED, requested + datetime.timedelta(hours=rng.randint(1, 48))
    return Status.APPROVED, None


COLUMNS = (
    "room_id",
    "booked_by_id",
    "start",
    '"end"',
    "attendees",
    "purpose",
    "company_name",
    "contact_phone",
    "status",
    "decided_at",
    "decision_note",
    "created_at",
    "updated_at",
)


def _copy_reservations(size, user_ids, rng):
    rooms = list(Room.objects.select_related("facility__district__region").order_by("pk"))
    hours = _opening_hours()
    days = list(_days(size.months))
    now = timezone.now()
    tz = timezone.get_current_timezone()

    def rows():
        for room in rooms:
            rate = (
                DAILY_BOOKINGS.get(room.facility.district.region.slug, DEFAULT_DAILY_BOOKINGS)
                * size.scale
            )
            yield from _room_bookings(
                room, hours.get(room.facility_id, {}), days, rate, user_ids, rng, now, tz
            )

    if connection.vendor != "postgresql":
        names = [column.strip('"') for column in COLUMNS]
        objects = [Reservation(**dict(zip(names, row, strict=True))) for row in rows()]
        Reservation.objects.bulk_create(objects, batch_size=2000)
        return len(objects)

    count = 0
    with connection.cursor() as cursor:
        sql = f"COPY reservations_reservation ({', '.join(COLUMNS)}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for row in rows():
                copy.write_row(row)
                count += 1
    return count
