"""Admin where facility managers decide on bookings and close rooms.

Bookings change only through reservations.services (approve, reject, cancel), so the rules,
the audit trail and the e-mails to bookers are the same here as everywhere else: the admin
shows bookings read-only and acts on them through actions. Every page is scoped to the
manager's facilities by FacilityScopedAdminMixin.
"""

import csv
import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, Q, Value, When
from django.http import HttpResponseBadRequest, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.timesince import timesince
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.roles import is_facility_manager, reads_every_facility
from reservations import services
from reservations.models import Reservation, ReservationEvent, Status
from rooms.admin import (
    FacilityListFilter,
    FacilityScopedAdminMixin,
    RegionListFilter,
    facilities_in_scope,
)
from rooms.models import Closure

admin.site.index_template = "admin/reservations/index.html"


def local_span(start, end):
    """'2026-11-26 (Thu) 10:00–11:00' in the portal's time zone."""
    start, end = timezone.localtime(start), timezone.localtime(end)
    if start.date() == end.date():
        until = time_format(end, "H:i")
    else:
        until = date_format(end, "Y-m-d (D) H:i")
    return f"{date_format(start, 'Y-m-d (D) H:i')}–{until}"


def describe(reservation):
    """How a booking is named in messages: facility, room and local time."""
    room = reservation.room
    return f"{room.facility.name} · {room.name} {local_span(reservation.start, reservation.end)}"


def refusal_reason(error):
    if isinstance(error, services.BookingError):
        return " ".join(error.messages)
    return str(error) or _gettext("You may not act on this booking.")


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("The booker receives this text by e-mail."),
    )


class StartListFilter(admin.SimpleListFilter):
    """When the booking takes place, relative to today in Seoul."""

    title = _("date")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [
            ("today", _("Today")),
            ("tomorrow", _("Tomorrow")),
            ("week", _("Next 7 days")),
            ("upcoming", _("Upcoming")),
            ("past", _("Past")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        now = timezone.localtime()
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        day = datetime.timedelta(days=1)
        windows = {
            "today": Q(start__gte=midnight, start__lt=midnight + day),
            "tomorrow": Q(start__gte=midnight + day, start__lt=midnight + 2 * day),
            "week": Q(start__gte=midnight, start__lt=midnight + 7 * day),
            "upcoming": Q(start__gte=now),
            "past": Q(start__lt=now),
        }
        if value not in windows:
            raise IncorrectLookupParameters(value)
        return queryset.filter(windows[value])


class ReservationEventInline(admin.TabularInline):
    """The audit trail: who moved the booking between statuses, when and why."""

    model = ReservationEvent
    fields = ["at", "actor", "from_status", "to_status", "note"]
    readonly_fields = fields
    ordering = ["at", "pk"]
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


EXPORT_COLUMNS = [
    (_("ID"), lambda r: r.pk),
    (_("facility"), lambda r: r.room.facility.name),
    (_("room"), lambda r: r.room.name),
    (_("start"), lambda r: r.start),
    (_("end"), lambda r: r.end),
    (_("status"), lambda r: r.get_status_display()),
    (_("attendees"), lambda r: r.attendees),
    (_("purpose"), lambda r: r.purpose),
    (_("company"), lambda r: r.company_name),
    (_("booker name"), lambda r: r.booked_by.name if r.booked_by else ""),
    (_("booker e-mail"), lambda r: r.booked_by.email if r.booked_by else ""),
    (_("contact phone"), lambda r: r.contact_phone),
    (_("requested at"), lambda r: r.created_at),
    (_("decided at"), lambda r: r.decided_at),
    (_("decided by"), lambda r: str(r.decided_by) if r.decided_by else ""),
    (_("decision note"), lambda r: r.decision_note),
]

# A cell starting with one of these is a formula to Excel; bookers write some of these texts.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write() hands the line back, for streaming csv.writer output."""

    def write(self, value):
        return value


def reservations_csv(reservations):
    """The rows as CSV, UTF-8 with a byte-order mark so that Excel reads Korean correctly."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([str(title) for title, _value in EXPORT_COLUMNS])
    rows = reservations.select_related("room__facility", "booked_by", "decided_by")
    for reservation in rows.iterator(chunk_size=2000):
        yield writer.writerow([csv_cell(value(reservation)) for _title, value in EXPORT_COLUMNS])


@admin.register(Reservation)
class ReservationAdmin(FacilityScopedAdminMixin, admin.ModelAdmin):
    scope_lookup = "room__facility"
    list_display = [
        "room_name",
        "facility_name",
        "time",
        "attendees",
        "purpose",
        "company_name",
        "booker",
        "status",
        "waiting",
    ]
    list_display_links = ["room_name", "time"]
    list_filter = ["status", StartListFilter, FacilityListFilter, "room__kind", RegionListFilter]
    search_fields = [
        "booked_by__email",
        "booked_by__name",
        "company_name",
        "contact_phone",
        "booked_by__phone",
        "room__name",
        "room__facility__name",
    ]
    search_help_text = _("Booker's name or e-mail, company, phone, room or facility.")
    date_hierarchy = "start"
    inlines = [ReservationEventInline]
    actions = ["approve_selected", "reject_selected", "cancel_selected", "export_selected"]
    fieldsets = [
        (None, {"fields": ["facility_name", "room", "time", "attendees", "purpose"]}),
        (_("Booker"), {"fields": ["booker", "booker_email", "company_name", "contact_phone"]}),
        (_("Decision"), {"fields": ["status", "decider", "decided_at", "decision_note"]}),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]
    readonly_fields = [
        "facility_name",
        "room",
        "time",
        "attendees",
        "purpose",
        "booker",
        "booker_email",
        "company_name",
        "contact_phone",
        "status",
        "decider",
        "decided_at",
        "decision_note",
        "created_at",
        "updated_at",
    ]

    def sees_personal_data(self, request):
        """Contact phones are for the facility's managers (their own sites only) and superusers."""
        return request.user.is_superuser or is_facility_manager(request.user)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.sees_personal_data(request):
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "contact_phone"]})
            for name, options in fieldsets
        ]

    def get_search_fields(self, request):
        fields = super().get_search_fields(request)
        if self.sees_personal_data(request):
            return fields
        return [f for f in fields if not f.endswith("phone")]

    # Bookings are made on the portal under the booking rules and are kept as history:
    # nobody adds, edits or deletes them here. Decisions go through the actions.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_decide_permission(self, request):
        return request.user.has_perm("reservations.change_reservation")

    def has_export_permission(self, request):
        # Managers export their own facilities' bookings; the personal details in the file
        # are for running the rooms, not for national statistics (the dashboard has those).
        return self.has_decide_permission(request)

    def get_queryset(self, request):
        # Every page names the room, its facility and the booker. (With select_related() set
        # here, list_select_related would not apply: this covers the changelist too.)
        return (
            super()
            .get_queryset(request)
            .select_related("room__facility", "booked_by", "decided_by")
        )

    def get_ordering(self, request):
        # Pending bookings first, the longest waiting at the top; then the rest, latest first.
        return [
            Case(When(status=Status.PENDING, then=Value(0)), default=Value(1)).asc(),
            Case(When(status=Status.PENDING, then=F("created_at"))).asc(),
            F("start").desc(),
        ]

    def get_urls(self):
        export = path(
            "export/",
            self.admin_site.admin_view(self.export_view),
            name="reservations_reservation_export",
        )
        return [export, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_export": self.has_export_permission(request)}
        return super().changelist_view(request, extra_context)

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None and self.has_decide_permission(request):
            context["decisions"] = self.decisions_for(obj)
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def decisions_for(self, reservation):
        """The actions offered as buttons on the booking's page."""
        if reservation.status == Status.PENDING:
            return [
                ("approve_selected", _("Approve")),
                ("reject_selected", _("Reject…")),
                ("cancel_selected", _("Cancel booking…")),
            ]
        if reservation.status == Status.APPROVED:
            return [("cancel_selected", _("Cancel booking…"))]
        return []

    @admin.display(description=_("room"), ordering="room__name")
    def room_name(self, reservation):
        return reservation.room.name

    @admin.display(description=_("facility"), ordering="room__facility__name")
    def facility_name(self, reservation):
        return reservation.room.facility.name

    @admin.display(description=_("time"), ordering="start")
    def time(self, reservation):
        return local_span(reservation.start, reservation.end)

    @admin.display(description=_("booker"), ordering="booked_by__name")
    def booker(self, reservation):
        return (
            reservation.booked_by.name if reservation.booked_by else self.get_empty_value_display()
        )

    @admin.display(description=_("decided by"))
    def decider(self, reservation):
        # Shown as text: managers have no access to the user admin a link would lead to.
        return (
            str(reservation.decided_by)
            if reservation.decided_by
            else self.get_empty_value_display()
        )

    @admin.display(description=_("booker e-mail"))
    def booker_email(self, reservation):
        return (
            reservation.booked_by.email if reservation.booked_by else self.get_empty_value_display()
        )

    @admin.display(description=_("waiting"), ordering="created_at")
    def waiting(self, reservation):
        if reservation.status != Status.PENDING:
            return self.get_empty_value_display()
        return timesince(reservation.created_at)

    @admin.action(permissions=["decide"], description=_("Approve the selected bookings"))
    def approve_selected(self, request, queryset):
        reservations = list(self.in_request_order(queryset))
        if not reservations:
            self.message_user(
                request, _("None of the selected bookings can be changed."), messages.WARNING
            )
            return
        approved, refused = 0, []
        for reservation in reservations:
            try:
                services.approve(request.user, reservation)
            except (services.BookingError, PermissionDenied) as error:
                refused.append((reservation, error))
            else:
                approved += 1
        done = ngettext("%(count)d booking approved", "%(count)d bookings approved", approved) % {
            "count": approved
        }
        self.report(request, done, refused)

    @admin.action(permissions=["decide"], description=_("Reject the selected bookings…"))
    def reject_selected(self, request, queryset):
        return self.act_with_reason(
            request,
            queryset,
            action="reject_selected",
            decision="reject",
            title=_("Reject bookings"),
            intro=_(
                "The bookers receive your reason by e-mail. Only pending bookings can be rejected."
            ),
            button=_("Reject these bookings"),
            done=lambda n: ngettext("%(count)d booking rejected", "%(count)d bookings rejected", n),
        )

    @admin.action(permissions=["decide"], description=_("Cancel the selected bookings…"))
    def cancel_selected(self, request, queryset):
        return self.act_with_reason(
            request,
            queryset,
            action="cancel_selected",
            decision="cancel",
            title=_("Cancel bookings"),
            intro=_(
                "The bookers receive your reason by e-mail. Pending and approved bookings "
                "can be cancelled."
            ),
            button=_("Cancel these bookings"),
            done=lambda n: ngettext(
                "%(count)d booking cancelled", "%(count)d bookings cancelled", n
            ),
        )

    @admin.action(permissions=["export"], description=_("Export the selected bookings as CSV"))
    def export_selected(self, request, queryset):
        return self.csv_response(queryset)

    def export_view(self, request):
        """The current changelist (its filters and search, within the user's scope) as CSV."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseBadRequest(_("These filters cannot be applied."))
        return self.csv_response(changelist.queryset)

    def csv_response(self, queryset):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = StreamingHttpResponse(
            reservations_csv(queryset), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="bookings-{stamp}.csv"'
        return response

    def in_request_order(self, queryset):
        # First come, first served: when two selected requests conflict, the earlier one wins.
        return queryset.select_related("room__facility", "booked_by").order_by("created_at", "pk")

    def act_with_reason(self, request, queryset, *, action, decision, title, intro, button, done):
        """An action that first asks for a reason, like Django's delete confirmation.

        `decision` names the engine's function to call with the reason: reject or cancel.
        """
        reservations = list(self.in_request_order(queryset))
        if not reservations:
            self.message_user(
                request, _("None of the selected bookings can be changed."), messages.WARNING
            )
            return None
        form = ReasonForm(request.POST if "_confirm" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            succeeded, refused = 0, []
            decide = getattr(services, decision)
            for reservation in reservations:
                try:
                    decide(request.user, reservation, reason)
                except (services.BookingError, PermissionDenied) as error:
                    refused.append((reservation, error))
                else:
                    succeeded += 1
            self.report(request, done(succeeded) % {"count": succeeded}, refused)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "intro": intro,
            "button": button,
            "opts": self.opts,
            "reservations": [(r, local_span(r.start, r.end)) for r in reservations],
            "form": form,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(
            request, "admin/reservations/reservation/reason_confirmation.html", context
        )

    def report(self, request, done, refused):
        """One message: how many succeeded and, for each refusal, which booking and why."""
        if not refused:
            self.message_user(request, f"{done}.", messages.SUCCESS)
            return
        details = "; ".join(
            f"{describe(reservation)}: {refusal_reason(error)}" for reservation, error in refused
        )
        summary = ngettext("%(count)d refused", "%(count)d refused", len(refused)) % {
            "count": len(refused)
        }
        self.message_user(request, f"{done}, {summary}: {details}", messages.WARNING)


def bookings_under(closure):
    """Active bookings that the closure (of one room, or of the whole facility) overlaps."""
    bookings = Reservation.objects.active().overlapping(closure.start, closure.end)
    if closure.room_id:
        bookings = bookings.filter(room_id=closure.room_id)
    else:
        bookings = bookings.filter(room__facility_id=closure.facility_id)
    return bookings.select_related("room__facility", "booked_by").order_by("start", "pk")


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
        return int(value) if value.isdigit() else None


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
class ClosureAdmin(FacilityScopedAdminMixin, admin.ModelAdmin):
    """Closures live in rooms, but their admin is here: saving one cancels the bookings it
    covers, and rooms does not depend on reservations."""

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
        bookings = list(bookings_under(closure))
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
            request, "admin/reservations/closure/cancel_bookings_confirmation.html", context
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        cancelled, refused = [], []
        for booking in bookings_under(obj):
            try:
                services.cancel(request.user, booking, obj.reason)
            except (services.BookingError, PermissionDenied) as error:
                refused.append((booking, error))
            else:
                cancelled.append(booking)
        if cancelled:
            self.message_user(
                request,
                ngettext(
                    "%(count)d booking cancelled; the booker has been notified: %(bookings)s",
                    "%(count)d bookings cancelled; the bookers have been notified: %(bookings)s",
                    len(cancelled),
                )
                % {
                    "count": len(cancelled),
                    "bookings": "; ".join(describe(booking) for booking in cancelled),
                },
                messages.SUCCESS,
            )
        for booking, error in refused:
            self.message_user(
                request,
                _("This booking could not be cancelled and still stands: %(booking)s: %(reason)s")
                % {"booking": describe(booking), "reason": refusal_reason(error)},
                messages.WARNING,
            )
