"""The 17 provinces (시도) and their districts (시군구)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# Mainland Korea, Jeju and the eastern islands fit inside these bounds.
LATITUDE_RANGE = (33.0, 38.7)
LONGITUDE_RANGE = (124.5, 131.9)


def coordinates_in_korea(prefix=""):
    """A Q() that holds when the latitude/longitude fields lie inside Korea."""
    lat, lon = f"{prefix}latitude", f"{prefix}longitude"
    return Q(
        **{
            f"{lat}__gte": LATITUDE_RANGE[0],
            f"{lat}__lte": LATITUDE_RANGE[1],
            f"{lon}__gte": LONGITUDE_RANGE[0],
            f"{lon}__lte": LONGITUDE_RANGE[1],
        }
    )


class LocalizedNameMixin:
    """`name` in the active language: Korean by default, English when chosen."""

    @property
    def name(self):
        if (get_language() or "ko").startswith("en"):
            return self.name_en
        return self.name_ko

    def __str__(self):
        return self.name


class RegionQuerySet(models.QuerySet):
    def with_registry_counts(self):
        """Annotate each region with its number of sites and of bookable rooms by kind."""
        rooms = "districts__facilities__rooms"
        return self.annotate(
            site_count=models.Count("districts__facilities", distinct=True),
            room_count=models.Count(rooms, distinct=True),
            standard_count=models.Count(rooms, filter=Q(**{f"{rooms}__kind": "standard"})),
            booth_count=models.Count(rooms, filter=Q(**{f"{rooms}__kind": "booth"})),
            hall_count=models.Count(rooms, filter=Q(**{f"{rooms}__kind": "hall"})),
        )


class Region(LocalizedNameMixin, models.Model):
    code = models.CharField(
        _("code"),
        max_length=2,
        unique=True,
        help_text=_("Two-digit legal-dong prefix, e.g. 11 for Seoul."),
    )
    slug = models.SlugField(_("slug"), unique=True)
    name_ko = models.CharField(_("Korean name"), max_length=20, unique=True)
    name_en = models.CharField(_("English name"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("display order"), unique=True)
    source_site_count = models.PositiveIntegerField(
        _("standard sites in the source"),
        help_text=_("Number of standard sites the 2021 ministry announcement lists."),
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["order"]


class District(LocalizedNameMixin, models.Model):
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="districts", verbose_name=_("region")
    )
    code = models.CharField(
        _("code"), max_length=5, unique=True, help_text=_("Five-digit 시군구 code.")
    )
    name_ko = models.CharField(_("Korean name"), max_length=20)
    name_en = models.CharField(_("English name"), max_length=40)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["region__order", "name_ko"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name_ko"], name="district_name_unique_in_region"
            ),
            models.CheckConstraint(
                condition=coordinates_in_korea(), name="district_coordinates_in_korea"
            ),
        ]

    @property
    def full_name(self):
        return f"{self.region.name} {self.name}"
