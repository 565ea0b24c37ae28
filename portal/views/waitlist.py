"""Waitlists on the portal: join one for a taken slot (or for any room matching a search), and
confirm, decline or leave from "my reservations"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import SignedInRequest
from portal.forms import WaitlistForm
from reservations.rules import BookingError
from rooms.models import Room
from waitlist import services
from waitlist.models import Entry
from waitlist.services import Wish


def _get_entry_for_user(request: SignedInRequest, pk: int) -> Entry:
    return get_object_or_404(Entry, pk=pk, user=request.user)


def _room(form: WaitlistForm) -> Room | None:
    """The room the form names, if any; an unknown or inactive room is a form error."""
    room_id = form.cleaned_data.get("room")
    if not room_id:
        return None
    room = (
        Room.objects.select_related("facility__district__region")
        .filter(pk=room_id, is_active=True)
        .first()
    )
    if room is None:
        form.add_error(None, _("This room is not available for booking."))
    return room


def _wish(form: WaitlistForm, room: Room | None) -> Wish:
    data = form.cleaned_data
    return Wish(
        start=data["starts_at"],
        end=data["ends_at"],
        attendees=data["attendees"],
        purpose=data["purpose"],
        room=room,
        region_id=data["region"].pk if data.get("region") else None,
        district_id=data["district"].pk if data.get("district") else None,
        kind=data.get("kind") or "",
        equipment=data.get("equipment") or [],
    )


def _prefill(query: QueryDict) -> dict[str, Any]:
    """The link's query (from a busy slot, a refusal or an empty search) as the form's initial
    values; the form checks them when it is sent."""
    initial: dict[str, Any] = {
        name: query.get(name) for name in WaitlistForm.base_fields if query.get(name)
    }
    initial["equipment"] = query.getlist("equipment")
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def join(request: SignedInRequest) -> HttpResponse:
    if request.method == "GET":
        form = WaitlistForm(initial=_prefill(request.GET))
        asked = request.GET.get("room", "")
        room = (
            Room.objects.filter(pk=int(asked), is_active=True).first()
            if asked.isdigit() and len(asked) <= 10
            else None
        )
        return render(request, "portal/waitlist/join.html", {"form": form, "room": room})
    form = WaitlistForm(request.POST)
    room = None
    if form.is_valid():
        room = _room(form)
        if not form.errors:
            try:
                services.join(request.user, _wish(form, room))
            except BookingError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _(
                        "You are on the waitlist. When the time comes free and it is your "
                        "turn, it is held for you and we send you an e-mail."
                    ),
                )
                return redirect("mine:list")
    context = {"form": form, "room": room}
    return render(request, "portal/waitlist/join.html", context, status=400)


def _act(request: SignedInRequest, pk: int, action: Callable[..., Any], done: str) -> HttpResponse:
    entry = _get_entry_for_user(request, pk)
    try:
        action(request.user, entry)
    except BookingError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("mine:list")


@login_required
@require_POST
def confirm(request: SignedInRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.confirm, _("The offered time is booked for you."))


@login_required
@require_POST
def decline(request: SignedInRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, services.decline, _("You declined the offer; it goes to the next in line.")
    )


@login_required
@require_POST
def leave(request: SignedInRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.leave, _("You left the waitlist."))
