"""The dashboard pages: who may read them, filters, sorting, HTMX partials, CSV, queries."""

import csv
import io
from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse

from demand.services import record_just_taken
from regions.sources import REGIONS
from rooms.sample_registry import HALLS, load_registry
from tests.dashboard.conftest import MAY, QUERY_BUDGET
from tests.factories import UserFactory


def pages(scene):
    region, (district, _) = scene["region"], scene["districts"]
    site, room = scene["sites"][0], scene["rooms"][0]
    return [
        reverse("dashboard:nation"),
        reverse("dashboard:nation_sites"),
        reverse("dashboard:region", args=[region.slug]),
        reverse("dashboard:region_sites", args=[region.slug]),
        reverse("dashboard:district", args=[district.code]),
        reverse("dashboard:site", args=[site.code]),
        reverse("dashboard:room", args=[room.pk]),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(scene, client):
    for url in pages(scene):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ["sme_user", "facility_manager"])
def test_other_users_are_refused(scene, client, manager, role):
    user = manager if role == "facility_manager" else UserFactory()
    client.force_login(user)
    for url in pages(scene):
        assert client.get(url).status_code == 403


@pytest.mark.parametrize("role", ["ministry_official", "superuser"])
def test_officials_and_superusers_read_every_page(scene, official, role):
    user = official if role == "ministry_official" else UserFactory(is_superuser=True)
    client = Client()
    client.force_login(user)
    for url in pages(scene):
        response = client.get(url, MAY)
        assert response.status_code == 200, url
        assert "대시보드" in response.content.decode()


def test_the_region_page_shows_the_hand_computed_figures(scene, official_client):
    response = official_client.get(reverse("dashboard:region", args=["seoul"]), MAY)
    page = response.content.decode()

    assert response.context["report"].total.requests == 7
    assert "3.1%" in page  # 7.5 of 239 open hours
    assert "3 hours" in page  # median decision time
    assert "14.3%" in page  # 1 of 7 cancelled


def test_posting_is_not_allowed(scene, official_client):
    assert official_client.post(reverse("dashboard:nation")).status_code == 405


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"period": "custom", "start": "2026-05-01"}, "Choose both dates"),
        ({"period": "custom", "start": "2026-05-31", "end": "2026-05-01"}, "end on or after"),
        ({"period": "custom", "start": "2020-01-01", "end": "2026-01-01"}, "at most three years"),
        ({"period": "custom", "start": "yesterday", "end": "2026-01-01"}, "valid date"),
        ({"period": "forever"}, "Select a valid choice"),
        ({"kind": "castle"}, "Select a valid choice"),
        ({"sort": "salary"}, "Select a valid choice"),
    ],
)
def test_bad_filters_get_a_clear_error_and_400(scene, official_client, query, message):
    response = official_client.get(reverse("dashboard:nation"), query)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_korean_is_the_default_language_of_errors(scene, official):
    client = Client()
    client.force_login(official)
    response = client.get(reverse("dashboard:nation"), {"period": "custom", "start": "2026-05-01"})
    assert response.status_code == 400
    assert "기간의 시작일과 종료일을 모두 선택하세요" in response.content.decode()


def test_an_unknown_region_is_404(scene, official_client):
    assert official_client.get(reverse("dashboard:region", args=["atlantis"])).status_code == 404


def test_htmx_requests_get_only_the_figures(scene, official_client):
    url = reverse("dashboard:region", args=["seoul"])
    response = official_client.get(url, MAY, headers={"HX-Request": "true"})
    page = response.content.decode()

    assert page.lstrip().startswith('<div id="dashboard-body"')
    assert "<html" not in page
    assert response["Vary"].count("HX-Request") == 1


def test_sorting_by_utilisation_puts_the_least_used_first(scene, official_client):
    url = reverse("dashboard:region", args=["seoul"])
    ascending = official_client.get(url, {**MAY, "sort": "utilisation"}).context["parts"]
    descending = official_client.get(url, {**MAY, "sort": "-utilisation"}).context["parts"]

    first, second = scene["districts"]
    assert [p.key for p in ascending] == [second.pk, first.pk]  # 2.4% then 3.5%
    assert [p.key for p in descending] == [first.pk, second.pk]


def test_sites_with_long_approval_delays_sort_first(scene, official_client):
    url = reverse("dashboard:region_sites", args=["seoul"])
    parts = official_client.get(url, {**MAY, "sort": "-median_decision"}).context["parts"]

    assert [p.code for p in parts] == ["SITE-A", "SITE-B"]


def read_csv(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    assert "attachment" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_has_one_row_per_part_with_a_header(scene, official_client):
    url = reverse("dashboard:region", args=["seoul"])
    rows = read_csv(official_client.get(url, {**MAY, "format": "csv"}))

    assert [row["Code"] for row in rows] == [d.code for d in scene["districts"]]
    first = rows[0]
    assert first["Bookings"] == "6"
    assert first["Booked hours"] == "5.5"
    assert first["Open hours"] == "157.0"
    assert first["Utilisation (%)"] == "3.5"
    assert first["Median decision time (hours)"] == "4.0"
    assert first["Companies served"] == "1"


def test_the_korean_csv_opens_in_excel_with_korean_headers(scene, official):
    client = Client()
    client.force_login(official)
    response = client.get(reverse("dashboard:nation"), {**MAY, "format": "csv"})
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("코드,이름,시설")


def test_the_trend_downloads_as_csv(scene, official_client):
    url = reverse("dashboard:region", args=["seoul"])
    rows = read_csv(official_client.get(url, {**MAY, "format": "csv", "table": "trend"}))

    assert len(rows) == 12
    assert list(rows[0]) == [
        "Month", "Bookings", "Approved", "Booked hours", "Open hours", "Utilisation (%)"
    ]  # fmt: skip


def test_drill_down_pages_add_up_to_their_parent(scene, official_client):
    def table(url):
        return read_csv(official_client.get(url, {**MAY, "format": "csv"}))

    additive = ("Sites", "Standard rooms", "Smart-work booths", "Bookings", "Approved",
                "Cancelled", "Booked hours", "Open hours")  # fmt: skip

    def summed(rows):
        return {name: sum(float(row[name]) for row in rows) for name in additive}

    def row(rows, code):
        return {name: float(next(r for r in rows if r["Code"] == code)[name]) for name in additive}

    region = scene["region"]
    nation = table(reverse("dashboard:nation"))
    districts = table(reverse("dashboard:region", args=[region.slug]))
    assert summed(districts) == row(nation, region.code)
    for district in scene["districts"]:
        sites = table(reverse("dashboard:district", args=[district.code]))
        assert summed(sites) == row(districts, district.code)
        for site in sites:
            rooms = table(reverse("dashboard:site", args=[site["Code"]]))
            assert {k: v for k, v in summed(rooms).items() if k != "Sites"} == {
                k: v for k, v in row(sites, site["Code"]).items() if k != "Sites"
            }


@pytest.mark.django_db
def test_region_site_counts_match_the_source_table(official_client):
    load_registry()
    rows = read_csv(official_client.get(reverse("dashboard:nation"), {"format": "csv"}))
    halls = Counter(hall.region_code for hall in HALLS)

    assert [row["Code"] for row in rows] == [source.code for source in REGIONS]
    for row, source in zip(rows, REGIONS, strict=True):
        assert int(row["Standard rooms"]) == source.standard_sites
        assert int(row["Sites"]) == source.standard_sites + halls.get(source.code, 0)
    assert sum(int(row["Sites"]) for row in rows) == 1567


@pytest.mark.django_db
def test_each_page_runs_a_bounded_number_of_queries_at_national_scale(
    official_client, django_assert_max_num_queries
):
    from benchmarks.dataset import DatasetSize, build
    from rooms.models import Facility, Room

    load_registry()
    build(DatasetSize(users=50, months=2, scale=0.2))
    site = Facility.objects.get(code="HALL-1")
    room = Room.objects.filter(facility=site).first()
    district = site.district
    # Demand turned away in a dozen districts, so that the shortage ranking has rows to rank.
    for other in Room.objects.select_related("facility__district")[::100][:12]:
        record_just_taken(other)
    record_just_taken(room)
    urls = [
        reverse("dashboard:nation"),
        reverse("dashboard:nation_sites"),
        reverse("dashboard:region", args=[district.region.slug]),
        reverse("dashboard:region_sites", args=[district.region.slug]),
        reverse("dashboard:district", args=[district.code]),
        reverse("dashboard:site", args=[site.code]),
        reverse("dashboard:room", args=[room.pk]),
    ]
    for url in urls:
        for query in ({"period": "last_12_months"}, {"period": "last_90_days", "format": "csv"}):
            with django_assert_max_num_queries(QUERY_BUDGET):
                assert official_client.get(url, query).status_code == 200


@pytest.mark.parametrize("export", [{}, {"format": "csv"}, {"format": "csv", "table": "trend"}])
def test_a_custom_period_outside_the_accepted_dates_is_a_bad_request_on_every_page(
    scene, official_client, export
):
    query = {"period": "custom", "start": "9999-12-01", "end": "9999-12-31", **export}
    for url in pages(scene):
        response = official_client.get(url, query)
        assert response.status_code == 400, url
        assert "Enter a date between 2000-01-01 and 2100-12-31." in response.content.decode()


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+1", "-1+2", "@SUM(A1)"])
def test_a_site_name_that_starts_like_a_formula_is_written_as_text(scene, official_client, name):
    site = scene["sites"][0]
    site.name = name
    site.save()
    url = reverse("dashboard:district", args=[site.district.code])

    rows = read_csv(official_client.get(url, {**MAY, "format": "csv"}))

    assert [row["Name"] for row in rows if row["Code"] == site.code] == ["'" + name]
