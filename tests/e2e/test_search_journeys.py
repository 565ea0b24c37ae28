"""Finding a free room in a real browser: the list and the map, booking from the map, the half
hour before a booking, near me on a phone, and the language switch after a live search."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from reservations.models import Reservation
from tests.e2e.conftest import PHONE, serious_accessibility_violations
from tests.e2e.test_journeys import sign_in
from tests.factories import (
    DistrictFactory,
    FacilityFactory,
    RegionFactory,
    ReservationFactory,
    RoomFactory,
    UserFactory,
    next_weekday_at,
)

pytestmark = pytest.mark.django_db(transaction=True)
HOUR = datetime.timedelta(hours=1)
CITY_HALL = {"latitude": 37.5663, "longitude": 126.9779}


@pytest.fixture
def seoul():
    region = RegionFactory(code="11", slug="seoul", name_ko="서울", name_en="Seoul", order=1)
    jongno = DistrictFactory(region=region, code="11110", name_ko="종로구", name_en="Jongno-gu")
    gangnam = DistrictFactory(region=region, code="11680", name_ko="강남구", name_en="Gangnam-gu")
    near = RoomFactory(facility=FacilityFactory(
        district=jongno, name="종로 창업센터 화상회의실", latitude=Decimal("37.5700"),
        longitude=Decimal("126.9830")), name="화상회의실")  # fmt: skip
    far = RoomFactory(facility=FacilityFactory(
        district=gangnam, name="강남 지식센터 화상회의실", latitude=Decimal("37.4979"),
        longitude=Decimal("127.0276")), name="화상회의실")  # fmt: skip
    busy = RoomFactory(facility=FacilityFactory(
        district=gangnam, name="역삼 비즈센터 화상회의실", latitude=Decimal("37.5000"),
        longitude=Decimal("127.0360")), name="화상회의실")  # fmt: skip
    return near, far, busy


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_search_a_time_see_only_free_rooms_on_the_list_and_the_map_and_book_from_the_map(
    new_page, seoul, viewport
):
    near, far, busy = seoul
    ten = next_weekday_at(10)
    ReservationFactory(room=busy, start=ten, end=ten + HOUR)
    user = UserFactory(email="map.booker@example.com")
    user.set_password("correct-horse-battery")
    user.save()
    page = new_page(viewport) if viewport else new_page()
    sign_in(page, user.email)

    page.goto(f"/?date={ten:%Y-%m-%d}&start=10:00&duration=60")

    expect(page.locator(".result")).to_have_count(2)
    assert "역삼 비즈센터" not in page.locator("#results").inner_text()
    assert serious_accessibility_violations(page) == []
    if viewport:
        expect(page.locator(".results-map")).to_be_hidden()
        page.get_by_role("button", name="지도").click()
        expect(page.locator(".result-list")).to_be_hidden()
    expect(page.locator(".results-map path.marker--free")).to_have_count(2)
    expect(page.locator(".results-map path.marker--busy")).to_have_count(0)

    page.locator(".results-map path.marker--free").first.click(force=True)
    page.locator(".leaflet-popup a.button").click()
    page.wait_for_url("**/book/**")
    expect(page.locator("select[name=duration]")).to_have_value("60")
    page.fill("input[name=attendees]", "3")
    page.fill("input[name=purpose]", "지도에서 고른 회의실")
    page.locator("#booking-form button[type=submit]").click()
    page.wait_for_url("**/book/done/**")
    booking = Reservation.objects.get(booked_by=user)
    assert booking.room in (near, far) and booking.start == ten


def test_book_the_half_hour_before_a_booked_one(new_page, seoul):
    near, _, _ = seoul
    nine = next_weekday_at(9)
    ReservationFactory(room=near, start=nine + HOUR / 2, end=nine + 2 * HOUR)
    user = UserFactory(email="half.hour@example.com")
    user.set_password("correct-horse-battery")
    user.save()
    page = new_page()
    sign_in(page, user.email)

    page.goto(f"/rooms/{near.pk}/?date={nine:%Y-%m-%d}")
    page.locator(".slot--free a.slot__link").first.click()
    page.wait_for_url("**/book/**")

    expect(page.locator("select[name=duration] option")).to_have_count(1)
    expect(page.locator("select[name=duration]")).to_have_value("30")
    page.fill("input[name=attendees]", "2")
    page.fill("input[name=purpose]", "짧은 회의")
    page.locator("#booking-form button[type=submit]").click()
    page.wait_for_url("**/book/done/**")
    assert Reservation.objects.get(booked_by=user).end == nine + HOUR / 2


def test_near_me_on_a_phone_clears_the_district_and_scrolls_to_the_nearest_rooms(new_page, seoul):
    near, far, _ = seoul
    page = new_page(PHONE, geolocation=CITY_HALL, permissions=["geolocation"])
    page.goto("/?region=seoul&district=11680")
    expect(page.locator(".result")).to_have_count(2)
    assert "종로" not in page.locator("#results").inner_text()

    page.get_by_role("button", name="내 주변").click()

    page.wait_for_url("**lat=**")
    expect(page.locator(".result").first).to_contain_text("종로 창업센터")
    expect(page.locator("select[name=region]")).to_have_value("")
    assert "district=11680" not in page.url
    expect(page.locator(".result__distance").first).to_contain_text("km")
    assert page.evaluate("document.getElementById('results').getBoundingClientRect().top") < 200
    assert page.evaluate("window.scrollY") > 0


def test_the_language_switch_after_a_live_search_keeps_the_filters(new_page, seoul):
    page = new_page()
    page.goto("/")
    page.select_option("select[name=kind]", "standard")
    page.wait_for_url("**kind=standard**")
    page.select_option("select[name=duration]", "90")
    page.wait_for_url("**duration=90**")

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()

    assert "kind=standard" in page.url and "duration=90" in page.url
    expect(page.locator("h1")).to_contain_text("Find a video-conference room")
    expect(page.locator("select[name=duration]")).to_have_value("90")
