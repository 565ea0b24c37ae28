"""The registry through the API: regions, districts, sites and rooms, filtered as the
portal's search filters them, paged in a fixed order in a fixed number of queries, and the
whole registry as open data (CSV and JSON) with its last-modified date."""

import csv
import io
import math
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    BoothFactory,
    DistrictFactory,
    FacilityFactory,
    HallFactory,
    RegionFactory,
    RoomFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry():
    busan = RegionFactory(code="26", slug="busan", name_ko="부산", name_en="Busan", order=2)
    seoul_districts = [DistrictFactory() for _ in range(3)]
    busan_district = DistrictFactory(region=busan, code="26110", name_ko="중구", name_en="Jung-gu")
    rooms = []
    for n in range(30):
        district = busan_district if n % 4 == 0 else seoul_districts[n % 3]
        facility = FacilityFactory(
            district=district, latitude=Decimal("35.0") + Decimal(n) / 10,
            longitude=Decimal("127.0") + Decimal(n) / 20,
        )  # fmt: skip
        rooms.append(RoomFactory(facility=facility, capacity=2 + n, has_pc=n % 2 == 0))
        if n % 6 == 0:
            rooms.append(BoothFactory(facility=facility))
    rooms.append(HallFactory(facility__district=seoul_districts[0]))
    return {"rooms": rooms, "busan": busan, "busan_district": busan_district}


def all_pages(client, path, query):
    ids, url = [], path
    params = {**query, "page_size": 7}
    while url:
        body = client.get(url, params).json()
        params = None
        ids += [row.get("id", row.get("code")) for row in body["results"]]
        url = body["next"]
    return ids, body["count"]


def test_rooms_come_in_region_order_page_after_page_each_once(client, registry):
    ids, count = all_pages(client, "/api/v1/rooms", {})
    assert count == len(registry["rooms"]) == len(ids) == len(set(ids))
    body = client.get("/api/v1/rooms", {"page_size": 100}).json()
    assert [row["id"] for row in body["results"]] == ids
    regions = [row["place"]["region"] for row in body["results"]]
    assert regions == sorted(regions, key=lambda slug: slug != "seoul")


def test_rooms_come_nearest_first_from_a_point(client, registry):
    body = client.get("/api/v1/rooms", {"lat": 35.0, "lng": 127.0, "page_size": 100}).json()
    scale = math.cos(math.radians(35.0))
    distances = [
        math.hypot(row["latitude"] - 35.0, (row["longitude"] - 127.0) * scale)
        for row in body["results"]
    ]
    assert distances == sorted(distances) and len(distances) == 36


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"region": "busan"}, lambda room: room.facility.district.region.slug == "busan"),
        ({"region": "busan", "district": "26110"}, lambda room: room.facility.district.code == "26110"),
        ({"kind": "booth"}, lambda room: room.kind == "booth"),
        ({"equipment": ["pc", "camera"]}, lambda room: room.has_pc and room.has_camera),
        ({"attendees": 20}, lambda room: room.capacity >= 20),
        ({"area": "35.0,126.9,36.0,128.0"}, lambda room: 35 <= room.facility.latitude <= 36),
    ],
)  # fmt: skip
def test_rooms_filter_as_the_portals_search(client, registry, query, expected):
    ids, _count = all_pages(client, "/api/v1/rooms", query)
    assert set(ids) == {room.pk for room in registry["rooms"] if expected(room)}
    assert ids


def test_sites_filter_by_their_rooms_and_list_them(client, registry):
    body = client.get("/api/v1/sites", {"kind": "hall"}).json()
    (site,) = body["results"]
    hall = registry["rooms"][-1]
    assert site["code"] == hall.facility.code and site["rooms"] == [hall.pk]
    assert site["requires_approval"] is True
    assert site["opening_hours"][0] == {"weekday": 0, "opens": "09:00", "closes": "18:00"}
    assert client.get(f"/api/v1/sites/{hall.facility.code}").json() == site


def test_regions_and_districts(client, registry):
    regions = client.get("/api/v1/regions").json()["results"]
    assert [r["slug"] for r in regions] == ["seoul", "busan"]
    districts = client.get("/api/v1/districts", {"region": "busan"}).json()["results"]
    assert [d["code"] for d in districts] == ["26110"]
    english = client.get("/api/v1/districts", {"region": "busan"}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["results"][0]["name"] == "Jung-gu"


def test_a_room_says_what_a_partner_needs(client, registry):
    hall = registry["rooms"][-1]
    body = client.get(f"/api/v1/rooms/{hall.pk}").json()
    assert body["kind"] == "hall" and body["capacity"] == 100 and body["floor_area"] == 480.1
    assert "interpretation" in body["equipment"] and body["requires_approval"] is True
    assert body["portal_url"].endswith(f"/rooms/{hall.pk}/")
    assert body["opening_hours"] and body["address"] and body["latitude"]


@pytest.mark.parametrize("path", ["/api/v1/rooms", "/api/v1/sites", "/api/v1/districts",
                                  "/api/v1/regions"])  # fmt: skip
def test_a_page_takes_as_many_queries_whatever_its_size(client, registry, path):
    counts = []
    for size in (2, 30):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path, {"page_size": size}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 5


def test_a_free_room_page_takes_as_many_queries_whatever_it_holds(client, registry):
    client.get("/api/v1/free-rooms", {"mode": "all"})  # the day's schedules, now in the cache
    counts = []
    for kind in ("booth", "standard"):
        with CaptureQueriesContext(connection) as queries:
            body = client.get("/api/v1/free-rooms", {"mode": "all", "kind": kind}).json()
        counts.append((len(queries), len(body["results"])))
    assert counts[0][1] < counts[1][1]
    assert counts[0][0] == counts[1][0]


def test_the_registry_as_open_data_in_json_and_csv(client, registry):
    as_json = client.get("/api/v1/registry.json")
    body = as_json.json()
    assert len(body["rooms"]) == len(registry["rooms"]) == 36
    assert len(body["sites"]) == 31
    assert as_json["Last-Modified"] and as_json["ETag"]
    as_csv = client.get("/api/v1/registry.csv")
    assert as_csv["Content-Type"] == "text/csv; charset=utf-8"
    assert as_csv["Last-Modified"]
    text = as_csv.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len(rows) == 36
    assert {row["room_id"] for row in rows} == {str(room["id"]) for room in body["rooms"]}
    assert rows[0]["opening_hours"].startswith("0:09:00-18:00")
    again = client.get("/api/v1/registry.csv", HTTP_IF_MODIFIED_SINCE=as_csv["Last-Modified"])
    assert again.status_code == 304


def test_a_site_name_that_looks_like_a_formula_is_written_as_text(client):
    RoomFactory(facility__name='=HYPERLINK("http://x")')
    text = client.get("/api/v1/registry.csv").content.decode("utf-8")
    assert "'=HYPERLINK" in text
