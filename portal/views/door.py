"""The room's door page: today's schedule in large type for a tablet on the wall, and check-in.

Nobody is signed in there, so the page shows times only (never names, companies or purposes),
whether the room is free now, and a form that checks in the booking whose code is typed. Wrong
codes are counted per room and address, and per address, and refused for a while past a limit.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from portal.forms import DoorCheckInForm
from reservations import rules, services
from reservations.models import Reservation, Status
from rooms.calendar import at
from rooms.models import Room
from web.http import HtmxHttpRequest

REFRESH_SECONDS = 30
# Wrong codes allowed in a window, per room and address and per address, before a pause.
FAILURE_WINDOW = datetime.timedelta(minutes=10)
FAILURES_PER_ROOM = 5
FAILURES_PER_ADDRESS = 20


@dataclass(frozen=True)
class Entry:
    """One line of the day: a booking's times and state, or a closure."""

    start: datetime.datetime
    end: datetime.datetime
    state: str  # "in_use", "check_in", "pending", "booked" or "closed"
    label: str

    def covers(self, moment: datetime.datetime) -> bool:
        return self.start <= moment < self.end


def _entries(room: Room, now: datetime.datetime) -> tuple[Any, list[Entry]]:
    """Today's opening hours of the room (None when closed) and its bookings and closures."""
    today = timezone.localdate(now)
    midnight = at(today, datetime.time.min)
    next_midnight = midnight + datetime.timedelta(days=1)
    hours = rules.OPENING_HOURS.hours_on([room.facility_id], today).get(room.facility_id)
    if rules.HOLIDAYS.name(today):
        hours = None
    entries = [
        Entry(closure.start, closure.end, "closed", _("Closed"))
        for closure in rules.CLOSURES.during([room.facility_id], midnight, next_midnight)
        if closure.affects(room.pk, room.facility_id)
    ]
    bookings = (
        rules.holding(now)
        .filter(room=room)
        .overlapping(midnight, next_midnight)
        .select_related("room")
        .only("start", "end", "released_at", "checked_in_at", "status", "room__kind")
        .order_by("start")
    )
    for booking in bookings:
        entries.append(Entry(booking.start, booking.effective_end, *_state(booking, now)))
    entries.sort(key=lambda entry: (entry.start, entry.end))
    return hours, entries


def _state(booking: Reservation, now: datetime.datetime) -> tuple[str, str]:
    if booking.checked_in_at is not None:
        return "in_use", _("In use")
    if booking.status == Status.PENDING:
        return "pending", _("Awaiting approval")
    if rules.CHECK_IN.allows(booking, now):
        return "check_in", _("Check-in open")
    return "booked", _("Booked")


def _board(room: Room, now: datetime.datetime) -> dict[str, Any]:
    hours, entries = _entries(room, now)
    today = timezone.localdate(now)
    opens = at(today, hours.opens) if hours else None
    closes = at(today, hours.closes) if hours else None
    current = next((entry for entry in entries if entry.covers(now)), None)
    upcoming = next((entry for entry in entries if entry.start > now), None)
    free_until = None
    if current is None and opens is not None and closes is not None and opens <= now < closes:
        free_until = min(upcoming.start, closes) if upcoming else closes
    return {
        "now": timezone.localtime(now),
        "opens": opens,
        "closes": closes,
        "current": current,
        "next": upcoming,
        "free_until": free_until,
        "entries": [entry for entry in entries if entry.end > now or entry is current],
        "refresh_seconds": REFRESH_SECONDS,
        "check_in_opens": rules.POLICIES[room.kind].check_in_opens // rules.MINUTES,
        "check_in_closes": rules.POLICIES[room.kind].check_in_closes // rules.MINUTES,
    }


def _render(
    request: HtmxHttpRequest, room: Room, form: DoorCheckInForm, status: int = 200, done: str = ""
) -> HttpResponse:
    context = {"room": room, "form": form, "done": done, **_board(room, timezone.now())}
    template = "portal/door.html"
    if request.htmx:
        template += "#check_in" if request.method == "POST" else "#board"
    return render(request, template, context, status=status)


def _room(pk: int) -> Room:
    return get_object_or_404(Room.objects.select_related("facility"), pk=pk)


@never_cache
@vary_on_headers("HX-Request")
@require_GET
def door(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _render(request, _room(pk), DoorCheckInForm())


@never_cache
@require_POST
def door_check_in(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    room = _room(pk)
    address = get_client_ip_address(request) or "unknown"
    form = DoorCheckInForm(request.POST)
    if _too_many_failures(room, address):
        form.add_error(
            None, _("Too many wrong codes were typed here. Please try again in a few minutes.")
        )
        return _render(request, room, form, status=429)
    if not form.is_valid():
        return _render(request, room, form, status=400)
    try:
        booking = services.check_in_at_door(room, form.cleaned_data["code"])
    except services.BookingError as error:
        if error.code == "unknown_code":
            _count_failure(room, address)
        form.add_error("code", error)
        return _render(request, room, form, status=400)
    done = _("Checked in for %(start)s–%(end)s. Have a good meeting!") % {
        "start": timezone.localtime(booking.start).strftime("%H:%M"),
        "end": timezone.localtime(booking.end).strftime("%H:%M"),
    }
    if request.htmx:
        response = _render(request, room, DoorCheckInForm(), done=done)
        # The board refreshes at once to show the room in use.
        return trigger_client_event(response, "boms:checked-in")
    messages.success(request, done)
    return redirect("door", pk=room.pk)


def _keys(room: Room, address: str) -> tuple[str, str]:
    return f"door-failures:{room.pk}:{address}", f"door-failures:{address}"


def _too_many_failures(room: Room, address: str) -> bool:
    room_key, address_key = _keys(room, address)
    counts = cache.get_many([room_key, address_key])
    return (
        counts.get(room_key, 0) >= FAILURES_PER_ROOM
        or counts.get(address_key, 0) >= FAILURES_PER_ADDRESS
    )


def _count_failure(room: Room, address: str) -> None:
    seconds = int(FAILURE_WINDOW.total_seconds())
    for key in _keys(room, address):
        # add() starts the window at the first failure; incr() keeps its expiry.
        cache.add(key, 0, seconds)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, seconds)
