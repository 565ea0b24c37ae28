"""Timed work on bookings, run by the worker's minute sweep (worker/sweep.py).

Each step is a query over what is due at `now`, so running it twice, or late after the
workers were down, does each thing once.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from reservations import reminders, services
from reservations.models import PersonalDataAccess, Reservation
from worker import sweep

ERASE_BATCH = 1000


@sweep.step()
def lapse_undecided(now):
    """Expire the pending bookings whose start has come; the bookers are told."""
    return services.lapse_undecided(now=now)


@sweep.step()
def release_no_shows(now):
    """Release approved bookings nobody checked in by the end of their check-in window."""
    return services.release_no_shows(now=now)


@sweep.step()
def send_reminders(now):
    """Queue the reminders that are due (settings.BOOKING_REMINDERS) for approved bookings."""
    return reminders.send_due(now)


# Just after midnight in Seoul, when the booking window moves on by a day.
@sweep.step(every=datetime.timedelta(days=1), at=datetime.timedelta(minutes=5))
def extend_series(now):
    """Book the dates of recurring series that entered the booking window; bookers are told."""
    return services.extend_series(now=now)


@sweep.step(every=datetime.timedelta(days=1), at=datetime.timedelta(hours=3))
def erase_personal_data(now):
    """Blank purpose, company and phone of bookings that ended before the retention period.

    The booking itself stays, with its room, times, attendees and status, for the figures.
    """
    cutoff = now - datetime.timedelta(days=settings.BOOKING_PERSONAL_DATA_RETENTION_DAYS)
    personal = Reservation.objects.filter(end__lt=cutoff).filter(
        ~Q(purpose="") | ~Q(company_name="") | ~Q(contact_phone="")
    )
    erased, last = 0, 0
    # Walking up the primary key reads the table once however many batches there are.
    while batch := list(
        personal.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:ERASE_BATCH]
    ):
        with transaction.atomic():
            erased += Reservation.objects.filter(pk__in=batch).update(
                purpose="", company_name="", contact_phone=""
            )
        last = batch[-1]
    return erased


@sweep.step(every=datetime.timedelta(days=1), at=datetime.timedelta(hours=3, minutes=30))
def forget_old_personal_data_accesses(now):
    """Delete the access log's entries older than its retention period."""
    cutoff = now - datetime.timedelta(days=settings.PERSONAL_DATA_ACCESS_RETENTION_DAYS)
    deleted, _by_model = PersonalDataAccess.objects.filter(at__lt=cutoff).delete()
    return deleted
