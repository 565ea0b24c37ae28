"""E-mails about bookings, in Korean with English below, each with the booking as .ics.

A service calls schedule() inside its transaction: that adds one row to the task queue,
so a change that is rolled back sends nothing. The worker's notify task then renders the
notices and hands them to the outbox, keyed by booking and kind (and a reminder's lead time)
so that each goes out once however often the task runs; the outbox sends and retries
(worker/outbox.py). A reminder is not sent for a booking that is no longer on by then.
"""

import datetime
import hashlib
import json

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from reservations import rules
from reservations.ics import reservations_ics
from reservations.models import Reservation, Series, Status
from worker import outbox
from worker.queue import retry_later

SUBJECTS = {
    "booked": _("Booking confirmed"),
    "requested": _("Booking received: awaiting approval"),
    "approved": _("Booking approved"),
    "rejected": _("Booking rejected"),
    "cancelled": _("Booking cancelled"),
    "expired": _("Booking request expired"),
    "decision_needed": _("A booking awaits your decision"),
    "withdrawn": _("Booking cancelled: the booker deleted their account"),
    "reminder": _("Reminder of your booking"),
    "no_show": _("No check-in: your booking was released"),
    "series_booked": _("Recurring booking confirmed"),
    "series_requested": _("Recurring booking received: awaiting approval"),
    "series_decision_needed": _("A recurring booking awaits your decision"),
    "series_approved": _("Recurring booking approved"),
    "series_rejected": _("Recurring booking rejected"),
    "series_cancelled": _("Recurring booking cancelled"),
    "series_extended": _("More dates of your recurring booking"),
}
# A change's notices, when they are not one to the booker: (to the booker, to the managers).
NOTICES = {
    "requested": ("requested", "decision_needed"),
    "withdrawn": (None, "withdrawn"),
    "series_requested": ("series_requested", "series_decision_needed"),
}
# Notices of a booking that is on: they tell how and when to check in.
CHECK_IN_KINDS = {"booked", "approved", "reminder"}


def _context(kind, reservation):
    site_url = settings.SITE_URL.rstrip("/")
    context = {
        "kind": kind,
        "reservation": reservation,
        "site_url": site_url,
        "door_url": site_url + reverse("door", args=[reservation.room_id]),
    }
    if kind in CHECK_IN_KINDS:
        context["check_in_opens"] = timezone.localtime(rules.CHECK_IN.opens(reservation))
        context["check_in_closes"] = timezone.localtime(rules.CHECK_IN.closes(reservation))
    if kind == "no_show" and reservation.booked_by is not None:
        context["standing"] = rules.standing(reservation.booked_by, timezone.now())
        context["penalties"] = rules.PENALTIES
    return context


def _render(kind, context, language):
    with translation.override(language):
        return {
            "subject": str(SUBJECTS[kind]),
            "body": render_to_string("reservations/email/notice.txt", context).strip(),
        }


def _message(kind, reservation, recipients):
    context = _context(kind, reservation)
    korean, english = _render(kind, context, "ko"), _render(kind, context, "en")
    message = EmailMessage(
        subject=f"[BOMS] {korean['subject']} / {english['subject']}",
        body=f"{korean['body']}\n\n----------\n\n{english['body']}\n",
        to=recipients,
    )
    method = "CANCEL" if kind in ("rejected", "cancelled", "expired", "no_show") else "PUBLISH"
    message.attach(
        f"boms-reservation-{reservation.pk}.ics",
        reservations_ics([reservation], calendar_name="BOMS", method=method),
        "text/calendar",
    )
    return message


def schedule(kind, reservation, lead=None):
    """Queue the notices of a change; call it inside the change's transaction.

    `lead`, for a reminder, is how many minutes before the start it is due.
    """
    details = {"lead": lead} if lead else {}
    notify.enqueue(reservation.pk, kind, **details)


def schedule_each(kind, reservations):
    """Queue one change's notices for many bookings as one task (an area's closure)."""
    notify_each.enqueue([reservation.pk for reservation in reservations], kind)


@task
def notify_each(reservation_ids, kind, attempt=1):
    # Each notice is keyed by booking and kind in the outbox: a retry sends only those missing.
    try:
        for reservation_id in reservation_ids:
            send_notices(reservation_id, kind)
    except Exception:
        retry_later(notify_each, reservation_ids, kind, attempt=attempt)
        raise


@task
def notify(reservation_id, kind, attempt=1, **details):
    try:
        send_notices(reservation_id, kind, **details)
    except Exception:
        retry_later(notify, reservation_id, kind, attempt=attempt, **details)
        raise


def send_notices(reservation_id, kind, lead=None):
    """Post the change's notices: to the booker, and to the facility's managers where they act.

    `lead` tells a reminder from another of the same booking (a day before, an hour before).
    """
    reservation = (
        Reservation.objects.select_related("booked_by", "room__facility")
        .filter(pk=reservation_id)
        .first()
    )
    if reservation is None:
        return
    if kind == "reminder" and not is_worth_a_reminder(reservation, timezone.now()):
        return
    to_booker, to_managers = NOTICES.get(kind, (kind, None))
    booker = reservation.booked_by
    if to_booker and booker and booker.email:
        key = f"reservation-{reservation.pk}-{to_booker}" + (f"-{lead}" if lead else "")
        outbox.post(_message(to_booker, reservation, [booker.email]), key=key, send_now=True)
    if to_managers:
        managers = list(
            reservation.room.facility.managers.filter(is_active=True).values_list(
                "email", flat=True
            )
        )
        if managers:
            outbox.post(
                _message(to_managers, reservation, managers),
                key=f"reservation-{reservation.pk}-{to_managers}",
                send_now=True,
            )


def is_worth_a_reminder(reservation, now):
    """An approved booking that has not started, nor been checked in or released."""
    return (
        reservation.status == Status.APPROVED
        and reservation.start > now
        and reservation.checked_in_at is None
        and reservation.released_at is None
        and reservation.booked_by is not None
        and reservation.booked_by.booking_reminders
    )


# --- Recurring bookings: one e-mail about many dates of a series ------------------------------
SERIES_CANCELLING = {"series_rejected", "series_cancelled"}
# Notices that also list the dates still to be booked as the window moves.
SERIES_LATER = {"series_booked", "series_requested", "series_decision_needed"}


def schedule_series(kind, series, reservation_ids, skipped=()):
    """Queue one notice about these dates of the series (and the dates `skipped`, as the
    series keeps them); call it inside the change's transaction."""
    notify_series.enqueue(series.pk, kind, list(reservation_ids), list(skipped))


@task
def notify_series(series_id, kind, reservation_ids, skipped, attempt=1):
    try:
        send_series_notices(series_id, kind, reservation_ids, skipped)
    except Exception:
        retry_later(notify_series, series_id, kind, reservation_ids, skipped, attempt=attempt)
        raise


def _skipped_dates(skipped, language):
    return [
        {
            "start": timezone.localtime(datetime.datetime.fromisoformat(entry["start"])),
            "reason": entry["reason"].get(language) or entry["reason"].get("en", ""),
        }
        for entry in skipped
    ]


def _series_message(kind, series, reservations, skipped, recipients):
    site_url = settings.SITE_URL.rstrip("/")
    bodies = {}
    for language in ("ko", "en"):
        context = {
            "kind": kind,
            "series": series,
            "room": series.room,
            "reservations": reservations,
            "skipped": _skipped_dates(skipped, language),
            "later": rules.BOOKING_WINDOW.awaiting(series) if kind in SERIES_LATER else [],
            "site_url": site_url,
            "admin_url": site_url + reverse("admin:reservations_series_change", args=[series.pk]),
        }
        with translation.override(language):
            bodies[language] = {
                "subject": str(SUBJECTS[kind]),
                "body": render_to_string("reservations/email/series.txt", context).strip(),
            }
    korean, english = bodies["ko"], bodies["en"]
    message = EmailMessage(
        subject=f"[BOMS] {korean['subject']} / {english['subject']}",
        body=f"{korean['body']}\n\n----------\n\n{english['body']}\n",
        to=recipients,
    )
    if reservations:
        method = "CANCEL" if kind in SERIES_CANCELLING else "PUBLISH"
        message.attach(
            f"boms-series-{series.pk}.ics",
            reservations_ics(reservations, calendar_name="BOMS", method=method),
            "text/calendar",
        )
    return message


def send_series_notices(series_id, kind, reservation_ids, skipped):
    """Post the series' notice to the booker, and to the facility's managers where they act.

    Keyed by the series, the kind and the dates it is about, so a task run twice posts once.
    """
    series = Series.objects.select_related("booked_by", "room__facility").filter(pk=series_id)
    series = series.first()
    if series is None:
        return
    reservations = list(
        Reservation.objects.filter(pk__in=reservation_ids)
        .select_related("room__facility")
        .order_by("start", "pk")
    )
    digest = hashlib.sha256(
        json.dumps([sorted(reservation_ids), skipped], sort_keys=True).encode()
    ).hexdigest()[:16]
    to_booker, to_managers = NOTICES.get(kind, (kind, None))
    booker = series.booked_by
    if to_booker and booker and booker.email:
        message = _series_message(to_booker, series, reservations, skipped, [booker.email])
        outbox.post(message, key=f"series-{series.pk}-{to_booker}-{digest}", send_now=True)
    if to_managers:
        managers = list(
            series.room.facility.managers.filter(is_active=True).values_list("email", flat=True)
        )
        if managers:
            message = _series_message(to_managers, series, reservations, skipped, managers)
            outbox.post(message, key=f"series-{series.pk}-{to_managers}-{digest}", send_now=True)
