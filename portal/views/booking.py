"""The booking form of one room and the page that confirms a booking to its booker."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Case, ExpressionWrapper, F, FloatField, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

from accounts.http import SignedInRequest
from accounts.models import User
from demand.services import record_just_taken
from portal.forms import DEFAULT_DURATION, LENGTHS, BookingForm, DayForm
from reservations import rules, services
from reservations.availability import DayBook, availability, day_book, day_stamps
from reservations.models import Reservation
from reservations.rules import SLOT, BookingRequest
from rooms.models import Room

ALTERNATIVES = 5
# The nearest rooms whose day is read first for the alternatives (`_rooms_nearby`).
NEARBY_FIRST = 20


def _book_url(room: Room, start: datetime.datetime, minutes: int) -> str:
    start = timezone.localtime(start)
    return (
        f"{reverse('booking:book', args=[room.pk])}"
        f"?date={start:%Y-%m-%d}&start={start:%H:%M}&duration={minutes}"
    )


def _other_times(
    room: Room, book: DayBook, starts_at: datetime.datetime, minutes: int
) -> list[dict[str, Any]]:
    """Starts in the same room that day with the whole length free, nearest the one asked for."""
    length = datetime.timedelta(minutes=minutes)
    room_day = book.schedules([(room.pk, room.facility_id)], timezone.now())[room.pk]
    starts = [
        start
        for window_start, window_end in room_day.free_windows(None, length)
        for start in _steps(window_start, window_end - length)
        if start != starts_at
    ]
    nearest = sorted(sorted(starts, key=lambda start: abs(start - starts_at))[:ALTERNATIVES])
    return [
        {"start": timezone.localtime(start), "url": _book_url(room, start, minutes)}
        for start in nearest
    ]


def _steps(first: datetime.datetime, last: datetime.datetime):
    while first <= last:
        yield first
        first += SLOT


def _nearby(
    room: Room, user: User, starts_at: datetime.datetime, ends_at: datetime.datetime,
    attendees: int,
) -> list[tuple[int, int]]:  # fmt: skip
    """(id, facility id) of the region's other rooms that the rules not depending on the hour
    admit, as the search finds them: the same district first, nearest first. The booker's own
    rules were asked already, of this room."""
    facility = room.facility
    distance = ExpressionWrapper(
        (F("facility__latitude") - facility.latitude) ** 2
        + (F("facility__longitude") - facility.longitude) ** 2,
        output_field=FloatField(),
    )
    elsewhere = Case(When(facility__district_id=facility.district_id, then=0), default=1)
    region = (
        Room.objects.in_region(facility.district.region_id)
        .exclude(pk=room.pk)
        .annotate(distance=distance, elsewhere=elsewhere)
        .order_by("elsewhere", "distance", "pk")
    )
    request = BookingRequest(
        starts_at, ends_at, timezone.now(), attendees=attendees, user=user, booker_checked=True
    )
    return list(rules.admit(region, request, rules.DAY_RULES).values_list("pk", "facility_id"))


def _rooms_nearby(
    room: Room, nearby: list[tuple[int, int]], starts_at: datetime.datetime,
    ends_at: datetime.datetime, minutes: int,
) -> tuple[DayBook, list[dict[str, Any]]]:  # fmt: skip
    """The day's schedules of the room and the nearest rooms, and the first `ALTERNATIVES` of
    the `nearby` rooms free for the whole period.

    The nearest `NEARBY_FIRST` rooms are read first, the rest of the region only when fewer
    of them are free: most hours, the first few rooms of a region's hundreds answer.
    """
    day, now = timezone.localdate(starts_at), timezone.now()
    stamps = day_stamps(day)
    first, rest = nearby[:NEARBY_FIRST], nearby[NEARBY_FIRST:]
    book = day_book(day, stamps, [(room.pk, room.facility_id), *first])
    found = book.free(first, starts_at, ends_at, now)[:ALTERNATIVES]
    if len(found) < ALTERNATIVES and rest:
        found += day_book(day, stamps, rest).free(rest, starts_at, ends_at, now)
        found = found[:ALTERNATIVES]
    others = Room.objects.select_related("facility").in_bulk(found)
    return book, [
        {"room": others[pk], "url": _book_url(others[pk], starts_at, minutes)} for pk in found
    ]


def _alternatives(user: User, room: Room, data: dict[str, Any]) -> dict[str, Any]:
    """What to offer when the time asked for was just taken: the waitlist, other times in the
    room, rooms nearby; from the day's schedules of those rooms alone."""
    starts_at, ends_at = data["starts_at"], data["ends_at"]
    nearby = _nearby(room, user, starts_at, ends_at, data["attendees"])
    book, rooms = _rooms_nearby(room, nearby, starts_at, ends_at, data["duration"])
    return {
        "wait_url": _waitlist_url(room, data),
        "slots": _other_times(room, book, starts_at, data["duration"]),
        "rooms": rooms,
    }


def _initial(request: SignedInRequest) -> dict[str, Any]:
    user = request.user
    initial = {"company_name": user.company, "contact_phone": user.phone}
    for name in BookingForm.base_fields:
        if request.GET.get(name):
            initial[name] = request.GET[name]
    return initial


def _lengths(room: Room, initial: dict[str, Any]) -> list[datetime.timedelta]:
    """The durations to offer: those that fit the free time after the chosen start."""
    probe = DayForm({"date": initial.get("date"), "start": initial.get("start")})
    asked = probe.asked() if probe.is_valid() else None
    if asked is None:
        return [length for length in LENGTHS if rules.allows_length(room.kind, length)]
    room_day = availability([room], probe.day())[room.pk]
    return room_day.lengths_fitting(asked[0], room.kind, LENGTHS)


def _fitting_duration(initial: dict[str, Any], lengths: list[datetime.timedelta]) -> None:
    """Preselect the asked duration if it fits, else the longest that does below it."""
    if not lengths:
        return
    try:
        wanted = datetime.timedelta(minutes=int(initial.get("duration") or DEFAULT_DURATION))
    except ValueError:
        wanted = datetime.timedelta(minutes=DEFAULT_DURATION)
    fitting = max((length for length in lengths if length <= wanted), default=lengths[0])
    initial["duration"] = int(fitting.total_seconds() // 60)


def _waitlist_url(room: Room, data: dict[str, Any]) -> str:
    """Where to join the room's waitlist for the period just taken, with the form's details."""
    query = urlencode(
        {
            "room": room.pk,
            "date": f"{data['date']:%Y-%m-%d}",
            "start": f"{data['start']:%H:%M}",
            "duration": data["duration"],
            "attendees": data["attendees"],
            "purpose": data["purpose"],
        }
    )
    return f"{reverse('waitlist:join')}?{query}"


@login_required
def book(request: SignedInRequest, room_pk: int) -> HttpResponse:
    room = get_object_or_404(Room.objects.select_related("facility__district"), pk=room_pk)
    alternatives = None
    clash = None
    refusal: str | None = ""
    status = 200
    if request.method == "POST":
        form = BookingForm(request.POST)
        if not form.is_valid():
            status = 400
        else:
            try:
                reservation = services.book(request.user, room, **form.booking_arguments())
            except services.BookingError as error:
                form.add_error(None, error)
                refusal = error.code
                if error.code == "user_overlap" and error.params:
                    clash = error.params["booking"]
                if error.code == "slot_taken":
                    record_just_taken(room)
                    alternatives = _alternatives(request.user, room, form.cleaned_data)
            else:
                done = reverse("booking:booked", args=[reservation.pk])
                if request.htmx:
                    return HttpResponseClientRedirect(done)
                return redirect(done)
    else:
        initial = _initial(request)
        lengths = _lengths(room, initial)
        _fitting_duration(initial, lengths)
        form = BookingForm(initial=initial, lengths=lengths)
    template_name = "portal/book.html"
    if request.htmx:
        template_name += "#form"
    context = {
        "room": room,
        "facility": room.facility,
        "form": form,
        "refusal": refusal,
        "clash": clash,
        "alternatives": alternatives,
    }
    return render(request, template_name, context, status=status)


@login_required
def booked(request: SignedInRequest, pk: int) -> HttpResponse:
    reservation = get_object_or_404(
        Reservation.objects.select_related("room__facility"), pk=pk, booked_by=request.user
    )
    return render(request, "portal/booked.html", {"reservation": reservation})
