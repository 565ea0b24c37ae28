"""Regional dashboards for ministry officials: nation → region → district → site → room."""

import csv
import functools
from dataclasses import dataclass, field

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Avg
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from accounts.roles import is_ministry_official
from dashboard import charts
from dashboard.figures import Breakdown, Figures
from dashboard.forms import SORT_COLUMNS, FilterForm
from dashboard.periods import PRESETS
from regions.models import District, Region
from rooms.models import Facility, Room

SITES_PER_PAGE = 50


def dashboard_page(view):
    """A read-only page for ministry officials and superusers, answering HTMX with its figures.

    Others get 403, anonymous visitors the sign-in page.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_ministry_official(request.user):
            raise PermissionDenied(_("The dashboard is for ministry officials."))
        return view(request, *args, **kwargs)

    return require_safe(vary_on_headers("HX-Request")(wrapper))


@dataclass
class Part:
    key: object
    name: str
    url: str | None
    code: str = ""
    figures: object = None
    latitude: object = None
    longitude: object = None


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
    # Called with the part keys that have figures; returns Parts in their natural order.
    parts: object = None


def _crumbs(*levels):
    return [(gettext_lazy("Nationwide"), reverse("dashboard:nation")), *levels]


def _region_parts(keys):
    regions = Region.objects.annotate(
        latitude=Avg("districts__latitude"), longitude=Avg("districts__longitude")
    ).order_by("order")
    return [
        Part(
            r.pk,
            r.name,
            reverse("dashboard:region", args=[r.slug]),
            r.code,
            latitude=r.latitude,
            longitude=r.longitude,
        )  # fmt: skip
        for r in regions
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


@dashboard_page
def nation(request):
    level = Level(
        title=gettext_lazy("Nationwide"),
        slug="nation",
        scope={},
        part="facility__district__region",
        part_label=gettext_lazy("Region"),
        crumbs=[],
        sites_url=reverse("dashboard:nation_sites"),
        show_map=True,
        parts=_region_parts,
    )
    return _page(request, level)


@dashboard_page
def nation_sites(request):
    level = Level(
        title=gettext_lazy("All sites"),
        slug="sites",
        scope={},
        part="facility",
        part_label=gettext_lazy("Site"),
        crumbs=_crumbs(),
        paginate=True,
        parts=_site_parts,
    )
    return _page(request, level)


@dashboard_page
def region(request, slug):
    region = get_object_or_404(Region, slug=slug)
    level = Level(
        title=region.name,
        slug=region.slug,
        scope={"facility__district__region": region},
        part="facility__district",
        part_label=gettext_lazy("District"),
        crumbs=_crumbs(),
        sites_url=reverse("dashboard:region_sites", args=[region.slug]),
        parts=_district_parts(region),
    )
    return _page(request, level)


@dashboard_page
def region_sites(request, slug):
    region = get_object_or_404(Region, slug=slug)
    level = Level(
        title=_("Sites in %(region)s") % {"region": region.name},
        slug=f"{region.slug}-sites",
        scope={"facility__district__region": region},
        part="facility",
        part_label=gettext_lazy("Site"),
        crumbs=_crumbs((region.name, reverse("dashboard:region", args=[region.slug]))),
        paginate=True,
        parts=_site_parts,
    )
    return _page(request, level)


@dashboard_page
def district(request, code):
    district = get_object_or_404(District.objects.select_related("region"), code=code)
    region = district.region
    level = Level(
        title=district.full_name,
        slug=district.code,
        scope={"facility__district": district},
        part="facility",
        part_label=gettext_lazy("Site"),
        crumbs=_crumbs((region.name, reverse("dashboard:region", args=[region.slug]))),
        parts=_site_parts,
    )
    return _page(request, level)


@dashboard_page
def site(request, code):
    site = get_object_or_404(Facility.objects.select_related("district__region"), code=code)
    district, region = site.district, site.district.region
    level = Level(
        title=site.name,
        slug=site.code,
        scope={"facility": site},
        part="pk",
        part_label=gettext_lazy("Room"),
        crumbs=_crumbs(
            (region.name, reverse("dashboard:region", args=[region.slug])),
            (district.name, reverse("dashboard:district", args=[district.code])),
        ),
        parts=_room_parts(site),
    )
    return _page(request, level)


@dashboard_page
def room(request, pk):
    room = get_object_or_404(Room.objects.select_related("facility__district__region"), pk=pk)
    site = room.facility
    district, region = site.district, site.district.region
    level = Level(
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
    return _page(request, level)


def _sorted(parts, column, descending):
    if not column:
        return parts
    if column == "name":
        return sorted(parts, key=lambda part: part.name, reverse=descending)
    present = [p for p in parts if getattr(p.figures, column) is not None]
    missing = [p for p in parts if getattr(p.figures, column) is None]
    present.sort(key=lambda part: getattr(part.figures, column), reverse=descending)
    return present + missing


def _page(request, level):
    form = FilterForm(request.GET, today=timezone.localdate())
    if not form.is_valid():
        context = {"level": level, "form": form, "presets": PRESETS}
        template = "dashboard/page.html#body" if request.htmx else "dashboard/page.html"
        return render(request, template, context, status=400)
    filters = form.filters()
    report = Breakdown(level.scope, level.part, filters).report()
    parts = []
    if level.part:
        parts = level.parts(list(report.parts))
        for part in parts:
            part.figures = report.parts.get(part.key) or Figures()
        parts = _sorted(parts, *form.ordering())
    export = request.GET.get("format") == "csv"
    if export:
        return _csv(level, filters, report, parts, trend=request.GET.get("table") == "trend")
    page = None
    if level.paginate:
        page = Paginator(parts, SITES_PER_PAGE).get_page(request.GET.get("page"))
        parts = page.object_list
    context = {
        "level": level,
        "form": form,
        "filters": filters,
        "report": report,
        "parts": parts,
        "page": page,
        "columns": SORT_COLUMNS,
        "sort": form.cleaned_data.get("sort") or "",
        "query": _query(request, drop=("sort", "page", "format", "table")),
        "trend_chart": charts.trend(report.trend),
        "bar_chart": charts.bars([(p.name, p.figures) for p in parts], lambda f: f.utilisation)
        if parts
        else None,
        "map": charts.bubbles(
            [
                (p.name, p.latitude, p.longitude, p.figures.sites, p.figures.utilisation)
                for p in parts
            ]
        )
        if level.show_map
        else None,
    }
    template = "dashboard/page.html#body" if request.htmx else "dashboard/page.html"
    return render(request, template, context)


def _query(request, drop):
    query = request.GET.copy()
    for name in drop:
        query.pop(name, None)
    return query.urlencode()


CSV_COLUMNS = (
    ("code", gettext_lazy("Code")),
    ("name", gettext_lazy("Name")),
    ("sites", gettext_lazy("Sites")),
    ("standard", gettext_lazy("Standard rooms")),
    ("booths", gettext_lazy("Smart-work booths")),
    ("halls", gettext_lazy("Extended halls")),
    ("requests", gettext_lazy("Bookings")),
    ("approved", gettext_lazy("Approved")),
    ("pending", gettext_lazy("Pending")),
    ("rejected", gettext_lazy("Rejected")),
    ("cancelled", gettext_lazy("Cancelled")),
    ("expired", gettext_lazy("Expired")),
    ("booked_hours", gettext_lazy("Booked hours")),
    ("open_hours", gettext_lazy("Open hours")),
    ("utilisation", gettext_lazy("Utilisation (%)")),
    ("median_decision", gettext_lazy("Median decision time (hours)")),
    ("cancellation_rate", gettext_lazy("Cancellation rate (%)")),
    ("companies", gettext_lazy("Companies served")),
)


def _cell(figures, name):
    value = getattr(figures, name)
    if value is None:
        return ""
    if name in ("utilisation", "cancellation_rate"):
        return f"{value * 100:.1f}"
    if name == "median_decision":
        return f"{value.total_seconds() / 3600:.1f}"
    if name in ("booked_hours", "open_hours"):
        return f"{value:.1f}"
    return value


def _csv(level, filters, report, parts, *, trend):
    period = filters.period
    name = f"boms-{level.slug}-{'trend' if trend else 'table'}-{period.first:%Y%m%d}-{period.last:%Y%m%d}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    if trend:
        writer.writerow([_("Month"), _("Bookings"), _("Approved"), _("Booked hours"),
                         _("Open hours"), _("Utilisation (%)")])  # fmt: skip
        for month in report.trend:
            utilisation = "" if month.utilisation is None else f"{month.utilisation * 100:.1f}"
            writer.writerow([f"{month.month:%Y-%m}", month.requests, month.approved,
                             f"{month.booked_minutes / 60:.1f}", f"{month.open_minutes / 60:.1f}",
                             utilisation])  # fmt: skip
        return response
    writer.writerow([str(label) for _name, label in CSV_COLUMNS])
    rows = (
        [(p.code, p.name, p.figures) for p in parts]
        if level.part
        else [(level.slug, str(level.title), report.total)]
    )
    for code, title, figures in rows:
        writer.writerow([code, title, *(_cell(figures, n) for n, _l in CSV_COLUMNS[2:])])
    return response
