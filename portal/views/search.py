"""Room search, the home page: filters, live availability, distance from the user, a map."""

from __future__ import annotations

import datetime
import math
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F, FloatField, QuerySet
from django.db.models.functions import Cast, Sqrt
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from portal.forms import DEFAULT_DURATION, SearchForm
from regions.models import Region
from reservations.availability import availability, free_rooms
from reservations.rules import SLOT
from rooms.models import Facility, Room
from web.http import HtmxHttpRequest

PAGE_SIZE = 20
KM_PER_DEGREE_LATITUDE = 110.57
KM_PER_DEGREE_LONGITUDE_AT_EQUATOR = 111.32


def _next_half_hour(moment: datetime.datetime) -> datetime.datetime:
    local = timezone.localtime(moment)
    floor = local.replace(minute=local.minute // 30 * 30, second=0, microsecond=0)
    return floor if floor == local else floor + SLOT


def _with_distance(rooms: QuerySet[Room], lat: float, lng: float) -> QuerySet[Room]:
    """Annotate `distance_km` with an equirectangular approximation, exact enough in Korea."""
    x_scale = KM_PER_DEGREE_LONGITUDE_AT_EQUATOR * math.cos(math.radians(lat))
    dx = (Cast("facility__longitude", FloatField()) - lng) * x_scale
    dy = (Cast("facility__latitude", FloatField()) - lat) * KM_PER_DEGREE_LATITUDE
    return rooms.annotate(distance_km=Sqrt(dx * dx + dy * dy)).order_by("distance_km", "pk")


def _filtered_rooms(form: SearchForm) -> QuerySet[Room]:
    rooms = Room.objects.bookable().select_related("facility__district__region")
    data = form.cleaned_data
    if data.get("district"):
        rooms = rooms.in_district(data["district"])
    elif data.get("region"):
        rooms = rooms.in_region(data["region"])
    if data.get("attendees"):
        rooms = rooms.filter(capacity__gte=data["attendees"])
    if data.get("kind"):
        rooms = rooms.of_kind(data["kind"])
    if data.get("equipment"):
        rooms = rooms.with_equipment(data["equipment"])
    if data.get("free_now"):
        start = _next_half_hour(timezone.now())
        minutes = data.get("duration") or DEFAULT_DURATION
        rooms = free_rooms(rooms, start, start + datetime.timedelta(minutes=minutes))
    if data.get("lat") is not None:
        return _with_distance(rooms, data["lat"], data["lng"])
    return rooms.order_by(
        F("facility__district__region__order"),
        "facility__district__name_ko",
        "facility__code",
        "kind",
    )


def _results(page: Page, form: SearchForm) -> list[dict[str, Any]]:
    """Each room on the page with its availability for the chosen day or window."""
    day = form.day()
    window = form.window()
    days = availability(page.object_list, day)
    now = timezone.now()
    rows = []
    for room in page.object_list:
        room_day = days[room.pk]
        if window:
            free = room_day.is_free(*window)
            next_free = None if free else room_day.next_free_start(window[0])
        else:
            next_free = room_day.next_free_start(max(now, room_day.opens or now) - SLOT)
            free = False
        rows.append(
            {
                "room": room,
                "facility": room.facility,
                "free": free,
                "next_free": timezone.localtime(next_free) if next_free else None,
                "closed_reason": room_day.closed_reason,
                "distance_km": getattr(room, "distance_km", None),
            }
        )
    return rows


@require_safe
@vary_on_headers("HX-Request")
def search(request: HtmxHttpRequest) -> HttpResponse:
    data = request.GET.copy()
    data.setdefault("duration", str(DEFAULT_DURATION))
    form = SearchForm(data if request.GET else None)
    status = 200
    rooms: QuerySet[Room]
    if form.is_bound and not form.is_valid():
        rooms, status = Room.objects.none(), 400
    elif form.is_bound:
        rooms = _filtered_rooms(form)
    else:
        form = SearchForm({"duration": DEFAULT_DURATION})
        form.is_valid()
        rooms = _filtered_rooms(form)
    page = Paginator(rooms, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "results": _results(page, form) if status == 200 else [],
        "query": query.urlencode(),
        "day": form.day(),
        "window": form.window() if status == 200 else None,
        "map_points": [
            {
                "lat": float(room.facility.latitude),
                "lng": float(room.facility.longitude),
                "name": f"{room.facility.name} · {room.name}",
                "url": f"/rooms/{room.pk}/",
            }
            for room in page.object_list
        ],
    }
    if not request.htmx:
        context["regions"] = Region.objects.with_registry_counts()
        context["totals"] = {"sites": Facility.objects.count(), "rooms": Room.objects.count()}
    template = "portal/search.html#results" if request.htmx else "portal/search.html"
    return render(request, template, context, status=status)


@require_safe
def district_options(request: HtmxHttpRequest) -> HttpResponse:
    """The district select for the chosen region, swapped in by HTMX."""
    form = SearchForm(request.GET)
    return render(request, "portal/search.html#district-field", {"form": form})
