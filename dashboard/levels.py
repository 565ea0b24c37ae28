"""The dashboard's levels, nation → region → district → site → room, and the parts each splits into."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboard.columns import PART_NAME
from dashboard.figures import Breakdown, Figures
from regions.models import Region
from rooms.models import Facility


@dataclass
class Part:
    key: object
    name: str
    url: str | None
    code: str = ""
    figures: object = None


@dataclass
class Level:
    title: str
    slug: str
    scope: dict
    part: str | None
    part_label: str = ""
    crumbs: list = field(default_factory=list)
    sites_url: str | None = None
    paginate: bool = False
    show_map: bool = False
    # Nation and regions rank their districts by demand turned away.
    show_shortage: bool = False
    site: object = None  # the site of a site's page, whose details the page shows
    # Called with the part keys that have figures; returns Parts in their natural order.
    parts: object = None

    def breakdown(self, filters, sort="", descending=False):
        """The level's report, and its parts with their figures in the order asked for."""
        report = Breakdown(self.scope, self.part, filters).report()
        if not self.part:
            return report, []
        parts = self.parts(list(report.parts))
        for part in parts:
            part.figures = report.parts.get(part.key) or Figures()
        return report, _sorted(parts, sort, descending)

    def busy_hours(self, filters):
        """Booked minutes per weekday and hour for the weekday × hour chart."""
        return Breakdown(self.scope, None, filters).busy_hours()


def _sorted(parts, key, descending):
    """Parts by their name or one of their figures; those without the figure come last."""
    if not key:
        return parts
    if key == PART_NAME:
        return sorted(parts, key=lambda part: part.name, reverse=descending)
    present = [p for p in parts if getattr(p.figures, key) is not None]
    missing = [p for p in parts if getattr(p.figures, key) is None]
    present.sort(key=lambda part: getattr(part.figures, key), reverse=descending)
    return present + missing


def _crumbs(*levels):
    return [(gettext_lazy("Nationwide"), reverse("dashboard:nation")), *levels]


def _region_parts(keys):
    return [
        Part(r.pk, r.name, reverse("dashboard:region", args=[r.slug]), r.code)
        for r in Region.objects.order_by("order")
    ]


def _district_parts(region):
    def parts(keys):
        return [
            Part(d.pk, d.name, reverse("dashboard:district", args=[d.code]), d.code)
            for d in region.districts.all()
        ]

    return parts


def _site_parts(keys):
    sites = Facility.objects.filter(pk__in=keys).select_related("district__region")
    return [
        Part(s.pk, s.name, reverse("dashboard:site", args=[s.code]), s.code)
        for s in sites.order_by("district__region__order", "district__name_ko", "name")
    ]


def _room_parts(facility):
    def parts(keys):
        rooms = facility.rooms.filter(pk__in=keys).order_by("kind", "name")
        return [
            Part(r.pk, r.name, reverse("dashboard:room", args=[r.pk]), r.get_kind_display())
            for r in rooms
        ]

    return parts


def nation():
    return Level(
        title=gettext_lazy("Nationwide"),
        slug="nation",
        scope={},
        part="facility__district__region",
        part_label=gettext_lazy("Region"),
        crumbs=[],
        sites_url=reverse("dashboard:nation_sites"),
        show_map=True,
        show_shortage=True,
        parts=_region_parts,
    )


def nation_sites():
    return Level(
        title=gettext_lazy("All sites"),
        slug="sites",
        scope={},
        part="facility",
        part_label=gettext_lazy("Site"),
        crumbs=_crumbs(),
        paginate=True,
        parts=_site_parts,
    )


def region(region):
    return Level(
        title=region.name,
        slug=region.slug,
        scope={"facility__district__region": region},
        part="facility__district",
        part_label=gettext_lazy("District"),
        crumbs=_crumbs(),
        sites_url=reverse("dashboard:region_sites", args=[region.slug]),
        show_shortage=True,
        parts=_district_parts(region),
    )


def region_sites(region):
    return Level(
        title=_("Sites in %(region)s") % {"region": region.name},
        slug=f"{region.slug}-sites",
        scope={"facility__district__region": region},
        part="facility",
        part_label=gettext_lazy("Site"),
        crumbs=_crumbs((region.name, reverse("dashboard:region", args=[region.slug]))),
        paginate=True,
        parts=_site_parts,
    )


def district(district):
    """`district` with its region selected."""
    region = district.region
    return Level(
        title=district.full_name,
        slug=district.code,
        scope={"facility__district": district},
        part="facility",
        part_label=gettext_lazy("Site"),
        crumbs=_crumbs((region.name, reverse("dashboard:region", args=[region.slug]))),
        parts=_site_parts,
    )


def site(site):
    """`site` with its district and region selected."""
    district, region = site.district, site.district.region
    return Level(
        title=site.name,
        slug=site.code,
        scope={"facility": site},
        part="pk",
        part_label=gettext_lazy("Room"),
        site=site,
        crumbs=_crumbs(
            (region.name, reverse("dashboard:region", args=[region.slug])),
            (district.name, reverse("dashboard:district", args=[district.code])),
        ),
        parts=_room_parts(site),
    )


def room(room):
    """`room` with its site, district and region selected."""
    site = room.facility
    district, region = site.district, site.district.region
    return Level(
        title=str(room),
        slug=f"room-{room.pk}",
        scope={"pk": room.pk},
        part=None,
        crumbs=_crumbs(
            (region.name, reverse("dashboard:region", args=[region.slug])),
            (district.name, reverse("dashboard:district", args=[district.code])),
            (site.name, reverse("dashboard:site", args=[site.code])),
        ),
    )
