"""Reminders: 24 hours and 1 hour before an approved booking (settings), each once, never for
a booking that is no longer on, nor for a booker who turned them off; after the workers were
down, only the reminder still due goes out."""

import datetime

import pytest
import time_machine
from django.core import mail

from reservations import reminders
from reservations.models import Reservation, Status
from reservations.services import cancel
from tests.factories import ReservationFactory, UserFactory, next_weekday_at

pytestmark = pytest.mark.django_db
MINUTE = datetime.timedelta(minutes=1)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def meeting():
    start = next_weekday_at(10, days_ahead=3)
    with time_machine.travel(start - 3 * DAY, tick=False):
        return ReservationFactory(start=start, end=start + HOUR)


def sweep_at(moment, capture):
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return reminders.send_due(moment)


def test_the_booker_is_reminded_a_day_and_an_hour_before_with_address_door_page_and_ics(
    meeting, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://boms.example.kr"
    assert sweep_at(meeting.start - DAY - MINUTE, django_capture_on_commit_callbacks) == {
        "1440": 0,
        "60": 0,
    }
    assert sweep_at(meeting.start - DAY, django_capture_on_commit_callbacks)["1440"] == 1
    (day_before,) = mail.outbox
    assert day_before.to == [meeting.booked_by.email]
    assert "Reminder" in day_before.subject
    assert meeting.room.facility.address in day_before.body
    assert f"https://boms.example.kr/rooms/{meeting.room_id}/door/" in day_before.body
    assert meeting.code in day_before.body
    ((name, _content, mimetype),) = day_before.attachments
    assert name.endswith(".ics") and mimetype == "text/calendar"

    assert sweep_at(meeting.start - HOUR, django_capture_on_commit_callbacks)["60"] == 1
    assert len(mail.outbox) == 2


def test_each_reminder_goes_out_once_however_often_the_sweep_runs(
    meeting, django_capture_on_commit_callbacks
):
    for minutes in range(0, 10):
        sweep_at(meeting.start - DAY + minutes * MINUTE, django_capture_on_commit_callbacks)
    for minutes in range(0, 10):
        sweep_at(meeting.start - HOUR + minutes * MINUTE, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 2
    assert Reservation.objects.get(pk=meeting.pk).reminded_before == 60


@pytest.mark.parametrize("status", [Status.CANCELLED, Status.REJECTED, Status.EXPIRED])
def test_no_reminder_for_a_booking_that_is_no_longer_on(status, django_capture_on_commit_callbacks):
    start = next_weekday_at(10, days_ahead=3)
    with time_machine.travel(start - 3 * DAY, tick=False):
        ReservationFactory(start=start, end=start + HOUR, status=status)

    sweep_at(start - DAY, django_capture_on_commit_callbacks)
    sweep_at(start - HOUR, django_capture_on_commit_callbacks)

    assert mail.outbox == []


def test_a_reminder_queued_for_a_booking_cancelled_before_it_was_sent_is_dropped(
    meeting, django_capture_on_commit_callbacks
):
    with time_machine.travel(meeting.start - DAY, tick=False):
        # The sweep queues the reminder; the booker cancels before a worker sends it.
        with django_capture_on_commit_callbacks(execute=False) as queued:
            reminders.send_due(meeting.start - DAY)
        with django_capture_on_commit_callbacks(execute=True):
            cancel(meeting.booked_by, meeting)
        mail.outbox.clear()
        for callback in queued:
            callback()

    assert mail.outbox == []


def test_no_reminder_for_a_booker_who_turned_them_off(django_capture_on_commit_callbacks):
    start = next_weekday_at(10, days_ahead=3)
    with time_machine.travel(start - 3 * DAY, tick=False):
        ReservationFactory(
            start=start, end=start + HOUR, booked_by=UserFactory(booking_reminders=False)
        )

    sweep_at(start - DAY, django_capture_on_commit_callbacks)
    sweep_at(start - HOUR, django_capture_on_commit_callbacks)

    assert mail.outbox == []


def test_a_booking_made_the_same_day_gets_only_the_hour_reminder(
    django_capture_on_commit_callbacks,
):
    start = next_weekday_at(10, days_ahead=3)
    with time_machine.travel(start - 5 * HOUR, tick=False):
        ReservationFactory(start=start, end=start + HOUR)

    sweep_at(start - 5 * HOUR, django_capture_on_commit_callbacks)
    sweep_at(start - HOUR, django_capture_on_commit_callbacks)

    (reminder,) = mail.outbox
    assert "Reminder" in reminder.subject


def test_after_the_workers_were_down_only_the_reminder_still_due_goes_out(
    meeting, django_capture_on_commit_callbacks
):
    # Down from a day before until half an hour before: the day's reminder is stale.
    sweep_at(meeting.start - 30 * MINUTE, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    assert Reservation.objects.get(pk=meeting.pk).reminded_before == 60


def test_a_late_sweep_still_sends_the_days_reminder_before_the_hours_is_due(
    meeting, django_capture_on_commit_callbacks
):
    sweep_at(meeting.start - 20 * HOUR, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    assert Reservation.objects.get(pk=meeting.pk).reminded_before == 24 * 60


def test_the_lead_times_come_from_the_settings(
    meeting, settings, django_capture_on_commit_callbacks
):
    settings.BOOKING_REMINDERS = [2 * HOUR]

    assert sweep_at(meeting.start - DAY, django_capture_on_commit_callbacks) == {"120": 0}
    assert sweep_at(meeting.start - 2 * HOUR, django_capture_on_commit_callbacks) == {"120": 1}
