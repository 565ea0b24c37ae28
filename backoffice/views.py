"""Printable QR signs for rooms' doors: per room, or every room of a facility on one page.

Each sign's code opens the room's door page (the portal's `/rooms/<id>/door/`) at SITE_URL.
Staff reach them from the room's and the facility's admin pages, within the admin's scope:
a facility manager only for their own facilities.
"""

from __future__ import annotations

from dataclasses import dataclass

import segno
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from reservations.rules import MINUTES, POLICIES
from rooms.admin.scope import facilities_in_scope, rooms_in_scope
from rooms.models import Room


@dataclass(frozen=True)
class Sign:
    room: Room
    url: str
    qr: SafeString
    check_in_opens: int
    check_in_closes: int


def door_url(room: Room) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("door", args=[room.pk])


def sign(room: Room) -> Sign:
    url = door_url(room)
    title = _("QR code: today's schedule and check-in of %(room)s") % {"room": room.name}
    # segno writes attributes only (no style, no script): allowed by the strict CSP inline.
    svg = segno.make(url, error="m").svg_inline(
        scale=8, dark="#000", light="#fff", title=title, svgclass="sign__qr", omitsize=True
    )
    policy = POLICIES[room.kind]
    return Sign(
        room,
        url,
        mark_safe(svg),  # segno escapes the title and the URL it was given
        policy.check_in_opens // MINUTES,
        policy.check_in_closes // MINUTES,
    )


def _require_view(request: HttpRequest) -> None:
    if not request.user.has_perm("rooms.view_room"):
        raise PermissionDenied


def room_sign(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    room = get_object_or_404(rooms_in_scope(request.user).select_related("facility"), pk=pk)
    return render(
        request,
        "backoffice/signs.html",
        {"title": _("Door sign of %(room)s") % {"room": room}, "signs": [sign(room)]},
    )


def facility_signs(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    facility = get_object_or_404(facilities_in_scope(request.user), pk=pk)
    rooms = facility.rooms.select_related("facility").order_by("pk")
    return render(
        request,
        "backoffice/signs.html",
        {
            "title": _("Door signs of %(facility)s") % {"facility": facility.name},
            "signs": [sign(room) for room in rooms],
        },
    )
