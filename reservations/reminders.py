"""Reminders before a booking, at the lead times of settings.BOOKING_REMINDERS, each once.

A reminder is due from its lead time before the start until the next shorter one is due (the
last until the start), for approved bookings not yet checked in or released, made before that
lead time, whose bookers did not turn reminders off. `Reservation.reminded_before` records the
shortest lead already sent: a compare-and-set on it queues each reminder once, however often
or late the sweep runs; the outbox's key per booking and lead holds the e-mail to once too.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q

from reservations import notifications
from reservations.models import Reservation, Status

MINUTE = datetime.timedelta(minutes=1)


def leads():
    """The lead times, longest first."""
    return sorted(set(settings.BOOKING_REMINDERS), reverse=True)


def _not_reminded_within(minutes):
    return Q(reminded_before__isnull=True) | Q(reminded_before__gt=minutes)


def due(lead, next_lead, now):
    """Bookings whose reminder `lead` before the start is due at `now`."""
    minutes = lead // MINUTE
    return Reservation.objects.filter(
        _not_reminded_within(minutes),
        status=Status.APPROVED,
        checked_in_at__isnull=True,
        released_at__isnull=True,
        start__gt=now + next_lead,
        start__lte=now + lead,
        created_at__lte=F("start") - lead,
        booked_by__booking_reminders=True,
        booked_by__is_active=True,
    )


def send_due(now):
    """Queue the reminders due at `now`; return {lead in minutes: reminders queued}."""
    ordered = leads()
    queued = {}
    for index, lead in enumerate(ordered):
        next_lead = ordered[index + 1] if index + 1 < len(ordered) else datetime.timedelta(0)
        minutes = lead // MINUTE
        queued[str(minutes)] = 0
        for reservation in due(lead, next_lead, now).order_by("start", "pk"):
            with transaction.atomic():
                claimed = (
                    Reservation.objects.filter(_not_reminded_within(minutes), pk=reservation.pk)
                    .filter(status=Status.APPROVED)
                    .update(reminded_before=minutes)
                )
                if claimed:
                    notifications.schedule("reminder", reservation, lead=minutes)
                    queued[str(minutes)] += 1
    return queued
