"""The booking form of one room and the page that confirms a booking to its booker."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import ExpressionWrapper, F, FloatField
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

from accounts.http import SignedInRequest
from portal.forms import BookingForm
from reservations import services
from reservations.availability import availability, free_rooms
from reservations.models import Reservation
from rooms.models import Room

ALTERNATIVES = 5


def _book_url(room: Room, start: datetime.datetime, minutes: int) -> str:
    start = timezone.localtime(start)
    return (
        f"{reverse('booking:book', args=[room.pk])}"
        f"?date={start:%Y-%m-%d}&start={start:%H:%M}&duration={minutes}"
    )


def _next_free_slots(
    room: Room, starts_at: datetime.datetime, minutes: int
) -> list[dict[str, Any]]:
    """Free slots of the room on the same day from now on, each with its booking link."""
    now = timezone.now()
    room_day = availability([room], timezone.localdate(starts_at))[room.pk]
    return [
        {"start": timezone.localtime(slot.start), "url": _book_url(room, slot.start, minutes)}
        for slot in room_day.free_slots()
        if slot.start > now
    ][:ALTERNATIVES]


def _rooms_nearby(
    room: Room,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    attendees: int,
    minutes: int,
) -> list[dict[str, Any]]:
    """Rooms free for the same window: same district first, then region, nearest first."""
    facility = room.facility
    distance = ExpressionWrapper(
        (F("facility__latitude") - facility.latitude) ** 2
        + (F("facility__longitude") - facility.longitude) ** 2,
        output_field=FloatField(),
    )
    candidates = (
        Room.objects.exclude(pk=room.pk).select_related("facility").annotate(distance=distance)
    )
    found: list[Room] = []
    for scope in (
        candidates.in_district(facility.district_id),
        candidates.in_region(facility.district.region_id).exclude(
            facility__district_id=facility.district_id
        ),
    ):
        remaining = ALTERNATIVES - len(found)
        if remaining <= 0:
            break
        free = free_rooms(scope, starts_at, ends_at, attendees=attendees)
        found.extend(free.order_by("distance", "pk")[:remaining])
    return [{"room": other, "url": _book_url(other, starts_at, minutes)} for other in found]


def _initial(request: SignedInRequest) -> dict[str, Any]:
    user = request.user
    initial = {"company_name": user.company, "contact_phone": user.phone}
    for name in ("date", "start", "duration"):
        if request.GET.get(name):
            initial[name] = request.GET[name]
    return initial


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
                    data = form.cleaned_data
                    alternatives = {
                        "slots": _next_free_slots(room, data["starts_at"], data["duration"]),
                        "rooms": _rooms_nearby(
                            room,
                            data["starts_at"],
                            data["ends_at"],
                            data["attendees"],
                            data["duration"],
                        ),
                    }
            else:
                done = reverse("booking:booked", args=[reservation.pk])
                if request.htmx:
                    return HttpResponseClientRedirect(done)
                return redirect(done)
    else:
        form = BookingForm(initial=_initial(request))
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
