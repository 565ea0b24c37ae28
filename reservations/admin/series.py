"""Recurring bookings in the admin: a facility's managers approve or reject a pending series
as a whole (each date can still be decided on its own among the bookings), scoped like every
admin page; the decisions go through reservations.services, one e-mail to the booker each."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from reservations import services
from reservations.admin.bookings import ReasonForm
from reservations.admin.display import local_span, refusal_reason
from reservations.models import Reservation, Series, Status
from reservations.rules import BookingError, CountOf
from rooms.admin.scope import FacilityListFilter, FacilityScopedAdminMixin, RegionListFilter
from web.admin import ReadOnlyInline


class OccurrenceInline(ReadOnlyInline):
    """The series' dates, each a booking with its own page, status and decisions."""

    model = Reservation
    fk_name = "series"
    fields = ["booking", "status", "code"]
    readonly_fields = fields
    ordering = ["start", "pk"]
    verbose_name = _("date")
    verbose_name_plural = _("dates")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("room")

    @admin.display(description=_("time"))
    def booking(self, reservation):
        url = reverse("admin:reservations_reservation_change", args=[reservation.pk])
        return format_html(
            '<a href="{}">{}</a>', url, local_span(reservation.start, reservation.end)
        )


@admin.register(Series)
class SeriesAdmin(FacilityScopedAdminMixin, admin.ModelAdmin):
    scope_lookup = "room__facility"
    change_form_template = "admin/reservations/reservation/change_form.html"
    list_display = [
        "room_name",
        "facility_name",
        "frequency",
        "first",
        "dates",
        "pending",
        "booker",
    ]
    list_display_links = ["room_name", "first"]
    list_filter = ["frequency", FacilityListFilter, RegionListFilter]
    search_fields = ["booked_by__email", "booked_by__name", "room__name", "room__facility__name"]
    search_help_text = _("Booker's name or e-mail, room or facility.")
    inlines = [OccurrenceInline]
    actions = ["approve_series_selected", "reject_series_selected"]
    fields = [
        "room",
        "booker",
        "frequency",
        "first",
        "until",
        "count",
        "last_day",
        "attendees",
        "purpose",
        "company_name",
        "skipped_dates",
        "stopped_at",
        "created_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_decide_permission(self, request):
        return request.user.has_perm("reservations.change_series")

    def get_queryset(self, request):
        dates = Reservation.objects.filter(series=OuterRef("pk")).order_by().values("pk")
        return (
            super()
            .get_queryset(request)
            .select_related("room__facility", "booked_by")
            .annotate(
                date_count=CountOf(dates),
                pending_count=CountOf(dates.filter(status=Status.PENDING)),
            )
        )

    def get_ordering(self, request):
        # Series with dates waiting for a decision first, then the latest.
        pending = Reservation.objects.filter(series=OuterRef("pk"), status=Status.PENDING)
        return [Exists(pending).desc(), "-created_at", "-pk"]

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None and self.has_decide_permission(request) and obj.pending_count:
            context["decisions"] = [
                ("approve_series_selected", _("Approve the whole series")),
                ("reject_series_selected", _("Reject the whole series…")),
            ]
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    @admin.display(description=_("room"), ordering="room__name")
    def room_name(self, series):
        return series.room.name

    @admin.display(description=_("facility"), ordering="room__facility__name")
    def facility_name(self, series):
        return series.room.facility.name

    @admin.display(description=_("first date"), ordering="first_start")
    def first(self, series):
        return local_span(series.first_start, series.first_end)

    @admin.display(description=_("dates booked"))
    def dates(self, series):
        return series.date_count

    @admin.display(description=_("awaiting approval"))
    def pending(self, series):
        return series.pending_count

    @admin.display(description=_("booker"), ordering="booked_by__name")
    def booker(self, series):
        return series.booked_by.name if series.booked_by else self.get_empty_value_display()

    @admin.display(description=_("dates not booked"))
    def skipped_dates(self, series):
        lines = []
        for entry in series.skipped:
            reason = entry.get("reason", {})
            language = "en" if (translation.get_language() or "ko").startswith("en") else "ko"
            lines.append(
                f"{entry.get('start', '')[:16].replace('T', ' ')}: {reason.get(language, '')}"
            )
        return "; ".join(lines) or self.get_empty_value_display()

    def in_request_order(self, queryset):
        return queryset.select_related("room__facility", "booked_by").order_by("created_at", "pk")

    @admin.action(
        permissions=["decide"], description=_("Approve every pending date of the selected series")
    )
    def approve_series_selected(self, request, queryset):
        self.decide(request, list(self.in_request_order(queryset)), services.approve_series, "")

    @admin.action(
        permissions=["decide"], description=_("Reject every pending date of the selected series…")
    )
    def reject_series_selected(self, request, queryset):
        chosen = list(self.in_request_order(queryset))
        form = ReasonForm(request.POST if "_confirm" in request.POST else None)
        if form.is_valid():
            self.decide(request, chosen, services.reject_series, form.cleaned_data["reason"])
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reject recurring bookings"),
            "intro": _(
                "The bookers receive your reason by e-mail, one message per series. Only pending dates are rejected."
            ),
            "button": _("Reject these series"),
            "opts": self.opts,
            "chosen": [
                (series, local_span(series.first_start, series.first_end)) for series in chosen
            ],
            "form": form,
            "action": "reject_series_selected",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(
            request, "admin/reservations/series/reason_confirmation.html", context
        )

    def decide(self, request, chosen, decision, note):
        """Apply a decision on whole series; one message: the dates decided and each refusal."""
        decided, refused = 0, []
        for series in chosen:
            try:
                outcome = decision(request.user, series, note)
            except (BookingError, PermissionDenied) as error:
                refused.append(f"{series}: {refusal_reason(error)}")
                continue
            decided += len(outcome.decided)
            refused += [
                f"{local_span(date.start, date.end)}: {refusal_reason(error)}"
                for date, error in outcome.refused
            ]
        done = ngettext("%(count)d date decided", "%(count)d dates decided", decided) % {
            "count": decided
        }
        if refused:
            self.message_user(request, f"{done}; " + "; ".join(refused), messages.WARNING)
        else:
            self.message_user(request, f"{done}.", messages.SUCCESS)
