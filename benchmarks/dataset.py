"""Build a national-scale dataset on PostgreSQL: users and a year of bookings for every room.

Rows go in with COPY, not one save per row; `reservations.synthetic` makes them, so the
database's exclusion constraint accepts them all.
"""

import contextlib
import datetime
import random
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import AccountType, User
from dashboard import rollup
from reservations import synthetic
from reservations.models import Reservation, ReservationEvent, ScheduleVersion, Status

BENCH_PASSWORD = "bench-password-2026"
COMPANIES = 1500  # the users work for this many businesses


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
        companies = _create_users(size.users)
        with _triggers_off():
            rows = _write(size, companies, rng)
        rollup.rebuild()
        # Days stamped anew when next read: no cached schedule of the old rows is used.
        ScheduleVersion.objects.exclude(key=ScheduleVersion.SITES).delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    if stdout:
        stdout.write(f"{len(companies)} users, {rows} reservations\n")
    return rows


def bring_up_to(now, *, seed=2026):
    """Make the approved bookings of a dataset built earlier what they would be by `now`:
    checked in, ended early or no-shows, and reminded (`synthetic.afterwards`), as the bookers
    and the sweep would have made them meanwhile. Returns how many changed.

    Without it, a run hours after the build starts with the backlog of those hours, which
    nobody would have in production: the sweep releasing every meeting since as a no-show, and
    each one's e-mail and the reminders on top of the run's own work.
    """
    rng = random.Random(f"{seed}-{now:%Y%m%d%H%M}")
    latest_lead = max(settings.BOOKING_REMINDERS, default=datetime.timedelta(0))
    waiting = (
        Reservation.objects.filter(
            status=Status.APPROVED,
            checked_in_at__isnull=True,
            released_at__isnull=True,
            start__lte=now + latest_lead,
        )
        .select_related("room")
        .only("room__kind", "status", "start", "end", "reminded_before", "updated_at")
    )
    changed = []
    for booking in waiting.iterator(chunk_size=2000):
        after = synthetic.afterwards(
            booking.room.kind, booking.status, booking.start, booking.end, now, rng
        )
        before = (booking.status, None, None, booking.reminded_before)
        if after == before:
            continue
        (booking.status, booking.checked_in_at, booking.released_at,
         booking.reminded_before) = after  # fmt: skip
        booking.updated_at = booking.released_at or booking.checked_in_at or booking.updated_at
        changed.append(booking)
    fields = ["status", "checked_in_at", "released_at", "reminded_before", "updated_at"]
    Reservation.objects.bulk_update(changed, fields, batch_size=1000)  # in one transaction
    return len(changed)


@contextlib.contextmanager
def _triggers_off():
    """COPY a million rows without a roll-up upsert and a day's stamp per row; `rollup.rebuild`
    and new stamps follow."""
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
    """{user id: company name} of `count` new bench users."""
    password = make_password(BENCH_PASSWORD)
    now = timezone.now()
    users = [
        User(
            email=f"bench-{n:05d}@bench.example",
            email_verified_at=now,
            name=f"벤치 사용자 {n}",
            account_type=AccountType.BUSINESS,
            company=f"벤치마크 주식회사 {n % COMPANIES}",
            business_number=synthetic.business_number(n % COMPANIES),
            phone="010-0000-0000",
            password=password,
            calendar_token=f"bench-token-{n:05d}",
        )
        for n in range(count)
    ]
    User.objects.bulk_create(users, batch_size=2000)
    return dict(
        User.objects.filter(email__startswith="bench-").order_by("pk").values_list("pk", "company")
    )


def _days(months):
    today = timezone.localdate()
    first = today - datetime.timedelta(days=int(months * 30.4 * 0.75))
    last = today + datetime.timedelta(days=int(months * 30.4 * 0.25))
    return list(synthetic.days_between(first, last))


def _write(size, companies, rng):
    rows = synthetic.rows(
        _days(size.months), list(companies), rng, now=timezone.now(), scale=size.scale,
        purpose="벤치마크 회의", company_of=companies.__getitem__, codes=synthetic.Codes(rng),
    )  # fmt: skip
    if connection.vendor != "postgresql":
        return synthetic.bulk_insert(rows)
    count = 0
    columns = ", ".join(f'"{column}"' for column in synthetic.COLUMNS)
    with connection.cursor() as cursor:
        sql = f"COPY reservations_reservation ({columns}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count
