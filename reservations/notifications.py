"""E-mails about bookings, in Korean with English below, each with the booking as .ics.

The services schedule these with transaction.on_commit: nothing is sent for a change
that was rolled back, and no mail server is waited on inside a transaction.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from reservations.ics import reservations_ics

SUBJECTS = {
    "booked": _("Booking confirmed"),
    "requested": _("Booking received: awaiting approval"),
    "approved": _("Booking approved"),
    "rejected": _("Booking rejected"),
    "cancelled": _("Booking cancelled"),
    "expired": _("Booking request expired"),
    "decision_needed": _("A booking awaits your decision"),
}


def _render(kind, reservation, language):
    with translation.override(language):
        return {
            "subject": str(SUBJECTS[kind]),
            "body": render_to_string(
                "reservations/email/notice.txt",
                {
                    "kind": kind,
                    "reservation": reservation,
                    "site_url": settings.SITE_URL.rstrip("/"),
                },
            ).strip(),
        }


def _send(kind, reservation, recipients):
    if not recipients:
        return
    korean, english = _render(kind, reservation, "ko"), _render(kind, reservation, "en")
    message = EmailMessage(
        subject=f"[BOMS] {korean['subject']} / {english['subject']}",
        body=f"{korean['body']}\n\n----------\n\n{english['body']}\n",
        to=recipients,
    )
    method = "CANCEL" if kind in ("rejected", "cancelled", "expired") else "PUBLISH"
    message.attach(
        f"boms-reservation-{reservation.pk}.ics",
        reservations_ics([reservation], calendar_name="BOMS", method=method),
        "text/calendar",
    )
    message.send()


def notify_booker(kind, reservation):
    booker = reservation.booked_by
    _send(kind, reservation, [booker.email] if booker and booker.email else [])


def notify_managers(reservation):
    emails = list(
        reservation.room.facility.managers.filter(is_active=True).values_list("email", flat=True)
    )
    _send("decision_needed", reservation, emails)
