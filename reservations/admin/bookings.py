"""Bookings in the admin: the managers' queue, decisions with reasons, check-in at the front
desk, the audit trail, the booker's standing, export."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, Q, Value, When
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.roles import is_facility_manager
from reservations import rules, services
from reservations.admin.display import describe, local_span, refusal_reason
from reservations.admin.export import csv_response
from reservations.models import PersonalDataAccess, Reservation, ReservationEvent, Status
from reservations.rules import BookingError
from rooms.admin.scope import FacilityListFilter, FacilityScopedAdminMixin, RegionListFilter
from web.admin import ReadOnlyInline

# What tells how to reach a booker: shown to the facility's managers and superusers only.
CONTACT = ("booker_email", "contact_phone")


# A page to return to is a path and a query of this site; anything longer is not one.
MAX_RETURN_URL = 2000


def return_to(request, data):
    """The page of this site named by `next` in `data`, where to go after a decision, or "".
    Only a path: anything else ("0001-01-01") would be taken for a view's name by redirect()."""
    target = data.get("next", "")
    if (
        target.startswith("/")
        and len(target) <= MAX_RETURN_URL
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return ""


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


class ReservationEventInline(ReadOnlyInline):
    """The audit trail: who moved the booking between statuses, when and why."""

    model = ReservationEvent
    fields = ["at", "actor", "from_status", "to_status", "action", "note"]
    readonly_fields = fields
    ordering = ["at", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


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
    actions = [
        "approve_selected",
        "reject_selected",
        "cancel_selected",
        "check_in_selected",
        "end_early_selected",
        "export_selected",
    ]
    fieldsets = [
        (
            None,
            {"fields": ["facility_name", "room", "time", "attendees", "purpose", "code", "series"]},
        ),
        (
            _("Booker"),
            {
                "fields": [
                    "booker",
                    "booker_email",
                    "company_name",
                    "contact_phone",
                    "booker_standing",
                ]
            },
        ),
        (_("Decision"), {"fields": ["status", "decider", "decided_at", "decision_note"]}),
        (_("Check-in"), {"fields": ["check_in_required", "checked_in_at", "released_at"]}),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]
    readonly_fields = [
        "series",
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
        "code",
        "check_in_required",
        "checked_in_at",
        "released_at",
        "booker_standing",
        "created_at",
        "updated_at",
    ]

    def sees_personal_data(self, request):
        """How to reach a booker is for the facility's managers (their own sites) and superusers."""
        return request.user.is_superuser or is_facility_manager(request.user)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.sees_personal_data(request):
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in CONTACT]})
            for name, options in fieldsets
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            reservation = response.context_data["original"]
            PersonalDataAccess.record(
                request.user, [reservation.pk], PersonalDataAccess.Channel.BOOKING_PAGE
            )
        return response

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
            context["return_to"] = return_to(request, request.GET)
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def response_action(self, request, queryset):
        """After an action, back where the manager came from: the page named by `next` (the
        board), else the list as it was filtered (the queue)."""
        response = super().response_action(request, queryset)
        target = return_to(request, request.POST)
        if target and isinstance(response, HttpResponseRedirect):
            return HttpResponseRedirect(target)
        return response

    def decisions_for(self, reservation):
        """The actions offered as buttons on the booking's page."""
        if reservation.status == Status.PENDING:
            return [
                ("approve_selected", _("Approve")),
                ("reject_selected", _("Reject…")),
                ("cancel_selected", _("Cancel booking…")),
            ]
        if reservation.status == Status.APPROVED:
            now = timezone.now()
            offered = []
            if rules.CHECK_IN.allows(reservation, now):
                offered.append(("check_in_selected", _("Check in")))
            if rules.ENDING_EARLY.allows(reservation, now):
                offered.append(("end_early_selected", _("End now")))
            return [*offered, ("cancel_selected", _("Cancel booking…"))]
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

    @admin.display(description=_("standing"))
    def booker_standing(self, reservation):
        """The booker's no-shows and suspension (rules.PENALTIES), for deciding and for help."""
        booker = reservation.booked_by
        if booker is None:
            return self.get_empty_value_display()
        record = rules.standing(booker, timezone.now())
        days = rules.PENALTIES.period.days
        text = ngettext(
            "%(count)d no-show in the last %(days)d days",
            "%(count)d no-shows in the last %(days)d days",
            record.no_shows,
        ) % {"count": record.no_shows, "days": days}
        if record.suspension is None:
            return text
        until = date_format(timezone.localtime(record.suspension.ends_at), "DATETIME_FORMAT")
        return _("%(no_shows)s; no new bookings until %(until)s") % {
            "no_shows": text,
            "until": until,
        }

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
            except (BookingError, PermissionDenied) as error:
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

    @admin.action(permissions=["decide"], description=_("Check in the selected bookings"))
    def check_in_selected(self, request, queryset):
        """At the front desk: the people came, without the code or the booker's phone."""
        self.act(
            request,
            queryset,
            services.check_in,
            lambda n: ngettext("%(count)d booking checked in", "%(count)d bookings checked in", n),
        )

    @admin.action(permissions=["decide"], description=_("End the selected meetings now"))
    def end_early_selected(self, request, queryset):
        self.act(
            request,
            queryset,
            services.end_early,
            lambda n: ngettext("%(count)d meeting ended", "%(count)d meetings ended", n),
        )

    def act(self, request, queryset, change, done):
        """Apply a service that takes only the actor and the booking to each selected booking."""
        reservations = list(self.in_request_order(queryset))
        succeeded, refused = 0, []
        for reservation in reservations:
            try:
                change(request.user, reservation)
            except (BookingError, PermissionDenied) as error:
                refused.append((reservation, error))
            else:
                succeeded += 1
        self.report(request, done(succeeded) % {"count": succeeded}, refused)

    @admin.action(permissions=["export"], description=_("Export the selected bookings as CSV"))
    def export_selected(self, request, queryset):
        return self.export(request, queryset, _("selected in the list"))

    def export_view(self, request):
        """The current changelist (its filters and search, within the user's scope) as CSV."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseBadRequest(_("These filters cannot be applied."))
        return self.export(request, changelist.queryset, request.GET.urlencode())

    def export(self, request, queryset, criteria):
        """The bookings as CSV, noted in the personal data access log first."""
        ids = list(queryset.order_by("pk").values_list("pk", flat=True))
        PersonalDataAccess.record(request.user, ids, PersonalDataAccess.Channel.EXPORT, criteria)
        return csv_response(queryset)

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
                except (BookingError, PermissionDenied) as error:
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
            "return_to": return_to(request, request.POST),
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
