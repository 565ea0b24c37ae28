"""Closures in the admin: a manager closes a room or a whole facility for a time, and a
ministry official or a superuser closes every site of a region, a district or the country.

A closure over bookings is saved only once its author has seen them on a confirmation page;
saving it is `services.close` (or `services.close_area`), which cancels them with the
closure's reason and tells each booker. Lifting one early (the list's action) is
`services.lift_closure`, which frees its time for the waitlists.
"""

import hashlib

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.roles import is_ministry_official, reads_every_facility
from reservations import services
from reservations.admin.display import describe, local_span, refusal_reason
from reservations.rules import BookingError
from rooms.admin.scope import (
    FacilityListFilter,
    FacilityScopedAdminMixin,
    RegionListFilter,
    facilities_in_scope,
    is_id,
    rooms_in_scope,
)
from rooms.models import AreaClosure, Closure
from web.admin import AutocompleteFieldsMixin
from web.forms import DateTimeField, NoControlCharactersMixin
from web.http import RefusedInput

# Up to this many rooms in scope, the room list offers them all until a facility is chosen.
ROOM_CHOICES_MAX = 50
# The no-JavaScript way to the chosen facility's rooms: the add page again with the facility.
SHOW_ROOMS = "_show_rooms"


class ClosureForm(NoControlCharactersMixin, forms.ModelForm):
    """Room choices are those of the chosen facility (and, through the admin, in scope);
    closure_rooms.js follows the facility as it is chosen, without a round trip."""

    start = DateTimeField(label=_("start"))
    end = DateTimeField(label=_("end"))

    class Meta:
        model = Closure
        fields = ["facility", "room", "start", "end", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        room = self.fields.get("room")
        if room is None:
            return
        select = getattr(room.widget, "widget", room.widget)  # inside the admin's wrapper
        select.attrs["data-rooms-of"] = "id_facility"
        select.attrs["data-rooms-url"] = reverse("admin:rooms_closure_rooms")
        facility_id = self.chosen_facility_id()
        if facility_id is not None:
            room.queryset = room.queryset.filter(facility_id=facility_id)
        elif room.queryset.count() > ROOM_CHOICES_MAX:
            room.queryset = room.queryset.none()

    def chosen_facility_id(self):
        if self.is_bound:
            value = self.data.get(self.add_prefix("facility"))
        else:
            value = self.initial.get("facility") or self.instance.facility_id
        value = str(value or "")
        return int(value) if is_id(value) else None


class ClosurePeriodFilter(admin.SimpleListFilter):
    title = _("period")
    parameter_name = "period"

    def lookups(self, request, model_admin):
        return [("current", _("In effect now")), ("upcoming", _("Upcoming")), ("past", _("Past"))]

    def queryset(self, request, queryset):
        value, now = self.value(), timezone.now()
        periods = {
            "current": Q(start__lte=now, end__gt=now),
            "upcoming": Q(start__gt=now),
            "past": Q(end__lte=now),
        }
        if value is None:
            return queryset
        if value not in periods:
            raise IncorrectLookupParameters(value)
        return queryset.filter(periods[value])


# POST keys of the confirmation step for a closure over existing bookings.
CONFIRM_CANCELLATIONS = "_cancel_bookings"
CONFIRMED_BOOKINGS = "_confirmed_bookings"
ABORT = "_abort"


@admin.register(Closure)
class ClosureAdmin(AutocompleteFieldsMixin, FacilityScopedAdminMixin, admin.ModelAdmin):
    """Closures live in rooms, but their admin is here: saving one is `services.close`, which
    cancels the bookings it covers, and rooms does not depend on reservations."""

    form = ClosureForm
    list_display = ["reason", "facility", "room_label", "period", "created_by"]
    list_select_related = ["facility", "room", "created_by"]
    list_filter = [ClosurePeriodFilter, FacilityListFilter, RegionListFilter]
    search_fields = ["reason", "facility__name", "facility__code", "room__name"]
    search_help_text = _("Reason, facility name or code, or room name.")
    date_hierarchy = "start"
    fields = [
        "facility",
        "room",
        "start",
        "end",
        "reason",
        "created_by",
        "created_at",
        "area_closure",
    ]
    readonly_fields = ["created_by", "created_at", "area_closure"]

    class Media:
        js = ["reservations/admin/closure_rooms.js"]
        css = {"all": ["reservations/admin/closure.css"]}

    def get_autocomplete_fields(self, request):
        # A manager picks among a few facilities; the registry is too long for a list. Rooms
        # are always a plain list: the chosen facility's (closure_rooms.js fills it).
        return ["facility"] if reads_every_facility(request.user) else []

    def get_urls(self):
        return [
            path(
                "rooms/",
                self.admin_site.admin_view(self.rooms_of_facility),
                name="rooms_closure_rooms",
            ),
            *super().get_urls(),
        ]

    def rooms_of_facility(self, request):
        """The rooms of a facility in the user's scope, for the room list (JSON)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        value = request.GET.get("facility", "")
        if not value.isdigit() or len(value) > 18:
            raise RefusedInput(_("Choose a facility by its number."))
        rooms = rooms_in_scope(request.user).filter(facility_id=value).order_by("kind", "name")
        return JsonResponse(
            {"rooms": [{"id": pk, "name": name} for pk, name in rooms.values_list("pk", "name")]}
        )

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if "facility" not in initial:
            facilities = list(facilities_in_scope(request.user).values_list("pk", flat=True)[:2])
            if len(facilities) == 1:
                initial["facility"] = facilities[0]
        return initial

    actions = ["lift_now"]

    @admin.action(description=_("Lift the selected closures now"), permissions=["change"])
    def lift_now(self, request, queryset):
        """End each chosen closure now (one not begun is removed): the time is free again and
        offered to the rooms' waitlists (`services.lift_closure`)."""
        lifted = 0
        for closure in queryset.select_related("facility"):
            try:
                services.lift_closure(request.user, closure)
            except (BookingError, PermissionDenied) as error:
                self.message_user(
                    request,
                    _("This closure was not lifted: %(closure)s: %(reason)s")
                    % {"closure": closure, "reason": refusal_reason(error)},
                    messages.WARNING,
                )
            else:
                lifted += 1
        if lifted:
            self.message_user(
                request,
                ngettext(
                    "%(count)d closure lifted; its time is free again.",
                    "%(count)d closures lifted; their time is free again.",
                    lifted,
                )
                % {"count": lifted},
                messages.SUCCESS,
            )

    @admin.display(description=_("room"), ordering="room__name")
    def room_label(self, closure):
        return closure.room.name if closure.room else _("Whole facility")

    @admin.display(description=_("period"), ordering="start")
    def period(self, closure):
        return local_span(closure.start, closure.end)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST":
            if SHOW_ROOMS in request.POST and object_id is None:
                # Without JavaScript: the add page again, the chosen facility's rooms listed.
                facility = request.POST.get("facility", "")
                query = f"?facility={facility}" if facility.isdigit() else ""
                return HttpResponseRedirect(reverse("admin:rooms_closure_add") + query)
            if ABORT in request.POST:
                self.message_user(
                    request,
                    _("The closure was not saved and no booking was changed."),
                    messages.INFO,
                )
                if object_id:
                    return HttpResponseRedirect(request.path)
                return HttpResponseRedirect(reverse("admin:rooms_closure_changelist"))
            confirmation = self.confirm_cancellations(request, object_id)
            if confirmation is not None:
                return confirmation
        return super().changeform_view(request, object_id, form_url, extra_context)

    def confirm_cancellations(self, request, object_id):
        """The confirmation page when the closure would cover active bookings, else None.

        None lets the normal save flow run: it reports invalid input and permission errors
        itself, and save_model() cancels the bookings the manager has confirmed.
        """
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        allowed = (
            self.has_change_permission(request, obj) if obj else self.has_add_permission(request)
        )
        if not allowed:
            return None
        form = self.get_form(request, obj, change=obj is not None)(
            request.POST, request.FILES, instance=obj
        )
        if not form.is_valid():
            return None
        closure = form.instance
        bookings = services.bookings_under(closure)
        confirmed = set(request.POST.getlist(CONFIRMED_BOOKINGS))
        if not bookings or (
            CONFIRM_CANCELLATIONS in request.POST
            and {str(booking.pk) for booking in bookings} <= confirmed
        ):
            return None
        replay = [
            (key, value)
            for key, values in request.POST.lists()
            if key not in ("csrfmiddlewaretoken", CONFIRM_CANCELLATIONS, CONFIRMED_BOOKINGS)
            for value in values
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("This closure covers existing bookings"),
            "opts": self.opts,
            "closure": closure,
            "closure_period": local_span(closure.start, closure.end),
            "bookings": [(booking, local_span(booking.start, booking.end)) for booking in bookings],
            "replay": replay,
            "confirmed_key": CONFIRMED_BOOKINGS,
            "confirm_key": CONFIRM_CANCELLATIONS,
            "abort_key": ABORT,
            "changed_meanwhile": CONFIRM_CANCELLATIONS in request.POST,
            "media": self.media,
        }
        return TemplateResponse(
            request, "admin/rooms/closure/cancel_bookings_confirmation.html", context
        )

    def save_model(self, request, obj, form, change):
        outcome = services.close(request.user, obj)
        if outcome.cancelled:
            self.message_user(
                request,
                ngettext(
                    "%(count)d booking cancelled; the booker has been notified: %(bookings)s",
                    "%(count)d bookings cancelled; the bookers have been notified: %(bookings)s",
                    len(outcome.cancelled),
                )
                % {
                    "count": len(outcome.cancelled),
                    "bookings": "; ".join(describe(booking) for booking in outcome.cancelled),
                },
                messages.SUCCESS,
            )
        for booking, error in outcome.refused:
            self.message_user(
                request,
                _("This booking could not be cancelled and still stands: %(booking)s: %(reason)s")
                % {"booking": describe(booking), "reason": refusal_reason(error)},
                messages.WARNING,
            )


class AreaClosureForm(NoControlCharactersMixin, forms.ModelForm):
    """A region, or a district, or neither (the whole country), and the period."""

    start = DateTimeField(label=_("start"))
    end = DateTimeField(label=_("end"))

    class Meta:
        model = AreaClosure
        fields = ["region", "district", "start", "end", "reason"]
        help_texts = {
            "region": _("Leave the region and the district empty to close every site."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        district = self.fields.get("district")
        if district is not None:
            district.queryset = district.queryset.select_related("region").order_by(
                "region__order", "name_ko"
            )
            district.label_from_instance = lambda d: d.full_name


def fingerprint(bookings):
    """A short digest of the bookings shown for confirmation: if it differs on confirming,
    the list changed meanwhile and is shown again."""
    ids = ",".join(str(pk) for pk in sorted(booking.pk for booking in bookings))
    return hashlib.sha256(ids.encode()).hexdigest()[:32]


AREA_FINGERPRINT = "_bookings_fingerprint"
# The confirmation page lists this many bookings and counts the rest.
AREA_PREVIEW_ROWS = 200


def may_close_areas(user):
    """Ministry officials and superusers. Every admin page asks (the index lists the model):
    a facility manager, who changes closures as no official does, is told apart by the
    permissions already read, before any look-up of groups. Someone in both roles works as a
    manager in the admin (rooms.admin.scope), and so here."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    if not user.has_perm("rooms.view_closure") or user.has_perm("rooms.change_closure"):
        return False
    return is_ministry_official(user)


@admin.register(AreaClosure)
class AreaClosureAdmin(admin.ModelAdmin):
    """Closures of every site of a region, a district or the country (officials, superusers).

    Saved once, through `services.close_area`; each site gets its own closure, listed under
    Closures. They are not edited afterwards.
    """

    form = AreaClosureForm
    list_display = ["reason", "area_label", "period", "site_count", "created_by"]
    list_select_related = ["region", "district__region", "created_by"]
    fields = ["region", "district", "start", "end", "reason"]
    date_hierarchy = "start"

    class Media:
        css = {"all": ["reservations/admin/closure.css"]}

    def has_module_permission(self, request):
        return may_close_areas(request.user)

    def has_view_permission(self, request, obj=None):
        return may_close_areas(request.user)

    def has_add_permission(self, request):
        return may_close_areas(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("area"))
    def area_label(self, area):
        return area.area

    @admin.display(description=_("period"), ordering="start")
    def period(self, area):
        return local_span(area.start, area.end)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(site_total=Count("closures"))

    @admin.display(description=_("sites"), ordering="site_total")
    def site_count(self, area):
        return area.site_total

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id is None and self.has_add_permission(request):
            if ABORT in request.POST:
                self.message_user(
                    request,
                    _("The closure was not saved and no booking was changed."),
                    messages.INFO,
                )
                return HttpResponseRedirect(reverse("admin:rooms_areaclosure_changelist"))
            form = self.get_form(request, None, change=False)(request.POST)
            if form.is_valid():
                area = form.instance
                bookings = list(
                    services.bookings_under_area(area)
                    .select_related("room__facility", "booked_by")
                    .order_by("start", "pk")
                )
                confirmed = request.POST.get(AREA_FINGERPRINT)
                if confirmed != fingerprint(bookings):
                    return self.confirmation(request, area, bookings, confirmed is not None)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def confirmation(self, request, area, bookings, changed_meanwhile):
        """What the closure would do: the sites it closes and the bookings it cancels."""
        replay = [
            (key, value)
            for key, values in request.POST.lists()
            if key not in ("csrfmiddlewaretoken", AREA_FINGERPRINT, "_save")
            for value in values
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Close every site of the area?"),
            "opts": self.opts,
            "area": area,
            "period": local_span(area.start, area.end),
            "site_count": area.facilities().count(),
            "booking_count": len(bookings),
            "bookings": [
                (booking, local_span(booking.start, booking.end))
                for booking in bookings[:AREA_PREVIEW_ROWS]
            ],
            "more": max(len(bookings) - AREA_PREVIEW_ROWS, 0),
            "replay": replay,
            "fingerprint_key": AREA_FINGERPRINT,
            "fingerprint": fingerprint(bookings),
            "abort_key": ABORT,
            "changed_meanwhile": changed_meanwhile,
            "media": self.media,
        }
        return TemplateResponse(
            request, "admin/rooms/areaclosure/close_area_confirmation.html", context
        )

    def save_model(self, request, obj, form, change):
        outcome = services.close_area(request.user, obj)
        self.message_user(
            request,
            _("Sites closed: %(sites)d. Bookings cancelled, each booker notified: %(count)d.")
            % {"sites": outcome.sites, "count": len(outcome.cancelled)},
            messages.SUCCESS,
        )
