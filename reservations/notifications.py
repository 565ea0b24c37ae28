"""E-mails about bookings, in Korean with English below, each with the booking as .ics.

A service calls schedule() inside its transaction: that adds one row to the task queue,
so a change that is rolled back sends nothing. The worker's notify task then renders the
notices and hands them to the outbox, keyed by booking and kind so that each goes out once
however often the task runs; the outbox sends and retries (worker/outbox.py).
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from reservations.ics import reservations_ics
from reservations.models import Reservation
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
}
# A change's notices, when they are not one to the booker: (to the booker, to the managers).
NOTICES = {
    "requested": ("requested", "decision_needed"),
    "withdrawn": (None, "withdrawn"),
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


def _message(kind, reservation, recipients):
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
    return message


def schedule(kind, reservation):
    """Queue the notices of a change; call it inside the change's transaction."""
    notify.enqueue(reservation.pk, kind)


@task
def notify(reservation_id, kind, attempt=1):
    try:
        send_notices(reservation_id, kind)
    except Exception:
        retry_later(notify, reservation_id, kind, attempt=attempt)
        raise


def send_notices(reservation_id, kind):
    """Post the change's notices: to the booker, and to the facility's managers where they act."""
    reservation = (
        Reservation.objects.select_related("booked_by", "room__facility")
        .filter(pk=reservation_id)
        .first()
    )
    if reservation is None:
        return
    to_booker, to_managers = NOTICES.get(kind, (kind, None))
    booker = reservation.booked_by
    if to_booker and booker and booker.email:
        outbox.post(
            _message(to_booker, reservation, [booker.email]),
            key=f"reservation-{reservation.pk}-{to_booker}",
            send_now=True,
        )
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
