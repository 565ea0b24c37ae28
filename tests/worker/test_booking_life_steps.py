"""The sweep's steps for the life of a booking, run by the worker through the real queue:
reminders and no-show release on time, once, and after the workers were down."""

import datetime

import pytest
from django.core import mail

from reservations.models import Reservation, Status
from reservations.services import book
from tests.factories import RoomFactory, UserFactory, next_weekday_at
from tests.queue import run_due_tasks
from worker import sweep

pytestmark = pytest.mark.django_db
MINUTE = datetime.timedelta(minutes=1)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def booking(queue, clock):
    start = next_weekday_at(10, days_ahead=3)
    clock.travel(seconds=(start - 2 * DAY - clock.now).total_seconds())
    reservation = book(
        UserFactory(), RoomFactory(), start, start + 2 * HOUR, attendees=3, purpose="주간 회의"
    )
    sweep.start()
    run_due_tasks()
    mail.outbox.clear()
    return reservation


def subjects():
    return [message.subject for message in mail.outbox]


def test_the_worker_reminds_and_releases_a_no_show_on_time_and_once(booking, clock):
    clock.travel(seconds=(booking.start - DAY - clock.now).total_seconds())
    run_due_tasks()
    clock.travel(minutes=1)
    run_due_tasks()
    assert len(mail.outbox) == 1 and "Reminder" in mail.outbox[0].subject

    clock.travel(seconds=(booking.start - HOUR - clock.now).total_seconds())
    run_due_tasks()
    assert len(mail.outbox) == 2

    clock.travel(seconds=(booking.start + 15 * MINUTE - clock.now).total_seconds())
    run_due_tasks()
    clock.travel(minutes=1)
    run_due_tasks()
    booking.refresh_from_db()
    assert booking.status == Status.NO_SHOW
    assert booking.released_at == booking.start + 15 * MINUTE
    assert len(mail.outbox) == 3 and "No check-in" in mail.outbox[2].subject


def test_after_the_workers_were_down_for_the_meeting_one_sweep_catches_up(booking, clock):
    # The workers stop a day and a half before the start and come back an hour after it.
    clock.travel(seconds=(booking.start + HOUR - clock.now).total_seconds())
    ran = run_due_tasks()

    assert [r.task_path for r in ran].count("worker.sweep.sweep") == 1
    booking.refresh_from_db()
    assert booking.status == Status.NO_SHOW
    assert booking.released_at == booking.start + HOUR
    # No reminder for a meeting that has begun; the no-show notice, once.
    assert len(mail.outbox) == 1 and "No check-in" in mail.outbox[0].subject
    clock.travel(minutes=1)
    run_due_tasks()
    assert len(mail.outbox) == 1
    assert Reservation.objects.filter(status=Status.NO_SHOW).count() == 1
