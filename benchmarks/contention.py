"""Many signed-in users POST the same booking at the same instant; exactly one may win."""

import datetime
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.utils import timezone

from benchmarks.prepare import bench_users, forget_bookings, session_for, working_days
from reservations.models import Reservation
from rooms.models import Room, RoomKind


@dataclass
class Outcome:
    attempts: int
    won: int
    just_taken: int
    other_refusals: int
    server_errors: int
    connection_errors: int
    rows_in_database: int

    @property
    def passed(self):
        return self.won == 1 == self.rows_in_database and not (
            self.server_errors or self.connection_errors
        )


def classify(status, body):
    if status in (301, 302, 303):
        return "won"
    if status >= 500:
        return "server error"
    if 'data-refusal="slot_taken"' in body:
        return "just taken"
    return "other refusal"


def race(base_url, *, users=200, csrf="0123456789abcdef0123456789abcdef"):
    import requests  # the bench extra; imported here so the test suite never needs it

    room = (
        Room.objects.bookable()
        .filter(kind=RoomKind.STANDARD, facility__requires_approval=False)
        .order_by("pk")
        .first()
    )
    week = timezone.localdate() + datetime.timedelta(days=7)
    day = working_days(week, week + datetime.timedelta(days=7))[0]
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(17)))
    end = start + datetime.timedelta(minutes=30)
    forget_bookings(Reservation.objects.filter(room=room).overlapping(start, end))
    sessions = [session_for(user) for user in bench_users("bench-race", users)]
    data = {"date": f"{day:%Y-%m-%d}", "start": "17:00", "duration": "30", "attendees": "2",
            "purpose": "동시 예약 시험", "csrfmiddlewaretoken": csrf}  # fmt: skip
    barrier = threading.Barrier(users)

    def attempt(session_key):
        with requests.Session() as http:
            http.cookies.set("sessionid", session_key)
            http.cookies.set("csrftoken", csrf)
            http.get(f"{base_url}/healthz", timeout=30)  # connect before the start line
            barrier.wait()
            try:
                response = http.post(
                    f"{base_url}/book/{room.pk}/", data=data, allow_redirects=False, timeout=120
                )
            except requests.RequestException:
                return "connection error"
            return classify(response.status_code, response.text)

    with ThreadPoolExecutor(max_workers=users) as pool:
        counts = Counter(pool.map(attempt, sessions))
    rows = Reservation.objects.active().filter(room=room).overlapping(start, end).count()
    return Outcome(
        attempts=users,
        won=counts["won"],
        just_taken=counts["just taken"],
        other_refusals=counts["other refusal"],
        server_errors=counts["server error"],
        connection_errors=counts["connection error"],
        rows_in_database=rows,
    )
