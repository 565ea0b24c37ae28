"""Admin for the 17 provinces and their districts: reference data, read by everyone on staff."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from regions.models import District, Region
from web.admin import AutocompleteFieldsMixin


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = [
        "order",
        "code",
        "name_ko",
        "name_en",
        "source_site_count",
        "site_count",
        "room_count",
    ]
    list_display_links = ["code", "name_ko"]
    search_fields = ["code", "name_ko", "name_en", "slug"]
    ordering = ["order"]
    prepopulated_fields = {"slug": ["name_en"]}

    def get_queryset(self, request):
        return super().get_queryset(request).with_registry_counts()

    @admin.display(description=_("sites in the portal"), ordering="site_count")
    def site_count(self, region):
        return region.site_count

    @admin.display(description=_("bookable rooms"), ordering="room_count")
    def room_count(self, region):
        return region.room_count


@admin.register(District)
class DistrictAdmin(AutocompleteFieldsMixin, admin.ModelAdmin):
    list_display = ["code", "name_ko", "name_en", "region", "facility_count"]
    list_display_links = ["code", "name_ko"]
    list_filter = ["region"]
    list_select_related = ["region"]
    search_fields = ["code", "name_ko", "name_en", "region__name_ko", "region__name_en"]
    search_help_text = _("District or region name, in Korean or English, or the district code.")
    autocomplete_fields = ["region"]
    ordering = ["region__order", "name_ko"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(facility_count=Count("facilities"))

    @admin.display(description=_("sites"), ordering="facility_count")
    def facility_count(self, district):
        return district.facility_count
