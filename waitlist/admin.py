"""Each room's waitlist in the admin, read-only: managers see the lines of their own rooms (and
the offers held in them), in join order, without who is waiting."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.roles import reads_every_facility
from reservations.admin.display import local_span
from rooms.admin.scope import FacilityListFilter, FacilityScopedAdminMixin, RegionListFilter
from waitlist.models import Entry, EntryStatus


class OpenFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", _("Waiting or offered")), ("no", _("Ended"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.open()
        if self.value() == "no":
            return queryset.exclude(status__in=(EntryStatus.WAITING, EntryStatus.OFFERED))
        return queryset


@admin.register(Entry)
class EntryAdmin(FacilityScopedAdminMixin, admin.ModelAdmin):
    """The queue per room: filter by room (or facility) to read it first come, first served.

    A manager's scope (`EntryQuerySet.managed_by`) is their rooms' entries, and the "any room"
    entries while one of their rooms is offered to them.
    """

    scope_lookup = "room__facility"
    list_display = ["place_label", "period", "attendees", "status", "joined_at", "offer_until"]
    list_select_related = ["room__facility", "hold__room__facility", "region", "district"]
    ordering = ["room", "start", "joined_at", "pk"]
    date_hierarchy = "start"
    fields = [
        "place_label",
        "period",
        "attendees",
        "status",
        "joined_at",
        "offer_until",
        "region",
        "district",
        "kind",
        "equipment",
    ]
    readonly_fields = fields

    def get_list_filter(self, request):
        # A manager's room filter lists only their rooms.
        filters = [OpenFilter, FacilityListFilter, RegionListFilter]
        if reads_every_facility(request.user):
            return [*filters, "room"]
        return [*filters, ("room", admin.RelatedOnlyFieldListFilter)]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("room"), ordering="room__name")
    def place_label(self, entry):
        if entry.hold_id:
            return entry.hold.room.title
        return entry.room.title if entry.room_id else _("Any matching room")

    @admin.display(description=_("period"), ordering="start")
    def period(self, entry):
        return local_span(entry.start, entry.end)

    @admin.display(description=_("offer held until"))
    def offer_until(self, entry):
        return entry.hold.offer_expires_at if entry.hold_id else "—"
