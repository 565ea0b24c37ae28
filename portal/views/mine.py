"""The signed-in user's own bookings: list, cancel, check in, end early, .ics download and a
private calendar feed."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import SignedInRequest
from accounts.models import new_calendar_token
from reservations import ics, rules, services
from reservations.models import Reservation
from waitlist.models import Entry
from web.http import RefusedInput

PER_PAGE = 20
FEED_HISTORY = datetime.timedelta(days=90)


def _get_reservation_for_user(request: SignedInRequest, pk: int) -> Reservation:
    return get_object_or_404(
        Reservation.objects.select_related("room__facility"), pk=pk, booked_by=request.user
    )


def _ics_response(
    reservations: Iterable[Reservation], *, calendar_name: str, filename: str
) -> HttpResponse:
    response = HttpResponse(
        ics.reservations_ics(reservations, calendar_name=calendar_name),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def reservation_list(request: SignedInRequest) -> HttpResponse:
    now = timezone.now()
    mine = Reservation.objects.booked_by(request.user).select_related("room__facility", "series")
    # Both lists are paged: a company account can gather many bookings, and the page's work
    # must not grow with them. Upcoming holds the bookings still on; a meeting ended early,
    # and a booking cancelled, declined, expired or missed, goes with the past.
    upcoming = Paginator(mine.ahead(now).order_by("start", "pk"), PER_PAGE).get_page(
        request.GET.get("upcoming")
    )
    past = Paginator(mine.behind(now).order_by("-start", "-pk"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    # What the booker may do with each booking ahead, as the rules say at this moment.
    for reservation in upcoming:
        reservation.can_cancel = rules.BOOKER_CANCELLATION.allows(reservation, now)
        reservation.can_check_in = rules.CHECK_IN.allows(reservation, now)
        reservation.can_end_early = rules.ENDING_EARLY.allows(reservation, now)
    feed_url = request.build_absolute_uri(reverse("mine:feed", args=[request.user.calendar_token]))
    # The user's places in waitlists and the offers they hold, soonest first.
    waitlist = (
        Entry.objects.of_user(request.user)
        .open()
        .select_related("room__facility", "hold__room__facility", "region", "district")
        .order_by("start", "pk")
    )
    return render(
        request,
        "portal/mine/list.html",
        {"upcoming": upcoming, "past": past, "feed_url": feed_url, "waitlist": waitlist},
    )


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request: SignedInRequest, pk: int) -> HttpResponse:
    reservation = _get_reservation_for_user(request, pk)
    if not rules.BOOKER_CANCELLATION.allows(reservation, timezone.now()):
        messages.error(
            request, _("This booking can no longer be cancelled: it has started or is not active.")
        )
        return redirect("mine:list")
    if request.method == "POST":
        # A date of a series: "this" date alone, or "later": this one and every later one.
        scope = request.POST.get("scope", "this")
        if scope not in ("this", "later") or (scope == "later" and not reservation.series_id):
            raise RefusedInput(_("Choose which dates of the series to cancel."))
        try:
            if scope == "later":
                cancelled = services.cancel_from(request.user, reservation)
            else:
                services.cancel(request.user, reservation)
        except (services.BookingError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            if scope == "later":
                messages.success(
                    request,
                    ngettext(
                        "%(count)d date of the series has been cancelled; no later date will "
                        "be booked.",
                        "%(count)d dates of the series have been cancelled; no later date will "
                        "be booked.",
                        len(cancelled),
                    )
                    % {"count": len(cancelled)},
                )
            else:
                messages.success(request, _("Your booking has been cancelled."))
        return redirect("mine:list")
    template = "portal/mine/cancel.html"
    if request.htmx:
        template += "#confirm"
    return render(request, template, {"reservation": reservation})


@login_required
@require_POST
def check_in(request: SignedInRequest, pk: int) -> HttpResponse:
    reservation = _get_reservation_for_user(request, pk)
    try:
        services.check_in(request.user, reservation)
    except (services.BookingError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("Checked in. Have a good meeting!"))
    return redirect(reverse("mine:list") + f"#reservation-{reservation.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def end_early(request: SignedInRequest, pk: int) -> HttpResponse:
    reservation = _get_reservation_for_user(request, pk)
    if not rules.ENDING_EARLY.allows(reservation, timezone.now()):
        messages.error(request, _("Only a checked-in meeting that is not over can be ended."))
        return redirect("mine:list")
    if request.method == "POST":
        try:
            services.end_early(request.user, reservation)
        except (services.BookingError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("Your meeting has ended; the room is free for others."))
        return redirect("mine:list")
    template = "portal/mine/end_early.html"
    if request.htmx:
        template += "#confirm"
    return render(request, template, {"reservation": reservation})


@login_required
@require_GET
def reservation_ics(request: SignedInRequest, pk: int) -> HttpResponse:
    reservation = _get_reservation_for_user(request, pk)
    return _ics_response(
        [reservation],
        calendar_name=_("BOMS booking"),
        filename=f"boms-{reservation.pk}.ics",
    )


@require_GET
@never_cache
def feed(request: HttpRequest, token: str) -> HttpResponse:
    user = get_object_or_404(get_user_model(), calendar_token=token, is_active=True)
    reservations = (
        Reservation.objects.booked_by(user)
        .active()
        .filter(end__gte=timezone.now() - FEED_HISTORY)
        .select_related("room__facility")
        .order_by("start")
    )
    return _ics_response(reservations, calendar_name=_("My BOMS bookings"), filename="boms.ics")


@login_required
@require_POST
def revoke_feed(request: SignedInRequest) -> HttpResponse:
    request.user.calendar_token = new_calendar_token()
    request.user.save(update_fields=["calendar_token"])
    messages.success(
        request,
        _("Your calendar feed has a new address; the old one no longer works."),
    )
    return redirect("mine:list")
