"""Admin for the registry of facilities and rooms.

Facility managers work here on their own facilities only: every page, filter, autocomplete
and foreign-key choice goes through `rooms.admin.scope.FacilityScopedAdminMixin`. The registry
itself (codes, names, addresses, kinds, capacities) is the ministry's: only superusers edit it.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Count
from django.urls import path
from django.utils.translation import gettext_lazy as _

from regions.models import District
from rooms.admin import imports
from rooms.admin.scope import FacilityListFilter, FacilityScopedAdminMixin, RegionListFilter
from rooms.models import Equipment, Facility, OpeningHours, Photo, Room
from rooms.photos import checked_photo
from web.admin import AutocompleteFieldsMixin, ReadOnlyInline
from web.forms import NoControlCharactersMixin


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


class PhotoForm(NoControlCharactersMixin, forms.ModelForm):
    class Meta:
        model = Photo
        fields = ["image", "caption", "room", "position"]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image is None or image is False or image == self.instance.image:
            return image
        content, image_format, (width, height) = checked_photo(image)
        self.instance.image_format, self.instance.width, self.instance.height = (
            image_format,
            width,
            height,
        )
        return content


class PhotoInline(admin.StackedInline):
    """Photos of the site and of its rooms, kept by whoever may change the facility."""

    model = Photo
    form = PhotoForm
    extra = 0
    fields = ["image", "caption", "room", "position"]

    def get_formset(self, request, obj=None, **kwargs):
        request.photo_facility = obj  # for the room choices below, in this request only
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "room":
            facility = getattr(request, "photo_facility", None)
            rooms = Room.objects.filter(facility=facility) if facility else Room.objects.none()
            kwargs["queryset"] = rooms.select_related("facility")  # rooms are named by it
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("rooms.view_facility")

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("rooms.change_facility")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("rooms.change_facility")

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("rooms.change_facility")


class RoomInline(ReadOnlyInline):
    """The facility's rooms at a glance; each is edited on its own page."""

    model = Room
    fields = ["name", "kind", "capacity", "is_active"]
    readonly_fields = fields
    show_change_link = True


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
class FacilityAdmin(AutocompleteFieldsMixin, FacilityScopedAdminMixin, admin.ModelAdmin):
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
    inlines = [OpeningHoursInline, RoomInline, PhotoInline]
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
        (
            _("Getting there and getting in"),
            {
                "fields": ["directions", "floor", "door_policy", "reception"],
                "description": _(
                    "Shown on the room pages, at the door and in the reminder e-mail. Never "
                    "write a door code here: the page is public."
                ),
            },
        ),
        (_("Managers"), {"fields": ["managers"]}),
        (_("Record"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(room_count=Count("rooms"))

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(
                lambda request, **kwargs: function(self, request, **kwargs)
            )

        return [
            path("import/", view(imports.upload), name="rooms_facility_import"),
            path(
                "import/<int:import_id>/",
                view(imports.preview),
                name="rooms_facility_import_preview",
            ),
            *super().get_urls(),
        ]

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
class RoomAdmin(AutocompleteFieldsMixin, FacilityScopedAdminMixin, admin.ModelAdmin):
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
        (
            _("For the people who come"),
            {
                "fields": ["location", "equipment_guide"],
                "description": _(
                    "Shown on the room page, at the door and in the reminder e-mail; photos "
                    "are added on the facility's page."
                ),
            },
        ),
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
