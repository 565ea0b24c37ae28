"""/api/v1/: the registry and live availability, read-only, for partners and map apps.

The free-room search is the portal's own (`portal.search.search`, on the portal's form), and a
room's day is the one the portal reads (`reservations.availability.day_book`): the API and the
portal answer the same question alike.
"""

import copy
import json
import math

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Query
from ninja.decorators import decorate_view
from ninja.errors import HttpError, ValidationError

from api import keys, problems, registry
from api.schemas import (
    AvailabilityOut,
    DayQuery,
    DistrictPage,
    FreeRoomPage,
    PageQuery,
    ProblemOut,
    RegionPage,
    RegistryOut,
    RoomOut,
    RoomPage,
    RoomQuery,
    SiteOut,
    SitePage,
    SiteQuery,
)
from api.schemas import FreeRoomQuery as FreeRoomParameters
from portal.cards import faces
from portal.forms import DEFAULT_DURATION, SearchForm
from portal.search import REGION_ORDER, rooms_asked_for
from portal.search import search as portal_search
from regions.models import Region
from reservations.availability import day_book
from rooms.models import Facility, Room
from web.csv import csv_response
from web.validators import validate_date_in_range

# Availability changes with every booking: seconds. The registry changes with the admin: minutes.
LIVE_SECONDS = 10
REGISTRY_SECONDS = 300
EXPORT_SECONDS = 3600

ERRORS = {400: ProblemOut, 401: ProblemOut, 404: ProblemOut, 429: ProblemOut}


class OpenApi(NinjaAPI):
    """Ninja's API whose schema says what the middleware adds: errors are problem details,
    an optional key in a header; an optional query parameter is simply left out, never null."""

    _schemas: dict = {}

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        # Built once per process: it depends on the code alone, and takes a third of a second.
        key = (path_prefix, tuple(sorted((path_params or {}).items())))
        if key not in self._schemas:
            self._schemas[key] = self._build_schema(path_prefix, path_params)
        return copy.deepcopy(self._schemas[key])

    def _build_schema(self, path_prefix, path_params):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for item in schema["paths"].values():
            for operation in item.values():
                for parameter in operation.get("parameters", []):
                    options = parameter["schema"].get("anyOf")
                    if options and not parameter.get("required"):
                        kept = [option for option in options if option.get("type") != "null"]
                        if len(kept) == 1:
                            del parameter["schema"]["anyOf"]
                            parameter["schema"].update(kept[0])
                for status, response in operation["responses"].items():
                    if int(status) >= 400 and "content" in response:
                        response["content"] = {
                            problems.CONTENT_TYPE: response["content"]["application/json"]
                        }
        schema["components"]["securitySchemes"] = {
            "ApiKey": {"type": "apiKey", "in": "header", "name": keys.KEY_HEADER}
        }
        # A key is optional: it raises the rate limit.
        schema["security"] = [{}, {"ApiKey": []}]
        return schema


api = OpenApi(
    title="BOMS open API",
    version="1",
    description=(
        "The registry of Korea's shared video-conference rooms for SMEs and their live "
        "availability, read-only. Human-readable documentation: /api/v1/docs"
    ),
    urls_namespace="api",
    docs_url=None,
)

# The parameters a place filter reads from the portal's search form; the registry lists pass
# only these, so that a stray date or time neither filters nor fails a list.
PLACE_PARAMETERS = ("region", "district", "kind", "equipment", "attendees", "lat", "lng", "area")

# The parameters' names in the request's language, for validation errors the API refuses
# before the portal's form sees them.
LABELS = {
    "page": gettext_lazy("Page"),
    "page_size": gettext_lazy("Page size"),
    "date": gettext_lazy("Date"),
    "start": gettext_lazy("Start"),
    "duration": gettext_lazy("Duration"),
    "region": gettext_lazy("Region"),
    "district": gettext_lazy("District"),
    "kind": gettext_lazy("Room kind"),
    "equipment": gettext_lazy("Equipment"),
    "attendees": gettext_lazy("Attendees"),
    "lat": gettext_lazy("Latitude"),
    "lng": gettext_lazy("Longitude"),
    "area": gettext_lazy("Map area"),
    "mode": gettext_lazy("Show"),
    "sort": gettext_lazy("Order"),
    "room_id": gettext_lazy("Room"),
    "code": gettext_lazy("Site code"),
}


def _message(error):
    """A pydantic error in the request's language."""
    kind, context = error.get("type", ""), error.get("ctx") or {}
    if kind == "missing":
        return _("This parameter is required.")
    if kind in {"int_parsing", "int_from_float", "int_type"}:
        return _("Enter a whole number.")
    if kind in {"float_parsing", "float_type", "finite_number"}:
        return _("Enter a number.")
    if kind.startswith("date") or kind.startswith("datetime"):
        return _("Enter a date as YYYY-MM-DD.")
    if kind in {"greater_than_equal", "greater_than"}:
        return _("Enter a value of at least %(limit)s.") % {
            "limit": context.get("ge", context.get("gt"))
        }
    if kind in {"less_than_equal", "less_than"}:
        return _("Enter a value of at most %(limit)s.") % {
            "limit": context.get("le", context.get("lt"))
        }
    if kind == "multiple_of":
        return _("Enter a multiple of %(step)s.") % {"step": context.get("multiple_of")}
    if kind in {"string_too_long"}:
        return _("Enter at most %(max)s characters.") % {"max": context.get("max_length")}
    if kind in {"enum", "literal_error"}:
        return _("Choose one of: %(choices)s.") % {"choices": context.get("expected", "")}
    if kind == "string_pattern_mismatch":
        return _("This value is not in the expected form.")
    return _("This value is not valid.")


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    errors = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if not isinstance(part, int)]
        # ("query", "filters", "date") or ("path", "room_id"): the parameter is the last name.
        field = location[-1] if len(location) > 1 else None
        errors.append(problems.field_error(field, LABELS.get(field, field), _message(error)))
    return problems.problem_response(problems.INVALID, request, errors=errors)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problems.problem_response(problems.NOT_FOUND, request)


@api.exception_handler(HttpError)
def _http_error(request, exc):
    problem = problems.BY_STATUS.get(exc.status_code, problems.INVALID)
    return problems.problem_response(problem, request)


class Refused(Exception):
    """A Django form or validator refused the request: answered with its field errors."""

    def __init__(self, errors):
        self.errors = errors


@api.exception_handler(Refused)
def _refused(request, exc):
    return problems.problem_response(problems.INVALID, request, errors=exc.errors)


def _json(body):
    """The answer as JSON, without validating it against its schema again on every request:
    the live endpoints are the hot path, and tests hold their answers to the schema
    (tests/api/test_contract.py, test_schema_fuzzing.py)."""
    return HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )


def caching(seconds, *, registry_resource=False):
    """Cache-Control for the operation's successful answers; the registry's also get a
    Last-Modified (api.middleware)."""

    def decorator(run):
        def wrapped(request, *args, **kwargs):
            response = run(request, *args, **kwargs)
            if response.status_code == 200:
                patch_cache_control(response, public=True, max_age=seconds)
                response.registry = registry_resource
            return response

        return wrapped

    return decorate_view(decorator)


def _form(request, names=None):
    data = request.GET.copy() if names is None else QueryDict(mutable=True)
    if names is not None:
        for name in names:
            if name in request.GET:
                data.setlist(name, request.GET.getlist(name))
    data.setdefault("duration", str(DEFAULT_DURATION))
    form = SearchForm(data)
    if not form.is_valid():
        raise Refused(problems.form_errors(form, LABELS))
    return form


def _page(request, items, page_number, page_size, serialise):
    paginator = Paginator(items, page_size)
    if page_number > max(paginator.num_pages, 1):
        raise Http404
    page = paginator.page(page_number)
    return _paged(request, page, paginator.count, page_size, [serialise(x) for x in page])


def _paged(request, page, count, page_size, results):
    def link(number):
        query = request.GET.copy()
        query["page"] = str(number)
        return f"{request.path}?{query.urlencode()}"

    return {
        "count": count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "page_size": page_size,
        "next": link(page.next_page_number()) if page.has_next() else None,
        "previous": link(page.previous_page_number()) if page.has_previous() else None,
        "results": results,
    }


@api.get("/regions", response={200: RegionPage, **ERRORS}, tags=["registry"])
@caching(REGISTRY_SECONDS, registry_resource=True)
def regions(request, paging: Query[PageQuery]):
    """The 17 provinces, in the portal's order."""
    return _page(
        request, Region.objects.order_by("order", "pk"), paging.page, paging.page_size,
        registry.region_out,
    )  # fmt: skip


@api.get("/districts", response={200: DistrictPage, **ERRORS}, tags=["registry"])
@caching(REGISTRY_SECONDS, registry_resource=True)
def districts(request, paging: Query[PageQuery], region: str | None = Query(None, max_length=50)):
    """The districts (시군구), of one region with `region` (its slug)."""
    items = registry.all_districts()
    if region:
        items = items.filter(region__slug=region)
    return _page(request, items, paging.page, paging.page_size, registry.district_out)


def _filtered_rooms(request):
    form = _form(request, PLACE_PARAMETERS)
    rooms = rooms_asked_for(form)
    if form.cleaned_data.get("attendees"):
        rooms = rooms.filter(capacity__gte=form.cleaned_data["attendees"])
    return form, rooms


@api.get("/sites", response={200: SitePage, **ERRORS}, tags=["registry"])
@caching(REGISTRY_SECONDS, registry_resource=True)
def sites(request, filters: Query[SiteQuery]):
    """Sites with rooms that match the filters, in region, district and code order."""
    _form_used, rooms = _filtered_rooms(request)
    items = registry.sites_with_details(
        Facility.objects.filter(pk__in=rooms.values("facility_id")).order_by(*registry.SITE_ORDER)
    )
    return _page(request, items, filters.page, filters.page_size, registry.site_out)


@api.get("/sites/{code}", response={200: SiteOut, **ERRORS}, tags=["registry"])
@caching(REGISTRY_SECONDS, registry_resource=True)
def site(request, code: str):
    """One site by its code."""
    return registry.site_out(get_object_or_404(registry.all_sites(), code=code))


@api.get("/rooms", response={200: RoomPage, **ERRORS}, tags=["registry"])
@caching(REGISTRY_SECONDS, registry_resource=True)
def rooms(request, filters: Query[RoomQuery]):
    """Rooms matching the filters, as the portal's search narrows them: nearest first with a
    location (`lat` and `lng`, or `area`), otherwise in region order."""
    form, items = _filtered_rooms(request)
    if form.location() is not None:
        items = items.order_by("distance_km", "pk")
    else:
        items = items.order_by(*REGION_ORDER, "pk")
    return _page(
        request, registry.rooms_with_details(items), filters.page, filters.page_size,
        registry.room_out,
    )  # fmt: skip


@api.get("/rooms/{room_id}", response={200: RoomOut, **ERRORS}, tags=["registry"])
@caching(REGISTRY_SECONDS, registry_resource=True)
def room(request, room_id: int):
    """One room by its id."""
    return registry.room_out(_room(room_id))


def _room(room_id, rooms=None):
    # Ids beyond the database's integers are simply not there.
    if not 0 < room_id < 2**63:
        raise Http404
    return get_object_or_404(
        registry.rooms_with_details(Room.objects.all()) if rooms is None else rooms, pk=room_id
    )


def _day(day):
    if day is None:
        return timezone.localdate()
    try:
        validate_date_in_range(day)
    except DjangoValidationError as error:
        raise Refused([problems.field_error("date", LABELS["date"], error.messages[0])]) from None
    return day


def _periods(schedule):
    """The day's half-hour slots, merged into runs of the same state and reason."""
    periods = []
    for slot in schedule.slots:
        last = periods[-1] if periods else None
        if last and last["free"] == slot.free and last["reason"] == slot.reason:
            last["end"] = slot.end
        else:
            periods.append(
                {"start": slot.start, "end": slot.end, "free": slot.free, "reason": slot.reason}
            )
    for period in periods:
        period["start"] = timezone.localtime(period["start"])
        period["end"] = timezone.localtime(period["end"])
    return periods


@api.get("/rooms/{room_id}/availability", response={200: AvailabilityOut, **ERRORS}, tags=["live"])
@caching(LIVE_SECONDS)
def availability(request, room_id: int, query: Query[DayQuery]):
    """A room's day: its free and busy periods on the half-hour grid, from the schedules the
    portal reads. Times only: never who booked."""
    room = _room(room_id, Room.objects.only("pk", "facility_id"))
    day = _day(query.date)
    pairs = [(room.pk, room.facility_id)]
    schedule = day_book(day, pairs=pairs).schedules(pairs, timezone.now())[room.pk]
    local = timezone.localtime
    return _json(
        {
            "room": room.pk,
            "date": day,
            "opens": local(schedule.opens) if schedule.opens else None,
            "closes": local(schedule.closes) if schedule.closes else None,
            "closed_reason": schedule.closed_reason,
            "periods": _periods(schedule),
        }
    )


def _found_room(room):
    """A free-room result's room, as the registry lists it without the weekly hours."""
    return registry.room_out(room, hours=False)


@api.get("/free-rooms", response={200: FreeRoomPage, **ERRORS}, tags=["live"])
@caching(LIVE_SECONDS)
def free_rooms(request, parameters: Query[FreeRoomParameters]):
    """The portal's free-room search, for the same parameters as its home page: the rooms
    bookable for the whole period (mode=free), all rooms with their next free time that fits
    (mode=all), or each room's free stretches that day (mode=day); twenty a page. Each result
    links to the portal's booking form for the room and time (`book_url`)."""
    form = _form(request)
    outcome = portal_search(form, None, parameters.page)
    rooms = faces(_found_room, [row.room_id for row in outcome.results], outcome.registry)
    local = timezone.localtime
    results = [
        {
            "room": rooms[row.room_id],
            "free": row.free,
            "start": local(row.start) if row.start else None,
            "windows": [{"start": local(s), "end": local(e)} for s, e in row.windows],
            "closed_reason": row.closed_reason,
            "distance_km": (
                round(row.distance_km, 3)
                if row.distance_km is not None and math.isfinite(row.distance_km)
                else None
            ),
            "book_url": registry.absolute(row.book_url) if row.book_url else None,
        }
        for row in outcome.results
    ]
    page = outcome.page
    body = _paged(request, page, page.paginator.count, page.paginator.per_page, results)
    body.update(
        date=outcome.day,
        start=local(outcome.start),
        end=local(outcome.end),
        mode=outcome.mode,
        order=outcome.order,
        notices=[str(notice) for notice in outcome.notices],
    )
    return _json(body)


@api.get("/registry.json", response={200: RegistryOut, **ERRORS}, tags=["open data"])
@caching(EXPORT_SECONDS, registry_resource=True)
def registry_json(request):
    """Every site and room, as open data (JSON)."""
    body = {
        "sites": [registry.site_out(site) for site in registry.all_sites()],
        "rooms": [
            registry.room_out(room)
            for room in registry.rooms_with_details(Room.objects.order_by("pk"))
        ],
    }
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )


CSV_RESPONSE = {
    "responses": {
        200: {
            "description": "One row a room, with its site.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }
}


@api.get("/registry.csv", response=ERRORS, tags=["open data"], openapi_extra=CSV_RESPONSE)
@caching(EXPORT_SECONDS, registry_resource=True)
def registry_csv(request):
    """Every room with its site, one row a room, as open data (CSV, UTF-8 with a BOM)."""
    rows = (
        [value(out) for _name, value in registry.CSV_COLUMNS]
        for out in map(registry.room_out, registry.rooms_with_details(Room.objects.order_by("pk")))
    )
    header = [name for name, _value in registry.CSV_COLUMNS]
    return csv_response("boms-registry.csv", header, rows, stream=False)
