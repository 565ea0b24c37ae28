"""Regional dashboards for ministry officials: nation → region → district → site → room."""

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from accounts.roles import is_ministry_official
from dashboard import charts, export, levels
from dashboard.columns import EVENT_PART_COLUMNS, MONTH_COLUMNS, PART_COLUMNS, sort_headers
from dashboard.figures import shortage
from dashboard.forms import FilterForm
from dashboard.templatetags.dashboard import grouped, percent
from regions.models import District, Region
from rooms.models import Facility, Room
from web import caching
from web.replica import wrote_recently

SITES_PER_PAGE = 50
FIGURES_SECONDS = 60
# Parameters a page's links do not pass on to the next page.
_NOT_PASSED_ON = ("sort", "page", "format", "table")


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


@dashboard_page
def nation(request):
    return _page(request, levels.nation())


@dashboard_page
def nation_sites(request):
    return _page(request, levels.nation_sites())


@dashboard_page
def region(request, slug):
    return _page(request, levels.region(get_object_or_404(Region, slug=slug)))


@dashboard_page
def region_sites(request, slug):
    return _page(request, levels.region_sites(get_object_or_404(Region, slug=slug)))


@dashboard_page
def district(request, code):
    district = get_object_or_404(District.objects.select_related("region"), code=code)
    return _page(request, levels.district(district))


@dashboard_page
def site(request, code):
    site = get_object_or_404(Facility.objects.select_related("district__region"), code=code)
    return _page(request, levels.site(site))


@dashboard_page
def room(request, pk):
    room = get_object_or_404(Room.objects.select_related("facility__district__region"), pk=pk)
    return _page(request, levels.room(room))


def _page(request, level):
    today = timezone.localdate()
    form = FilterForm(request.GET, today=today)
    if not form.is_valid():
        template = "dashboard/page.html#body" if request.htmx else "dashboard/page.html"
        return render(request, template, {"level": level, "form": form}, status=400)
    filters = form.filters()
    if request.GET.get("format") == "csv":
        report, parts = level.breakdown(filters, *form.ordering())
        if request.GET.get("table") == "trend":
            return export.trend_csv(level, filters, report)
        return export.parts_csv(level, filters, report, parts)
    body = _figures(request, level, form, filters, today)
    if request.htmx:
        return HttpResponse(body)
    context = {
        "level": level,
        "form": form,
        "query": _query(request, drop=_NOT_PASSED_ON),
        "body": body,
    }
    return render(request, "dashboard/page.html", context)


def _figures(request, level, form, filters, today):
    """The figures of a page (its `body` partial), the same for every official for a minute.

    Each page computes a year of roll-ups, unmet demand and the weekday × hour chart: shared
    for FIGURES_SECONDS under the page, its query, the language and whether the admin's list
    of bookings may be linked; the page says when its figures were read. A browser that has
    just written reads them afresh (`web.replica.wrote_recently`), as it reads the primary.
    """
    may_see_bookings = level.site is not None and _may_see_bookings(request.user)
    key = caching.key(
        "dashboard:figures",
        request.path,
        sorted(request.GET.lists()),
        filters,
        get_language(),
        may_see_bookings,
    )
    body = None if wrote_recently(request) else cache.get(key)
    if body is None:
        context = _figures_context(request, level, form, filters, today, may_see_bookings)
        body = render_to_string("dashboard/page.html#body", context, request)
        cache.set(key, body, FIGURES_SECONDS)
    return mark_safe(body)  # noqa: S308 - rendered by the template above, escaped there


def _figures_context(request, level, form, filters, today, may_see_bookings):
    report, parts = level.breakdown(filters, *form.ordering())
    query = _query(request, drop=_NOT_PASSED_ON)
    page = None
    if level.paginate:
        page = Paginator(parts, SITES_PER_PAGE).get_page(request.GET.get("page"))
        parts = page.object_list
    return {
        "level": level,
        "form": form,
        "filters": filters,
        "figures_at": timezone.now(),
        "report": report,
        "parts": parts,
        "page": page,
        "headers": sort_headers(level.part_label),
        "columns": PART_COLUMNS.on_page,
        "month_columns": MONTH_COLUMNS.on_page,
        "sort": form.cleaned_data.get("sort") or "",
        "query": query,
        "event_columns": EVENT_PART_COLUMNS,
        "days_so_far": filters.period.days_so_far(today),
        "days_ahead": filters.period.days_ahead(today),
        "trend_chart": charts.trend(report.trend, grouped),
        "utilisation_chart": charts.utilisation(report.trend, lambda share: percent(share, 0)),
        "heatmap": charts.heatmap(level.busy_hours(filters)),
        "bar_chart": charts.bars([(p.name, p.figures) for p in parts], lambda f: f.utilisation)
        if parts
        else None,
        "map": charts.provinces(
            [(p.code, p.name, f"{p.url}?{query}", p.figures.utilisation) for p in parts]
        )
        if level.show_map
        else None,
        "shortage": shortage(level.scope, filters, today=today) if level.show_shortage else None,
        "site": level.site and _site_details(level.site, may_see_bookings),
    }


def _may_see_bookings(user):
    return user.is_staff and user.has_perm("reservations.view_reservation")


def _site_details(site, may_see_bookings):
    """The site's own facts for its page, and the admin's list of its bookings if allowed."""
    bookings_url = None
    if may_see_bookings:
        bookings_url = reverse("admin:reservations_reservation_changelist") + f"?facility={site.pk}"
    return {
        "facility": site,
        "managers": list(site.managers.order_by("name", "email")),
        "opening_hours": list(site.opening_hours.order_by("weekday")),
        "bookings_url": bookings_url,
    }


def _query(request, drop):
    query = request.GET.copy()
    for name in drop:
        query.pop(name, None)
    return query.urlencode()
