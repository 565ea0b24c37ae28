"""Admin for the registry of facilities and rooms.

Facility managers work here on their own facilities only: every page, filter, autocomplete and
foreign-key choice goes through `FacilityScopedAdminMixin`. The registry itself (codes, names,
addresses, kinds, capacities) is the ministry's: only superusers edit it.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Count, Exists, OuterRef
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.roles import reads_every_facility
from regions.models import District, Region
from rooms.models import Equipment, Facility, OpeningHours, Room

# Above this many facilities a list filter stops helping; search and the region filter do.
FACILITY_FILTER_MAX_CHOICES = 50


def lookup_path(*parts):
    """Join lookup parts, skipping empty ones: lookup_path("", "district") is "district"."""
    return "__".join(part for part in parts if part) or "pk"


def facilities_in_scope(user):
    """The facilities whose rows this user may see in the admin."""
    facilities = Facility.objects.all()
    return facilities if reads_every_facility(user) else facilities.managed_by(user)


def rooms_in_scope(user):
    rooms = Room.objects.all()
    return rooms if reads_every_facility(user) else rooms.managed_by(user)


class FacilityScopedAdminMixin:
    """Row-level scope for facility managers, for every page of a ModelAdmin.

    The changelist, change pages, search, actions and the autocomplete endpoint all start from
    `get_queryset()`, so scoping it covers them; another facility's object is then a 404.
    Foreign keys to Facility and Room offer only facilities and rooms in scope.
    `scope_lookup` is the path from the model to its Facility ("" for Facility itself), for
    the list filters.
    """

    scope_lookup = "facility"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if reads_every_facility(request.user):
            return queryset
        return queryset.managed_by(request.user)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Django would redirect to the index with "perhaps it was deleted": for a row
            # outside the user's facilities that would confirm that the id exists.
            raise Http404(
                _("%(name)s with ID “%(key)s” doesn’t exist.")
                % {"name": self.opts.verbose_name, "key": object_id}
            )
        return obj

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Facility:
            kwargs.setdefault("queryset", facilities_in_scope(request.user))
        elif db_field.related_model is Room:
            kwargs.setdefault("queryset", rooms_in_scope(request.user).select_related("facility"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class FacilityListFilter(admin.SimpleListFilter):
    """The user's own facilities (never another manager's), when there are a few to choose from."""

    title = _("facility")
    parameter_name = "facility"

    def __init__(self, request, params, model, model_admin):
        self.lookup = lookup_path(model_admin.scope_lookup)
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        facilities = facilities_in_scope(request.user).order_by("name")
        choices = list(facilities.values_list("pk", "name")[: FACILITY_FILTER_MAX_CHOICES + 1])
        if not 2 <= len(choices) <= FACILITY_FILTER_MAX_CHOICES:
            # Too few to choose from, or too many to list: still show a facility chosen
            # through a link (from its facility page), so that it can be cleared.
            value = self.value() or ""
            chosen = facilities.filter(pk=value) if value.isdigit() else facilities.none()
            choices = list(chosen.values_list("pk", "name"))
        return [(str(pk), name) for pk, name in choices]

    def has_output(self):
        # A chosen value always applies, even one that matches nothing in scope.
        return bool(self.lookup_choices) or self.value() is not None

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if not value.isdigit():
            raise IncorrectLookupParameters(value)
        return queryset.filter(**{self.lookup: value})


class RegionListFilter(admin.SimpleListFilter):
    """Regions of the facilities in scope; shown when there is more than one."""

    title = _("region")
    parameter_name = "region"

    def __init__(self, request, params, model, model_admin):
        self.lookup = lookup_path(model_admin.scope_lookup, "district__region")
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        in_scope = facilities_in_scope(request.user).filter(district__region=OuterRef("pk"))
        regions = Region.objects.filter(Exists(in_scope)).order_by("order")
        choices = [(str(region.pk), region.name) for region in regions]
        return choices if len(choices) > 1 else []

    def has_output(self):
        return bool(self.lookup_choices) or self.value() is not None

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if not value.isdigit():
            raise IncorrectLookupParameters(value)
        return queryset.filter(**{self.lookup: value})


class EquipmentListFilter(admin.SimpleListFilter):
    title = _("equipment")
    parameter_name = "equipment"

    def lookups(self, request, model_admin):
        return Equipment.choices

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if value not in Equipment.values:
            raise IncorrectLookupParameters(value)
        return queryset.with_equipment([value])


class DistrictChoiceField(forms.ModelChoiceField):
    """Many districts share a name (중구 is in six cities): show the region with it."""

    def label_from_instance(self, district):
        return district.full_name


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    fields = ["weekday", "opens", "closes"]
    extra = 0
    max_num = len(OpeningHours.Weekday)
    ordering = ["weekday"]


class RoomInline(admin.TabularInline):
    """The facility's rooms at a glance; each is edited on its own page."""

    model = Room
    fields = ["name", "kind", "capacity", "is_active"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


FACILITY_REGISTRY_FIELDS = [
    "code",
    "name",
    "host_organization",
    "host_type",
    "district",
    "address",
    "latitude",
    "longitude",
    "is_sample",
    "managers",
]


@admin.register(Facility)
class FacilityAdmin(FacilityScopedAdminMixin, admin.ModelAdmin):
    scope_lookup = ""
    list_display = [
        "code",
        "name",
        "location",
        "host_type",
        "room_count",
        "requires_approval",
        "is_sample",
    ]
    list_display_links = ["code", "name"]
    list_select_related = ["district__region"]
    list_filter = [RegionListFilter, "host_type", "requires_approval", "is_sample"]
    search_fields = [
        "code",
        "name",
        "host_organization",
        "address",
        "district__name_ko",
        "district__name_en",
        "district__region__name_ko",
        "district__region__name_en",
    ]
    search_help_text = _("Code, name, host organization, address, district or region.")
    autocomplete_fields = ["managers"]
    ordering = ["code"]
    inlines = [OpeningHoursInline, RoomInline]
    fieldsets = [
        (
            _("Registry"),
            {
                "fields": [
                    "code",
                    "name",
                    ("host_organization", "host_type"),
                    "district",
                    "address",
                    ("latitude", "longitude"),
                    "is_sample",
                ],
                "description": _(
                    "Registry details are kept by the ministry; ask the BOMS administrators "
                    "to correct them."
                ),
            },
        ),
        (_("Bookings"), {"fields": ["requires_approval", "phone", "description"]}),
        (_("Managers"), {"fields": ["managers"]}),
        (_("Record"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(room_count=Count("rooms"))

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ["created_at", "updated_at"]
        return [*FACILITY_REGISTRY_FIELDS, "created_at", "updated_at"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "district":
            kwargs["queryset"] = District.objects.select_related("region")
            kwargs["form_class"] = DistrictChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("district"), ordering="district__name_ko")
    def location(self, facility):
        return facility.district.full_name

    @admin.display(description=_("number of rooms"), ordering="room_count")
    def room_count(self, facility):
        return facility.room_count


ROOM_REGISTRY_FIELDS = ["facility", "kind", "name", "capacity", "floor_area"]


@admin.register(Room)
class RoomAdmin(FacilityScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "facility",
        "location",
        "kind",
        "capacity",
        "equipment_summary",
        "is_active",
    ]
    list_filter = [
        "kind",
        "is_active",
        EquipmentListFilter,
        FacilityListFilter,
        RegionListFilter,
    ]
    search_fields = [
        "name",
        "facility__name",
        "facility__code",
        "facility__host_organization",
        "facility__district__name_ko",
        "facility__district__name_en",
    ]
    search_help_text = _("Room or facility name, facility code, host organization or district.")
    autocomplete_fields = ["facility"]
    fieldsets = [
        (None, {"fields": ["facility", "kind", "name", ("capacity", "floor_area")]}),
        (_("Equipment"), {"fields": [Equipment(item).field_name for item in Equipment]}),
        (_("Bookings"), {"fields": ["is_active", "description"]}),
    ]

    def get_queryset(self, request):
        # str(room) names the facility (the autocomplete endpoint lists rooms by it) and the
        # changelist shows the district: a queryset with select_related() set keeps
        # list_select_related from applying, so it is all here.
        return super().get_queryset(request).select_related("facility__district__region")

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return []
        return ROOM_REGISTRY_FIELDS

    @admin.display(description=_("district"), ordering="facility__district__name_ko")
    def location(self, room):
        return room.facility.district.full_name

    @admin.display(description=_("equipment"))
    def equipment_summary(self, room):
        return ", ".join(str(item.label) for item in room.equipment)
