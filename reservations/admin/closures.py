"""Closures in the admin: a manager closes a room or a whole facility for a time.

A closure over bookings is saved only once the manager has seen them on a confirmation page;
saving it is `services.close`, which cancels them with the closure's reason. Lifting one early
(the list's action) is `services.lift_closure`, which frees its time for the waitlists.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.roles import reads_every_facility
from reservations import services
from reservations.admin.display import describe, local_span, refusal_reason
from reservations.rules import BookingError
from rooms.admin.scope import (
    FacilityListFilter,
    FacilityScopedAdminMixin,
    RegionListFilter,
    facilities_in_scope,
    is_id,
)
from rooms.models import Closure
from web.admin import AutocompleteFieldsMixin


class ClosureForm(forms.ModelForm):
    """Room choices are those of the chosen facility (and, through the admin, in scope)."""

    class Meta:
        model = Closure
        fields = ["facility", "room", "start", "end", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        room = self.fields.get("room")
        facility_id = self.chosen_facility_id()
        if room is not None and facility_id is not None:
            room.queryset = room.queryset.filter(facility_id=facility_id)

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
    fields = ["facility", "room", "start", "end", "reason", "created_by", "created_at"]
    readonly_fields = ["created_by", "created_at"]

    def get_autocomplete_fields(self, request):
        # A manager picks among a few facilities and rooms; the registry is too long for a list.
        return ["facility", "room"] if reads_every_facility(request.user) else []

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
