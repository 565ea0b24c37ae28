"""The manager's workspace in the admin: the landing page, the boards and decisions on them.

Every page is behind the admin's sign-in and second step (`admin.site.admin_view`) and within
the admin's scope (`rooms.admin.scope`): a manager sees their own facilities only, another's
facility or room is a 404; superusers and ministry officials pick any facility, officials
read only. Decisions go through `reservations.services`, like the admin's actions.
"""

import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import trigger_client_event

from accounts.roles import is_facility_manager, reads_every_facility
from dashboard.columns import PART_COLUMNS
from dashboard.figures import Breakdown, Filters
from dashboard.periods import Period, month_end, month_start
from dashboard.templatetags.dashboard import grouped
from reservations import services
from reservations.admin.bookings import return_to
from reservations.admin.display import describe, refusal_reason
from reservations.models import Reservation
from reservations.rules import BookingError
from rooms.admin.scope import facilities_in_scope, rooms_in_scope
from web.http import RefusedInput
from workspace.board import day_board, week_board
from workspace.forms import BoardForm, RejectForm, WeekForm

# The month's figures on a manager's landing page, as the dashboard declares them.
MONTH_FIGURES = ("requests", "utilisation", "no_show", "pending")
# Sent with a decision's answer: the board on the page reloads itself.
BOARD_CHANGED = "boardChanged"


def _require_view(request: HttpRequest) -> None:
    if not request.user.has_perm("reservations.view_reservation"):
        raise PermissionDenied


def _require_decide(request: HttpRequest) -> None:
    if not request.user.has_perm("reservations.change_reservation"):
        raise PermissionDenied


def _valid(form):
    if not form.is_valid():
        raise RefusedInput(" ".join(error for errors in form.errors.values() for error in errors))
    return form.cleaned_data


def _day_board_context(request, data):
    """The day board the query asks for, or only the facility choice where none is chosen yet."""
    user = request.user
    day = data.get("date") or timezone.localdate()
    facilities = facilities_in_scope(user)
    facility = None
    if data.get("facility"):
        facility = get_object_or_404(facilities, pk=data["facility"])
    rooms = rooms_in_scope(user)
    if facility is not None:
        rooms = rooms.filter(facility=facility)
    must_choose = facility is None and reads_every_facility(user)
    query = {"date": day.isoformat(), **({"facility": facility.pk} if facility else {})}
    return {
        "board": None if must_choose else day_board(rooms, day),
        "day": day,
        "facility": facility,
        "facility_choices": facilities.order_by("name").values_list("pk", "name"),
        "every_facility": reads_every_facility(user),
        "previous_day": _board_url(day - datetime.timedelta(days=1), facility),
        "next_day": _board_url(day + datetime.timedelta(days=1), facility),
        "today_url": _board_url(timezone.localdate(), facility),
        "board_url": f"{reverse('workspace:board')}?{urlencode(query)}",
        "can_decide": request.user.has_perm("reservations.change_reservation"),
        "return_to": request.get_full_path(),
    }


def _board_url(day, facility):
    query = {"date": day.isoformat(), **({"facility": facility.pk} if facility else {})}
    return f"{reverse('workspace:board')}?{urlencode(query)}"


def month_figures(user, today=None):
    """This month's figures of the manager's facilities: [(column, shown value)]."""
    today = today or timezone.localdate()
    period = Period(month_start(today), month_end(today))
    total = (
        Breakdown({"facility__managers": user}, None, Filters(period))
        .report(with_events=False)
        .total
    )
    columns = {column.name: column for column in PART_COLUMNS}
    return [
        (columns[name].label, (columns[name].show or grouped)(getattr(total, name)))
        for name in MONTH_FIGURES
    ]


def landing(request: HttpRequest) -> HttpResponse:
    """The admin's first page: for a manager, the month's figures and today's board."""
    site = admin.site
    request.current_app = site.name
    context = {
        **site.each_context(request),
        "title": site.index_title,
        "subtitle": None,
        "app_list": site.get_app_list(request),
    }
    if request.user.has_perm("reservations.view_reservation"):
        context.update(_day_board_context(request, {}))
        context["on_landing"] = True
    if is_facility_manager(request.user):
        context["figures"] = month_figures(request.user)
        context["month"] = timezone.localdate()
    return TemplateResponse(request, "workspace/landing.html", context)


@require_safe
def board(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    context = _day_board_context(request, _valid(BoardForm(request.GET)))
    context.update(admin.site.each_context(request), title=_("Day board"))
    template = "workspace/board.html#board" if request.htmx else "workspace/board.html"
    return render(request, template, context)


@require_safe
def room_week(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    room = get_object_or_404(rooms_in_scope(request.user).select_related("facility"), pk=pk)
    day = _valid(WeekForm(request.GET)).get("date") or timezone.localdate()
    monday = day - datetime.timedelta(days=day.weekday())
    week = reverse("workspace:room_week", args=[room.pk])
    context = {
        **admin.site.each_context(request),
        "title": _("Week of %(room)s") % {"room": room.name},
        "room": room,
        "board": week_board(room, monday),
        "week": True,
        "day": monday,
        "previous_week": f"{week}?{urlencode({'date': (monday - datetime.timedelta(days=7)).isoformat()})}",
        "next_week": f"{week}?{urlencode({'date': (monday + datetime.timedelta(days=7)).isoformat()})}",
        "day_board": _board_url(monday, room.facility),
        "board_url": f"{week}?{urlencode({'date': monday.isoformat()})}",
        "can_decide": request.user.has_perm("reservations.change_reservation"),
        "return_to": request.get_full_path(),
    }
    template = "workspace/board.html#board" if request.htmx else "workspace/week.html"
    return render(request, template, context)


def _decided(request, reservation):
    """The answer to a decision taken: to htmx, a nudge to reload the board; else back."""
    if request.htmx:
        return trigger_client_event(HttpResponse(status=204), BOARD_CHANGED)
    return redirect(_return_to(request))


def _return_to(request):
    """The page the decision was taken on (`next`), or the day board."""
    return return_to(request, request.POST) or reverse("workspace:board")


def _decidable(request, pk):
    _require_decide(request)
    bookings = Reservation.objects.managed_by(request.user).select_related(
        "room__facility", "booked_by"
    )
    return get_object_or_404(bookings, pk=pk)


@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    reservation = _decidable(request, pk)
    try:
        services.approve(request.user, reservation)
    except (BookingError, PermissionDenied) as error:
        messages.error(request, f"{describe(reservation)}: {refusal_reason(error)}")
    else:
        messages.success(request, _("Approved: %(booking)s") % {"booking": describe(reservation)})
    return _decided(request, reservation)


@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    reservation = _decidable(request, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        context = {"reservation": reservation, "form": form, "return_to": _return_to(request)}
        if request.htmx:
            return render(request, "workspace/board.html#reject-form", context, status=400)
        context.update(admin.site.each_context(request), title=_("Reject a booking"))
        return render(request, "workspace/reject.html", context, status=400)
    try:
        services.reject(request.user, reservation, form.cleaned_data["reason"])
    except (BookingError, PermissionDenied) as error:
        messages.error(request, f"{describe(reservation)}: {refusal_reason(error)}")
    else:
        messages.success(request, _("Rejected: %(booking)s") % {"booking": describe(reservation)})
    return _decided(request, reservation)
