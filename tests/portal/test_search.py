import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reservations.availability import day_stamps
from reservations.models import Reservation, Status
from rooms.models import Facility, OpeningHours, Room, RoomKind
from tests.factories import (
    BoothFactory,
    ClosureFactory,
    DistrictFactory,
    RegionFactory,
    ReservationFactory,
    RoomFactory,
    UserFactory,
    next_weekday_at,
)

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def busan():
    region = RegionFactory(code="26", slug="busan", name_ko="부산", name_en="Busan", order=2)
    return DistrictFactory(region=region, code="26350", name_ko="해운대구", name_en="Haeundae-gu",
                           latitude=Decimal("35.1631"), longitude=Decimal("129.1636"))  # fmt: skip


def titles(response):
    return [row.room_id for row in response.context["results"]]


def test_the_home_page_is_the_search_with_every_room(client):
    rooms = RoomFactory.create_batch(3)
    response = client.get("/")
    assert response.status_code == 200
    assert sorted(titles(response)) == sorted(r.pk for r in rooms)
    assert b'id="results"' in response.content and b"<form" in response.content


def test_an_htmx_request_gets_only_the_results(client):
    RoomFactory()
    response = client.get("/?kind=standard", headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="results"')
    assert "<form" not in body


def test_filters_by_region_district_attendees_kind_and_equipment(client, busan):
    seoul_room = RoomFactory()
    busan_room = RoomFactory(facility__district=busan)
    booth = BoothFactory(facility=busan_room.facility, has_pc=False)
    assert titles(client.get("/?region=busan")) == [busan_room.pk, booth.pk] or set(
        titles(client.get("/?region=busan"))
    ) == {busan_room.pk, booth.pk}
    assert set(titles(client.get("/?region=busan&district=26350"))) == {busan_room.pk, booth.pk}
    assert titles(client.get("/?attendees=5")) == [seoul_room.pk] or busan_room.pk in titles(
        client.get("/?attendees=5")
    )
    assert booth.pk not in titles(client.get("/?attendees=5"))
    assert titles(client.get("/?kind=booth")) == [booth.pk]
    assert booth.pk not in titles(client.get("/?equipment=pc"))


def test_the_district_list_follows_the_region(client, busan):
    response = client.get("/rooms/districts/?region=busan")
    assert response.status_code == 200
    assert "해운대구" in response.content.decode()
    assert 'id="district-field"' in response.content.decode()
    assert "해운대구" not in client.get("/rooms/districts/").content.decode()


def test_all_rooms_mode_shows_free_or_the_next_free_time(client):
    free_room, busy_room = RoomFactory(), RoomFactory()
    ten = next_weekday_at(10)
    ReservationFactory(room=busy_room, start=ten, end=ten + HOUR)
    response = client.get(f"/?date={ten:%Y-%m-%d}&start=10:00&duration=60&mode=all")
    rows = {row.room_id: row for row in response.context["results"]}
    assert rows[free_room.pk].free
    assert not rows[busy_room.pk].free
    assert timezone.localtime(rows[busy_room.pk].start).strftime("%H:%M") == "11:00"


def test_a_closed_day_shows_its_reason_among_all_rooms(client):
    room = RoomFactory()
    nine = next_weekday_at(9)
    ClosureFactory(facility=room.facility, start=nine, end=nine + 9 * HOUR, reason="정기 휴관")
    response = client.get(f"/?date={nine:%Y-%m-%d}&mode=all")
    assert "정기 휴관" in response.content.decode()
    assert titles(client.get(f"/?date={nine:%Y-%m-%d}")) == []


def test_near_me_sorts_by_distance_and_shows_kilometres(client, busan):
    seoul_room = RoomFactory()
    busan_room = RoomFactory(facility__district=busan, facility__latitude=Decimal("35.1631"),
                             facility__longitude=Decimal("129.1636"))  # fmt: skip
    response = client.get("/?lat=35.17&lng=129.16")
    assert titles(response) == [busan_room.pk, seoul_room.pk]
    rows = response.context["results"]
    assert rows[0].distance_km < 2
    assert 300 < rows[1].distance_km < 350
    assert " km" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "date=2026-02-31",
        "date=yesterday",
        "start=25:00",
        "start=10:15",
        "region=atlantis",
        "district=99999&region=busan",
        "attendees=-3",
        "attendees=many",
        "duration=7",
        "lat=91&lng=200",
        "lat=35.1",
        "equipment=teleporter",
    ],
)
def test_bad_input_is_a_form_error_never_a_500(client, busan, query):
    response = client.get(f"/?{query}")
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


@pytest.mark.parametrize("page", ["999999", "-1", "abc", "1e9"])
def test_odd_page_numbers_show_a_real_page(client, page):
    RoomFactory.create_batch(3)
    response = client.get(f"/?page={page}")
    assert response.status_code == 200
    assert len(response.context["results"]) == 3


def test_results_are_paginated_twenty_a_page(client):
    RoomFactory.create_batch(23)
    assert len(client.get("/").context["results"]) == 20
    assert len(client.get("/?page=2").context["results"]) == 3


def test_an_empty_result_says_so_and_suggests_widening(client):
    RoomFactory()
    response = client.get("/?kind=hall")
    body = response.content.decode()
    assert response.context["results"] == []
    assert "show all rooms" in body or "모든 회의실" in body


def test_the_search_renders_in_korean_and_in_english(client):
    RoomFactory()
    assert "회의실 찾기" in client.get("/", headers={"Accept-Language": "ko"}).content.decode()
    assert (
        "Find a video-conference room"
        in client.get("/", headers={"Accept-Language": "en"}).content.decode()
    )


def test_search_queries_stay_constant_with_every_room_and_a_busy_day(
    client, django_assert_max_num_queries
):
    nine = next_weekday_at(9)
    searches = [
        f"/?date={nine:%Y-%m-%d}&start=09:00&duration=60&mode={mode}"
        for mode in ("free", "all", "day")
    ]
    RoomFactory()
    day_stamps(nine.date())

    def statements():
        """Each search's statements with the day read afresh, then from the cache."""
        counts = []
        for url in searches:
            cache.clear()
            for _read in ("afresh", "cached"):
                with CaptureQueriesContext(connection) as captured:
                    assert client.get(url, headers={"HX-Request": "true"}).status_code == 200
                counts.append(len(captured))
        return counts

    with_one_room = statements()
    district = DistrictFactory()
    facilities = Facility.objects.bulk_create(
        Facility(code=f"S-{n}", name=f"센터 {n}", host_organization="센터", host_type="incubator",
                 district=district, address="주소", latitude=district.latitude,
                 longitude=district.longitude)
        for n in range(1617)
    )  # fmt: skip
    OpeningHours.objects.bulk_create(
        OpeningHours(facility=f, weekday=d, opens=datetime.time(9), closes=datetime.time(18))
        for f in facilities
        for d in range(5)
    )
    rooms = Room.objects.bulk_create(
        Room(facility=f, kind=RoomKind.STANDARD, name="회의실", capacity=10) for f in facilities
    )
    nine = next_weekday_at(9)
    booker = UserFactory()
    Reservation.objects.bulk_create(
        Reservation(room=room, booked_by=booker, start=nine + hour * HOUR,
                    end=nine + (hour + 1) * HOUR, attendees=2, purpose="회의",
                    status=Status.APPROVED)
        for room in rooms[:400]
        for hour in range(0, 8, 2)
    )  # fmt: skip
    with django_assert_max_num_queries(12):
        response = client.get(f"/?date={nine:%Y-%m-%d}&start=09:00&duration=60")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 1 + 1617 - 400
    # Never more statements than with one room: the day is read in parts, whatever its size.
    assert all(many <= one for many, one in zip(statements(), with_one_room, strict=True))
    for mode in ("free", "all", "day"):
        with django_assert_max_num_queries(8):
            response = client.get(
                f"/?date={nine:%Y-%m-%d}&start=09:00&mode={mode}", headers={"HX-Request": "true"}
            )
        assert response.status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {"date": "9999-12-31"},
        {"date": "0001-01-01"},
        {"date": "9999-12-31", "start": "23:30", "duration": "600"},
    ],
)
def test_a_date_outside_the_accepted_range_is_a_bad_request_naming_the_range(client, query):
    RoomFactory()

    response = client.get("/", query, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "Enter a date between 2000-01-01 and 2100-12-31." in response.content.decode()
