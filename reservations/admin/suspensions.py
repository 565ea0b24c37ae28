"""Suspensions of bookers after repeated no-shows: who, until when, and lifting one with a reason.

Suspensions are made by the no-show release (reservations.services) and are a record: nobody
adds, edits or deletes them here. A superuser lifts one through the action, which asks for the
reason and keeps it, with who lifted it and when, on the suspension.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from reservations import services
from reservations.admin.bookings import ReasonForm
from reservations.models import Suspension
from reservations.rules import BookingError


class InForceListFilter(admin.SimpleListFilter):
    title = _("in force")
    parameter_name = "in_force"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        in_force = Suspension.objects.in_force(timezone.now()).values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=in_force)
        if self.value() == "no":
            return queryset.exclude(pk__in=in_force)
        return queryset


@admin.register(Suspension)
class SuspensionAdmin(admin.ModelAdmin):
    list_display = ["user", "starts_at", "ends_at", "no_shows", "lifted_at", "lifted_by"]
    list_filter = [InForceListFilter]
    search_fields = ["user__email", "user__name"]
    search_help_text = _("Booker's name or e-mail.")
    actions = ["lift_selected"]
    fields = [
        "user",
        "starts_at",
        "ends_at",
        "no_shows",
        "lifted_at",
        "lifted_by",
        "lift_reason",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "lifted_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_lift_permission(self, request):
        return request.user.is_superuser

    @admin.action(permissions=["lift"], description=_("Lift the selected suspensions…"))
    def lift_selected(self, request, queryset):
        suspensions = list(queryset.filter(lifted_at__isnull=True).order_by("pk"))
        if not suspensions:
            self.message_user(
                request, _("None of the selected suspensions is in force."), messages.WARNING
            )
            return None
        form = ReasonForm(request.POST if "_confirm" in request.POST else None)
        form.fields["reason"].help_text = _(
            "Kept with the suspension, with your name and the time. The booker's no-shows "
            "before now no longer count."
        )
        if form.is_valid():
            lifted = 0
            for suspension in suspensions:
                try:
                    services.lift_suspension(request.user, suspension, form.cleaned_data["reason"])
                except BookingError as error:
                    self.message_user(request, " ".join(error.messages), messages.WARNING)
                else:
                    lifted += 1
            done = ngettext(
                "%(count)d suspension lifted.", "%(count)d suspensions lifted.", lifted
            ) % {"count": lifted}
            self.message_user(request, done, messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Lift suspensions"),
            "opts": self.opts,
            "suspensions": suspensions,
            "form": form,
            "action": "lift_selected",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(
            request, "admin/reservations/suspension/lift_confirmation.html", context
        )
