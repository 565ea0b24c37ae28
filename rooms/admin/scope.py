"""A facility manager's view of the admin: their own facilities only, on every page and filter.

Every ModelAdmin whose rows belong to a facility mixes in `FacilityScopedAdminMixin` and offers
the list filters below; superusers and ministry officials read every facility.
"""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.roles import reads_every_facility
from regions.models import Region
from rooms.models import Facility, Room

# Above this many facilities a list filter stops helping; search and the region filter do.
FACILITY_FILTER_MAX_CHOICES = 50


def lookup_path(*parts):
    """Join lookup parts, skipping empty ones: lookup_path("", "district") is "district"."""
    return "__".join(part for part in parts if part) or "pk"


def is_id(value):
    """Whether a parameter can be a row's id: ASCII digits, no longer than a bigint's. Longer
    strings of digits would overflow the column, or Python's limit on converting them."""
    return value.isascii() and value.isdigit() and len(value) <= 18


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


class ScopeListFilter(admin.SimpleListFilter):
    """A filter by a row of the user's scope (a facility, a region), chosen by its id.

    `path` is the lookup from the scope's Facility to the filtered row; the filter joins it
    to the model admin's `scope_lookup`.
    """

    path = ""

    def __init__(self, request, params, model, model_admin):
        self.lookup = lookup_path(model_admin.scope_lookup, self.path)
        super().__init__(request, params, model, model_admin)

    def has_output(self):
        # A chosen value always applies, even one that matches nothing in scope.
        return bool(self.lookup_choices) or self.value() is not None

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if not is_id(value):
            raise IncorrectLookupParameters(value)
        return queryset.filter(**{self.lookup: value})


class FacilityListFilter(ScopeListFilter):
    """The user's own facilities (never another manager's), when there are a few to choose from."""

    title = _("facility")
    parameter_name = "facility"

    def lookups(self, request, model_admin):
        facilities = facilities_in_scope(request.user).order_by("name")
        choices = list(facilities.values_list("pk", "name")[: FACILITY_FILTER_MAX_CHOICES + 1])
        if not 2 <= len(choices) <= FACILITY_FILTER_MAX_CHOICES:
            # Too few to choose from, or too many to list: still show a facility chosen
            # through a link (from its facility page), so that it can be cleared.
            value = self.value() or ""
            chosen = facilities.filter(pk=value) if is_id(value) else facilities.none()
            choices = list(chosen.values_list("pk", "name"))
        return [(str(pk), name) for pk, name in choices]


class RegionListFilter(ScopeListFilter):
    """Regions of the facilities in scope; shown when there is more than one."""

    title = _("region")
    parameter_name = "region"
    path = "district__region"

    def lookups(self, request, model_admin):
        in_scope = facilities_in_scope(request.user).filter(district__region=OuterRef("pk"))
        regions = Region.objects.filter(Exists(in_scope)).order_by("order")
        choices = [(str(region.pk), region.name) for region in regions]
        return choices if len(choices) > 1 else []
