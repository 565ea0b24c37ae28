"""Recurring bookings on the portal: the series form with every date's outcome before
confirming, the series' page after booking, and its dates as one .ics file."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from accounts.http import SignedInRequest
from portal.forms import LENGTHS, SeriesForm
from portal.views.mine import _ics_response
from reservations import rules, services
from reservations.models import Series
from rooms.models import Room


def _initial(request: SignedInRequest) -> dict[str, Any]:
    """The booker's details, and what the single booking form (or a link) already chose."""
    user = request.user
    initial: dict[str, Any] = {"company_name": user.company, "contact_phone": user.phone}
    for name in SeriesForm.base_fields:
        if request.GET.get(name):
            initial[name] = request.GET[name]
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def book_series(request: SignedInRequest, room_pk: int) -> HttpResponse:
    room = get_object_or_404(Room.objects.select_related("facility__district"), pk=room_pk)
    lengths = [length for length in LENGTHS if rules.allows_length(room.kind, length)]
    plan = None
    refusal: str | None = ""
    status = 200
    if request.method == "POST":
        form = SeriesForm(request.POST, lengths=lengths)
        if not form.is_valid():
            status = 400
        else:
            try:
                if "confirm" in request.POST:
                    outcome = services.book_series(request.user, room, **form.series_arguments())
                    done = reverse("booking:series", args=[outcome.series.pk])
                    if request.htmx:
                        return HttpResponseClientRedirect(done)
                    return redirect(done)
                plan = services.plan_series(request.user, room, **form.plan_arguments())
            except services.BookingError as error:
                form.add_error(None, error)
                refusal = error.code
    else:
        form = SeriesForm(initial=_initial(request), lengths=lengths)
    template_name = "portal/book_series.html"
    if request.htmx:
        template_name += "#form"
    bookable = [date for date in plan or () if date.outcome == services.Outcome.BOOKABLE]
    context = {
        "room": room,
        "facility": room.facility,
        "form": form,
        "plan": plan,
        "bookable": len(bookable),
        "later": sum(1 for date in plan or () if date.outcome == services.Outcome.LATER),
        "refusal": refusal,
    }
    return render(request, template_name, context, status=status)


def _get_series_for_user(request: SignedInRequest, pk: int) -> Series:
    return get_object_or_404(
        Series.objects.select_related("room__facility"), pk=pk, booked_by=request.user
    )


def _skipped(series: Series) -> list[dict[str, Any]]:
    """The dates not booked, with the rule's message in the page's language."""
    language = "en" if (translation.get_language() or "ko").startswith("en") else "ko"
    skipped = []
    for entry in series.skipped:
        start = parse_datetime(entry.get("start", ""))
        if start is None:
            continue
        reason = entry.get("reason", {})
        skipped.append({"start": timezone.localtime(start), "reason": reason.get(language, "")})
    return skipped


@login_required
@require_GET
def series_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    series = _get_series_for_user(request, pk)
    occurrences = series.occurrences.select_related("room__facility").order_by("start", "pk")
    later = [
        {"start": start, "end": end, "books_on": books_on}
        for start, end, books_on in rules.BOOKING_WINDOW.awaiting(series)
    ]
    context = {
        "series": series,
        "room": series.room,
        "occurrences": occurrences,
        "skipped": _skipped(series),
        "later": later,
    }
    return render(request, "portal/series.html", context)


@login_required
@require_GET
def series_ics(request: SignedInRequest, pk: int) -> HttpResponse:
    series = _get_series_for_user(request, pk)
    dates = series.occurrences.active().select_related("room__facility").order_by("start")
    return _ics_response(
        dates, calendar_name=_("BOMS recurring booking"), filename=f"boms-series-{series.pk}.ics"
    )
