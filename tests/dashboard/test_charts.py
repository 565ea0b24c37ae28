"""The server-drawn charts: the map of the 17 provinces, its colour scale and labels, the axes."""

import io
import re
from itertools import combinations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from dashboard.charts import (
    _overlaps,
    _provinces,
    heatmap,
    label_box,
    nice_ticks,
    quantile_bands,
    trend,
    utilisation,
)
from dashboard.figures import Month
from dashboard.periods import trend_months
from regions.sources import REGIONS
from rooms.sample_registry import load_registry


def test_the_map_data_has_the_seventeen_regions_and_stays_small():
    geo = _provinces()
    assert set(geo["regions"]) == {region.code for region in REGIONS}
    assert all(shape["path"].startswith("M") for shape in geo["regions"].values())
    assert {code for code, shape in geo["regions"].items() if "inset_path" in shape} == {
        "11",
        "28",
        "41",
    }
    from dashboard.charts import PROVINCES

    assert PROVINCES.stat().st_size < 80_000


def test_quantile_bands_split_the_values_into_groups_of_about_equal_size():
    values = [0.01, 0.02, 0.03, 0.05, 0.08, 0.09, 0.1, 0.2, 0.3, 0.4]
    bands = quantile_bands(values)
    assert [count for *_, count in bands] == [2, 2, 2, 2, 2]
    assert [(low, high) for _fill, low, high, _n in bands][0] == (0.01, 0.02)
    assert bands[-1][2] == 0.4
    assert len({fill for fill, *_ in bands}) == 5


def test_equal_values_stay_in_one_band_and_empty_values_in_none():
    assert quantile_bands([0.1, 0.1, 0.1, None]) == [("#6baed6", 0.1, 0.1, 3)]
    assert quantile_bands([None]) == []
    two = quantile_bands([0.1, 0.1, 0.1, 0.5])
    assert [(low, high, n) for _f, low, high, n in two] == [(0.1, 0.1, 3), (0.5, 0.5, 1)]


def test_ticks_are_round_and_cover_the_largest_value():
    assert nice_ticks(17) == [0, 5, 10, 15, 20]
    assert nice_ticks(0.083) == [0, 0.025, 0.05, 0.075, 0.1]
    assert nice_ticks(0) == [0, 1]
    assert nice_ticks(10, whole=True) == [0, 5, 10]  # counts: no 2.5 bookings
    assert nice_ticks(3, whole=True) == [0, 1, 2, 3]


def test_the_trend_names_the_year_under_its_first_month_and_every_january(settings):
    import datetime

    months = [Month(m, requests=i) for i, m in enumerate(trend_months(datetime.date(2026, 6, 15)))]
    chart = trend(months)
    years = [c["month"].month for c in chart["columns"] if c["year"]]
    assert years == [datetime.date(2025, 7, 1), datetime.date(2026, 1, 1)]
    assert [t["label"] for t in chart["ticks"]] == ["0", "5", "10", "15"]


def test_utilisation_has_its_own_axis_fitted_to_its_values():
    import datetime

    months = [Month(datetime.date(2026, m, 1), booked_minutes=m, open_minutes=100) for m in (1, 2)]
    chart = utilisation(months, lambda share: f"{share * 100:.1f}%")
    assert [t["label"] for t in chart["ticks"]][-1] == "2.0%"
    top = chart["points"][1]["y"]
    assert top == chart["ticks"][-1]["y"]  # the largest value reaches the top of its axis


def test_the_heatmap_spreads_meetings_over_their_hours():
    busy = [[0] * 24 for _ in range(7)]
    busy[0][9] = 60
    busy[0][10] = 30
    chart = heatmap(busy)
    monday = chart["rows"][0]["cells"]
    by_hour = {cell["hour"]: cell for cell in monday}
    assert by_hour[9]["hours"] == 1 and by_hour[10]["hours"] == 0.5
    assert by_hour[9]["fill"] != by_hour[10]["fill"] != by_hour[11]["fill"]
    assert chart["hours"][0]["hour"] == 8 and chart["hours"][-1]["hour"] == 18


@pytest.fixture
def demo_map(official):
    load_registry()
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo_activity", stdout=io.StringIO())

    def page(language):
        client = Client(headers={"Accept-Language": language})
        client.force_login(official)
        response = client.get(reverse("dashboard:nation"))
        assert response.status_code == 200
        return response

    return page


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_map_draws_and_links_the_seventeen_regions_in_more_than_one_band(demo_map, language):
    response = demo_map(language)
    chart = response.context["map"]
    page = response.content.decode()
    assert len(chart["regions"]) == 17
    region_links = re.findall(r'<a href="(/dashboard/r/[a-z]+/)[^"]*" class="map__link"', page)
    assert sorted(region_links) == sorted(f"/dashboard/r/{r.slug}/" for r in REGIONS)
    assert page.count('class="map__region" data-region=') == 17
    assert len(chart["legend"]) > 1
    assert sum(count for *_, count in chart["legend"]) == 17
    # Every region's colour is its band's.
    fills = {fill for fill, *_ in chart["legend"]}
    assert {region["fill"] for region in chart["regions"]} <= fills


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ko", "en"])
def test_no_two_labels_overlap_and_seoul_incheon_gyeonggi_are_apart(demo_map, language):
    chart = demo_map(language).context["map"]
    on_map = {label["code"]: label_box(label) for label in chart["labels"]}
    on_inset = {label["code"]: label_box(label) for label in chart["inset_labels"]}
    assert set(on_map) | set(on_inset) == {region.code for region in REGIONS}
    # Seoul, Incheon and Gyeonggi are labelled in the enlarged inset, inside its frame.
    assert set(on_inset) == {"11", "28", "41"}
    inset = chart["inset"]
    for left, top, right, bottom in on_inset.values():
        assert left >= 0 and right <= inset["width"] and top >= 0 and bottom <= inset["height"]
    for left, top, right, bottom in on_map.values():
        assert left >= 0 and right <= chart["width"] and top >= 0 and bottom <= chart["height"]
    for boxes in (on_map, on_inset):
        for (code, box), (other_code, other) in combinations(boxes.items(), 2):
            assert not _overlaps(box, other), f"{code} covers {other_code}"
