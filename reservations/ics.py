"""Bookings as iCalendar (.ics) data, in Asia/Seoul time with its VTIMEZONE.

A recurring series is written as one VEVENT per booked date, not as an RRULE with EXDATEs:
each date is a booking of its own, with its own status (a date may be pending, approved or
cancelled on its own), its own booking code and its own UID, which the calendar feed and every
later e-mail about that date reuse. Calendar apps then show exactly the dates that were
booked, update or cancel each one alone, and a feed never shows a date twice (an RRULE event
beside the dates' own events would).
"""

import functools

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, Timezone

from reservations.models import Status

ICS_STATUS = {
    Status.PENDING: "TENTATIVE",
    Status.APPROVED: "CONFIRMED",
}


def reservation_uid(reservation):
    return f"reservation-{reservation.pk}@boms"


def reservations_ics(reservations, *, calendar_name, method="PUBLISH"):
    calendar = Calendar()
    calendar.add("prodid", "-//BOMS//Shared video-conference rooms//KO")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add("x-wr-calname", calendar_name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add_component(_vtimezone())
    for reservation in reservations:
        calendar.add_component(_event(reservation))
    return calendar.to_ical()


@functools.cache
def _vtimezone():
    """Asia/Seoul as a VTIMEZONE, computed once a process: icalendar finds its transitions by
    probing offsets over decades, which took 70 % of an e-mail's rendering."""
    return Timezone.from_tzid(settings.TIME_ZONE)


def _event(reservation):
    room = reservation.room
    facility = room.facility
    event = Event()
    event.add("uid", reservation_uid(reservation))
    event.add("dtstamp", reservation.updated_at or timezone.now())
    event.add("dtstart", timezone.localtime(reservation.start))
    event.add("dtend", timezone.localtime(reservation.end))
    event.add("summary", f"{facility.name} · {room.name}")
    event.add("location", facility.address)
    event.add("description", reservation.purpose)
    event.add("status", ICS_STATUS.get(reservation.status, "CANCELLED"))
    # Calendar apps apply a revision only when SEQUENCE grows: seconds since the request do.
    if reservation.created_at and reservation.updated_at:
        event.add(
            "sequence", int((reservation.updated_at - reservation.created_at).total_seconds())
        )
    event.add("url", f"{settings.SITE_URL.rstrip('/')}/my/")
    return event
