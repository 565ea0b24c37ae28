"""Room search, the home page: free rooms for a period, near the user or on the map."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from demand.services import record_search_without_free_room
from portal.cards import card, faces
from portal.forms import DEFAULT_DURATION, SearchForm
from portal.search import search as run_search
from regions.models import Region
from rooms.models import Facility, Room
from web.http import HtmxHttpRequest


def _map_points(outcome) -> list[dict]:
    return [
        {
            "lat": result.face["latitude"],
            "lng": result.face["longitude"],
            "name": result.face["title"],
            "url": result.room_url,
            "book": result.book_url,
            "free": result.free,
        }
        for result in outcome.results
    ]


def _asked(request: HtmxHttpRequest, form: SearchForm) -> bool:
    """A visitor's own question for a date: not the landing's guess, not a live refresh."""
    if request.htmx and request.htmx.trigger == "results":
        return False
    return form.cleaned_data.get("date") is not None


def _question(form: SearchForm) -> tuple:
    """What was asked, as the demand's de-duplication sees it (order and page left out)."""
    data = form.cleaned_data
    names = ("region", "district", "date", "start", "duration", "attendees", "kind", "equipment")
    return tuple((name, str(getattr(data.get(name), "pk", data.get(name)))) for name in names)


@require_safe
@vary_on_headers("HX-Request")
def search(request: HtmxHttpRequest) -> HttpResponse:
    data = request.GET.copy()
    data.setdefault("duration", str(DEFAULT_DURATION))
    form = SearchForm(data)
    context: dict = {"form": form, "refresh_url": request.get_full_path()}
    status = 200
    if form.is_valid():
        user = request.user if request.user.is_authenticated else None
        outcome = run_search(form, user, request.GET.get("page"))
        shown = faces(card, [row.room_id for row in outcome.results], outcome.registry)
        for row in outcome.results:
            row.face = shown[row.room_id]
        if outcome.unmet and _asked(request, form):
            district = form.cleaned_data.get("district")
            region = form.cleaned_data.get("region") or (district.region if district else None)
            record_search_without_free_room(
                request, _question(form), region=region, district=district
            )
        start = timezone.localtime(outcome.start)
        # The form shows the period searched, also where the landing chose it.
        data["date"], data["start"] = f"{start:%Y-%m-%d}", f"{start:%H:%M}"
        data["mode"] = outcome.mode
        query = data.copy()
        query.pop("page", None)
        context.update(
            outcome=outcome,
            page=outcome.page,
            results=outcome.results,
            query=query.urlencode(),
            map_points=_map_points(outcome),
        )
    else:
        status = 400
    if not request.htmx:
        context["regions"] = Region.objects.with_registry_counts()
        context["totals"] = {"sites": Facility.objects.count(), "rooms": Room.objects.count()}
        context["map_tiles"] = settings.MAP_TILE_URL
        context["map_attribution"] = settings.MAP_TILE_ATTRIBUTION
    template = "portal/search.html#results" if request.htmx else "portal/search.html"
    return render(request, template, context, status=status)


@require_safe
def district_options(request: HtmxHttpRequest) -> HttpResponse:
    """The district select for the chosen region, swapped in by HTMX."""
    form = SearchForm(request.GET)
    return render(request, "portal/search.html#district-field", {"form": form})
