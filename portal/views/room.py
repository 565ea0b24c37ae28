"""The room page: facility details, a map and the live day timeline of 30-minute slots."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.vary import vary_on_headers

from portal.forms import DEFAULT_DURATION, LENGTHS, DayForm
from reservations import rules
from reservations.availability import DaySchedule, availability
from reservations.rules import BOOKING_WINDOW, KIND_FOR_THE_ACCOUNT, SLOT
from rooms.models import Photo, Room
from waitlist.services import waiting_count
from web.http import HtmxHttpRequest


def _timeline(
    room: Room, room_day: DaySchedule, bookable: bool, length: datetime.timedelta
) -> list[dict[str, Any]]:
    """The room's day as rows for the template: free slots carry a booking link whose length
    fits the free time after them (the asked length, or the longest that fits below it)."""
    book_url = reverse("booking:book", args=[room.pk])
    wait_url = reverse("waitlist:join")
    now = timezone.now()
    wanted = int(length.total_seconds() // 60)
    slots = []
    for slot in room_day.slots:
        start = timezone.localtime(slot.start)
        fitting = (
            [
                int(x.total_seconds() // 60)
                for x in room_day.lengths_fitting(slot.start, room.kind, LENGTHS)
            ]
            if slot.free and bookable
            else []
        )
        minutes = max((m for m in fitting if m <= wanted), default=min(fitting, default=0))
        slots.append(
            {
                "start": start,
                "end": timezone.localtime(slot.end),
                "free": bool(fitting),
                "reason": slot.reason,
                "book_url": (
                    f"{book_url}?date={start:%Y-%m-%d}&start={start:%H:%M}&duration={minutes}"
                ),
                # A taken (or closed) slot still ahead: one may wait for it to come free.
                "wait_url": (
                    f"{wait_url}?room={room.pk}&date={start:%Y-%m-%d}&start={start:%H:%M}"
                    f"&duration={int(SLOT.total_seconds() // 60)}"
                    if bookable and not slot.free and slot.start > now
                    else ""
                ),
            }
        )
    return slots


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
    room_day = availability([room], day)[room.pk]
    length = form.length() if form.is_valid() else datetime.timedelta(minutes=DEFAULT_DURATION)
    slots = _timeline(room, room_day, bookable, length)
    asked = form.asked() if form.is_valid() else None
    asked_free = bool(
        asked
        and bookable
        and room_day.is_free(*asked)
        and rules.allows_length(room.kind, asked[1] - asked[0])
    )
    context = {
        "room": room,
        "facility": room.facility,
        "form": form,
        "day": day,
        "room_day": room_day,
        "slots": slots,
        "asked": asked if asked_free else None,
        "asked_url": (
            f"{reverse('booking:book', args=[room.pk])}?{request.GET.urlencode()}"
            if asked_free
            else ""
        ),
        "photos": [] if request.htmx else list(Photo.objects.for_room(room)),
        "map_tiles": settings.MAP_TILE_URL,
        "map_attribution": settings.MAP_TILE_ATTRIBUTION,
        "previous_day": day - datetime.timedelta(days=1),
        "next_day": day + datetime.timedelta(days=1),
        "is_past_day": day < today,
        "is_beyond_window": is_beyond_window,
        "kind_for_account": kind_for_account,
        "waiting": waiting_count(room),
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
