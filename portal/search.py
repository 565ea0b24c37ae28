"""The free-room search behind the home page: which rooms answer a request, in what order, and
what each result says.

Three modes (`SearchMode`): the rooms bookable for the whole requested period; all rooms with
the next free time that fits the length; and, per room, the stretches of the day that fit it.
Each narrows the rooms in the database by the rules that do not depend on the hour
(`rules.DAY_RULES`), then asks each one's schedule of the day (`availability.day_book`, kept in
the cache until a booking or a site's hours or closures change): a fixed number of queries,
whatever the number of rooms.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import F, FloatField, QuerySet
from django.db.models.functions import Cast, Sqrt
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal.forms import SearchForm, SearchMode, SearchOrder
from reservations import rules
from reservations.availability import (
    DayBook,
    DaySchedule,
    day_book,
    day_stamps,
    first_open_start,
)
from reservations.models import ScheduleVersion
from reservations.rules import BookingRequest
from rooms.calendar import at
from rooms.models import Room, RoomKind
from web import caching

if TYPE_CHECKING:
    from accounts.models import User

PAGE_SIZE = 20
CANDIDATES_SECONDS = 300
# The search form's fields that narrow the rooms asked for (`rooms_asked_for`).
_PLACE_AND_ROOM = ("region", "district", "area", "kind", "equipment")
KM_PER_DEGREE_LATITUDE = 110.57
KM_PER_DEGREE_LONGITUDE_AT_EQUATOR = 111.32


@dataclass
class Result:
    room_id: int
    # Bookable for the whole requested period.
    free: bool
    # Where the room page and the booking form open: the requested start, else the next that fits.
    start: datetime.datetime | None
    windows: list[tuple[datetime.datetime, datetime.datetime]] = field(default_factory=list)
    closed_reason: str = ""
    distance_km: float | None = None
    # Worked out for the page's results only.
    room_url: str = ""
    book_url: str = ""
    # What the caller shows of the room (`portal.cards.faces`).
    face: Any = None


@dataclass
class Outcome:
    day: datetime.date
    start: datetime.datetime
    end: datetime.datetime
    mode: str
    order: str
    page: Page
    results: list[Result]
    # Why there are fewer rooms than the filters would suggest: a holiday, the booking window,
    # a time already past, or what keeps this booker from booking at all.
    notices: list[str] = field(default_factory=list)
    # A bookable request that no room could meet at the requested time (unmet demand).
    unmet: bool = False
    # The registry's stamp when the rooms were read: what is shown of them is kept under it.
    registry: int = 0


def _with_distance(rooms: QuerySet[Room], lat: float, lng: float) -> QuerySet[Room]:
    """Annotate `distance_km` with an equirectangular approximation, exact enough in Korea."""
    x_scale = KM_PER_DEGREE_LONGITUDE_AT_EQUATOR * math.cos(math.radians(lat))
    dx = (Cast("facility__longitude", FloatField()) - lng) * x_scale
    dy = (Cast("facility__latitude", FloatField()) - lat) * KM_PER_DEGREE_LATITUDE
    return rooms.annotate(distance_km=Sqrt(dx * dx + dy * dy))


REGION_ORDER = (
    F("facility__district__region__order"),
    "facility__district__name_ko",
    "facility__code",
    "kind",
)


def rooms_asked_for(form: SearchForm) -> QuerySet[Room]:
    """The rooms the place and room filters ask for, before any booking rule (the API's
    registry lists filter by it too)."""
    data = form.cleaned_data
    rooms = Room.objects.select_related("facility__district__region")
    if data.get("district"):
        rooms = rooms.in_district(data["district"])
    elif data.get("region"):
        rooms = rooms.in_region(data["region"])
    if data.get("area"):
        south, west, north, east = data["area"]
        rooms = rooms.filter(
            facility__latitude__range=(south, north), facility__longitude__range=(west, east)
        )
    if data.get("kind"):
        rooms = rooms.of_kind(data["kind"])
    if data.get("equipment"):
        rooms = rooms.with_equipment(data["equipment"])
    location = form.location()
    return rooms if location is None else _with_distance(rooms, *location)


def period(form: SearchForm, now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """The requested period; without a date, the first open half hour from now; without a
    start, the first open half hour of the chosen day."""
    data = form.cleaned_data
    length = form.length()
    day = data.get("date")
    if day is not None and data.get("start") is not None:
        start = at(day, data["start"])
    elif day is None or day == timezone.localdate(now):
        start = first_open_start(now, length)
    else:
        start = first_open_start(max(now, at(day, datetime.time.min)), length)
        if timezone.localtime(start).date() != day:
            start = at(day, datetime.time(9))
    return start, start + length


def _notices(request: BookingRequest, mode: str) -> tuple[list[str], bool]:
    """What to tell before the results, and whether no room can be listed at all."""
    day, today = request.day, request.today
    holiday = rules.HOLIDAYS.name(day)
    if holiday:
        return [_("%(holiday)s: the sites are closed that day.") % {"holiday": holiday}], True
    last_standard = rules.BOOKING_WINDOW.last_day(RoomKind.STANDARD, today)
    last_hall = rules.BOOKING_WINDOW.last_day(RoomKind.HALL, today)
    if day > last_hall:
        message = _("Rooms can be booked up to %(last)s; choose an earlier date.")
        return [message % {"last": date_format(last_hall, "DATE_FORMAT")}], True
    notices = []
    if day > last_standard:
        message = _(
            "Standard rooms and smart-work booths open for booking 30 days ahead (up to "
            "%(last)s); for this date only extended halls are listed."
        )
        notices.append(message % {"last": date_format(last_standard, "DATE_FORMAT")})
    if day < today or (mode != SearchMode.DAY and rules.NOT_IN_THE_PAST.is_past(
        request.start, request.now
    )):  # fmt: skip
        notices.append(_("That time has passed; choose a later one."))
        return notices, True
    refused = rules.booker_refusal(request)
    if refused is not None:
        notices.extend(refused.messages)
        return notices, True
    return notices, False


def _paths(name: str) -> Callable[[int], str]:
    """The path of URL `name` for a room's primary key, reversed once for all the results."""
    marker = 987654321
    path = reverse(name, args=[marker])
    before, after = path.split(str(marker))
    return lambda room_id: f"{before}{room_id}{after}"


def _query(start: datetime.datetime, length: datetime.timedelta) -> str:
    """The date, start and duration that the room page and the booking form open with."""
    local = timezone.localtime(start)
    minutes = int(length.total_seconds() // 60)
    return urlencode(
        {"date": f"{local:%Y-%m-%d}", "start": f"{local:%H:%M}", "duration": minutes}, safe=":"
    )


def _day_result(
    room_id: int, schedule: DaySchedule, request: BookingRequest, mode: str
) -> Result | None:
    """The room's row in the modes that read the day's schedule; None leaves it out."""
    length = request.duration
    if mode == SearchMode.DAY:
        windows = schedule.free_windows(None, length)
        if not windows:
            return None
        return Result(room_id, False, windows[0][0], windows)
    free = schedule.is_free(request.start, request.end)
    following = request.start if free else schedule.next_free_start(request.start, length)
    return Result(room_id, free, following, [], schedule.closed_reason)


def _soonest_key(result: Result) -> tuple[Any, ...]:
    never = datetime.datetime.max.replace(tzinfo=datetime.UTC)
    return (not result.free, result.start or never)


def _candidates(
    form: SearchForm, rooms: QuerySet[Room], request: BookingRequest, registry: int
) -> list[tuple[Any, ...]]:
    """(id, facility id[, distance]) of the rooms asked for that DAY_RULES admit, in order.

    They change only with the registry and with what DAY_RULES read of the request (the day,
    today, the length, the attendees, whether the booker is a business), so they are kept in
    the cache under the registry's stamp and those, with the place and room filters and the
    order: most searches of a day ask the same few questions.
    """
    data = form.cleaned_data
    located = form.location()
    key = caching.key(
        "search-candidates",
        registry, request.day, request.today, request.duration, request.attendees,
        None if request.user is None else request.user.is_business,
        *(str(getattr(data.get(name), "pk", data.get(name))) for name in _PLACE_AND_ROOM),
        located, form.order(),
    )  # fmt: skip
    rows = cache.get(key)
    if rows is None:
        fields = ("pk", "facility_id", "distance_km") if located else ("pk", "facility_id")
        rows = list(rules.admit(rooms, request, rules.DAY_RULES).values_list(*fields))
        cache.set(key, rows, CANDIDATES_SECONDS)
    return rows


def search(
    form: SearchForm, user: User | None, page_number: Any, now: datetime.datetime | None = None
) -> Outcome:
    """Run a valid search form."""
    now = now or timezone.now()
    start, end = period(form, now)
    mode, order = form.cleaned_data["mode"], form.order()
    request = BookingRequest(
        start, end, now, attendees=form.cleaned_data.get("attendees"), user=user,
        booker_checked=True,
    )  # fmt: skip
    notices, nothing = _notices(request, mode)
    rooms = rooms_asked_for(form)
    if order == SearchOrder.DISTANCE:
        rooms = rooms.order_by("distance_km", "pk")
    else:
        rooms = rooms.order_by(*REGION_ORDER)
    if nothing:
        rooms = rooms.none()
    page: Page[Any]
    # Every candidate by the rules that do not depend on the hour, in one statement; then each
    # one's day, from the day's schedules of all rooms, kept in the cache until one changes.
    stamps = day_stamps(request.day, ScheduleVersion.REGISTRY)
    located = form.location() is not None
    rows = [] if nothing else _candidates(form, rooms, request, stamps[ScheduleVersion.REGISTRY])
    candidates = [(pk, facility) for pk, facility, *_distance in rows]
    distances = {pk: distance for pk, _facility, distance in rows} if located else {}
    book = day_book(request.day, stamps, candidates) if candidates else DayBook(request.day)
    results: list[Result]
    if mode == SearchMode.FREE:
        free = book.free(candidates, start, end, now)
        page = Paginator(free, PAGE_SIZE).get_page(page_number)
        results = [Result(pk, True, start) for pk in page.object_list]
        unmet = not free
    else:
        days = book.schedules(candidates, now)
        day_rows = (_day_result(pk, days[pk], request, mode) for pk, _facility in candidates)
        kept = [row for row in day_rows if row is not None]
        if order == SearchOrder.SOONEST:
            kept.sort(key=_soonest_key)
        page = Paginator(kept, PAGE_SIZE).get_page(page_number)
        results = list(page.object_list)
        unmet = not any(row.free for row in kept)
    room_path, book_path = _paths("room"), _paths("booking:book")
    queries: dict[datetime.datetime, str] = {}
    for row in results:
        row.distance_km = distances.get(row.room_id)
        row.room_url = room_path(row.room_id)
        if row.start is not None:
            if row.start not in queries:
                queries[row.start] = _query(row.start, request.duration)
            row.room_url += f"?{queries[row.start]}"
            row.book_url = f"{book_path(row.room_id)}?{queries[row.start]}"
    return Outcome(
        request.day, start, end, mode, order, page, results, notices, unmet and not nothing,
        stamps[ScheduleVersion.REGISTRY],
    )  # fmt: skip
