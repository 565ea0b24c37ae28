"""The room page: facility details, a map and the live day timeline of 30-minute slots."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.vary import vary_on_headers

from portal.forms import DEFAULT_DURATION, DayForm
from reservations.availability import DaySchedule, availability
from reservations.rules import BOOKING_WINDOW, KIND_FOR_THE_ACCOUNT
from rooms.models import Room
from web.http import HtmxHttpRequest


def _timeline(
    room: Room, day: datetime.date, bookable: bool
) -> tuple[DaySchedule, list[dict[str, Any]]]:
    """The room's day as rows for the template: free slots carry the booking link."""
    room_day = availability([room], day)[room.pk]
    book_url = reverse("booking:book", args=[room.pk])
    slots = []
    for slot in room_day.slots:
        start = timezone.localtime(slot.start)
        slots.append(
            {
                "start": start,
                "end": timezone.localtime(slot.end),
                "free": slot.free and bookable,
                "reason": slot.reason,
                "book_url": (
                    f"{book_url}?date={day:%Y-%m-%d}&start={start:%H:%M}"
                    f"&duration={DEFAULT_DURATION}"
                ),
            }
        )
    return room_day, slots


@vary_on_headers("HX-Request")
def room_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    room = get_object_or_404(
        Room.objects.select_related("facility__district__region").prefetch_related(
            "facility__opening_hours"
        ),
        pk=pk,
    )
    form = DayForm(request.GET)
    status = 200
    if not form.is_valid():
        status = 400
    day = form.day() if form.is_valid() else timezone.localdate()
    today = timezone.localdate()
    last_day = BOOKING_WINDOW.last_day(room.kind, today)
    is_beyond_window = day > last_day
    user = request.user if request.user.is_authenticated else None
    kind_for_account = KIND_FOR_THE_ACCOUNT.allows(user, room.kind)
    bookable = room.is_active and not is_beyond_window and kind_for_account
    room_day, slots = _timeline(room, day, bookable)
    context = {
        "room": room,
        "facility": room.facility,
        "form": form,
        "day": day,
        "room_day": room_day,
        "slots": slots,
        "previous_day": day - datetime.timedelta(days=1),
        "next_day": day + datetime.timedelta(days=1),
        "is_past_day": day < today,
        "is_beyond_window": is_beyond_window,
        "kind_for_account": kind_for_account,
        "last_day": last_day,
        "map_data": {
            "latitude": float(room.facility.latitude),
            "longitude": float(room.facility.longitude),
            "name": room.facility.name,
        },
    }
    template_name = "portal/room.html"
    if request.htmx:
        template_name += "#timeline"
    return render(request, template_name, context, status=status)
