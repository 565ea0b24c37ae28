"""What a run needs in the database before the load starts, written as a plan for locust.

Sessions are made here, not by signing in over HTTP, so that password hashing and the sign-in
throttle stay out of the figures; the server accepts them because it shares the database,
the cache and the SECRET_KEY. The official's session is marked as having passed the second
factor the way django-otp marks it: the id of a confirmed device in the session.
"""

import datetime
import secrets

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.cached_db import SessionStore
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccountType, User
from accounts.roles import MINISTRY_OFFICIALS
from api import keys
from api.models import MAX_KEY_RATE, ApiKey
from benchmarks.dataset import BENCH_PASSWORD
from regions.models import Region
from reservations.models import Reservation, ReservationEvent
from reservations.rules import POLICIES
from reservations.synthetic import business_number, days_between
from rooms.calendar import korean_holiday
from rooms.models import Room, RoomKind

BACKEND = "django.contrib.auth.backends.ModelBackend"
BENCH_KEY_NAME = "benchmark"


def session_for(user, *, second_factor=False):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = BACKEND
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if second_factor:
        device, _created = TOTPDevice.objects.get_or_create(
            user=user, confirmed=True, defaults={"name": "benchmark"}
        )
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return session.session_key


def bench_users(prefix, count, **fields):
    """Confirmed business users `prefix-NNN@bench.example` without bookings, created once
    and reused."""
    users = []
    for n in range(count):
        user, created = User.objects.get_or_create(
            email=f"{prefix}-{n:03d}@bench.example",
            defaults={"name": f"{prefix} {n}", "company": "벤치마크", **fields},
        )
        if created or not user.can_book or not user.business_number:
            user.account_type = AccountType.BUSINESS
            user.business_number = business_number(7000 + n)
            user.email_verified_at = user.email_verified_at or timezone.now()
            user.set_password(BENCH_PASSWORD)
            user.save()
        users.append(user)
    forget_bookings(Reservation.objects.filter(booked_by__in=users))
    return users


def forget_bookings(reservations):
    ReservationEvent.objects.filter(reservation__in=reservations).delete()
    reservations.delete()


def working_days(first, last):
    """Days from `first` to `last` on which the sites open: weekdays that are not holidays."""
    return [
        day for day in days_between(first, last) if day.weekday() < 5 and not korean_holiday(day)
    ]


def booking_days(today):
    """Working days from tomorrow to the last day a standard room can be booked."""
    window = datetime.timedelta(days=POLICIES[RoomKind.STANDARD].max_days_ahead)
    return working_days(today + datetime.timedelta(days=1), today + window)


def plan(*, bookers=200):
    """Sessions, rooms and days for the locust users; a fresh official and fresh bookers."""
    official = bench_users("bench-official", 1)[0]
    official.groups.add(Group.objects.get(name=MINISTRY_OFFICIALS))
    booking_rooms = list(
        Room.objects.bookable()
        .filter(kind=RoomKind.STANDARD, facility__requires_approval=False)
        .values_list("pk", flat=True)
    )
    readers = list(
        User.objects.filter(email__startswith="bench-0", reservations__isnull=False)
        .distinct()
        .order_by("pk")[:50]
    )
    return {
        "official": session_for(official, second_factor=True),
        "bookers": [session_for(user) for user in bench_users("bench-booker", bookers)],
        "readers": [session_for(user) for user in readers],
        "rooms": list(Room.objects.bookable().values_list("pk", flat=True)),
        "booking_rooms": booking_rooms,
        "regions": list(Region.objects.values_list("slug", flat=True)),
        "days": [f"{day:%Y-%m-%d}" for day in booking_days(timezone.localdate())],
        "csrf": secrets.token_hex(16),
        "api_key": api_key(official),
    }


def api_key(owner):
    """A fresh partner key for the run, the previous runs' revoked: the API's rate limit
    counts per key, and one key at a rate no run reaches stands for a partner's app."""
    keys.revoke(ApiKey.objects.filter(name=BENCH_KEY_NAME), by=None)
    _key, raw = keys.issue(name=BENCH_KEY_NAME, owner=owner, rate=MAX_KEY_RATE, by=None)
    return raw
