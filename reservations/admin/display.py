"""How the admin names bookings and periods in lists, confirmations and messages."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from reservations.rules import BookingError


def local_span(start, end):
    """'2026-11-26 (Thu) 10:00–11:00' in the portal's time zone."""
    start, end = timezone.localtime(start), timezone.localtime(end)
    if start.date() == end.date():
        until = time_format(end, "H:i")
    else:
        until = date_format(end, "Y-m-d (D) H:i")
    return f"{date_format(start, 'Y-m-d (D) H:i')}–{until}"


def describe(reservation):
    """How a booking is named in messages: facility, room and local time."""
    room = reservation.room
    return f"{room.facility.name} · {room.name} {local_span(reservation.start, reservation.end)}"


def refusal_reason(error: BookingError | PermissionDenied) -> str:
    if isinstance(error, BookingError):
        return " ".join(error.messages)
    return str(error) or _("You may not act on this booking.")
