"""Two workers extending the same series at once book each date once, and report no date as
taken by the other (threads with their own PostgreSQL connections)."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection

from reservations import services
from reservations.models import Frequency, Reservation, Series
from rooms.calendar import at
from tests.factories import RoomFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrency is proven on PostgreSQL; SQLite serialises all writers",
    ),
]


def test_two_workers_extending_one_series_at_once_book_each_date_once():
    start = at(datetime.date(2026, 9, 10), datetime.time(10))
    with time_machine.travel(at(datetime.date(2026, 9, 9), datetime.time(9)), tick=False):
        series = services.book_series(
            UserFactory(), RoomFactory(), start, start + datetime.timedelta(hours=1),
            frequency=Frequency.WEEKLY, count=8, attendees=2, purpose="주간 회의",
        ).series  # fmt: skip
    assert series.occurrences.count() == 4  # 10, 17 Sep (24th a holiday), 1 and 8 Oct

    barrier = threading.Barrier(2)
    booked = [None, None]

    def worker(index):
        try:
            barrier.wait()
            booked[index] = services.extend_series()
        finally:
            connection.close()

    with time_machine.travel(at(datetime.date(2026, 9, 22), datetime.time(0, 5)), tick=False):
        threads = [threading.Thread(target=worker, args=(index,)) for index in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert sorted(booked) == [0, 2]  # 15 and 22 October, by one worker
    assert Reservation.objects.filter(series=series).count() == 6
    series = Series.objects.get(pk=series.pk)
    assert [entry["code"] for entry in series.skipped] == ["holiday"]
