"""In Chromium: the closure form's pickers and room list, closing a whole region, and the
facility import from the admin; each page without serious accessibility violations."""

import datetime
import os
from pathlib import Path

from django.utils import timezone

from reservations.models import Status
from rooms.models import AreaClosure, Facility
from tests.e2e.conftest import serious_accessibility_violations
from tests.e2e.test_journeys import sign_in, staff_in
from tests.factories import (
    BoothFactory,
    DistrictFactory,
    FacilityFactory,
    RegionFactory,
    ReservationFactory,
    RoomFactory,
    next_weekday_at,
)

# Screenshots of each step, to look at, when E2E_SHOTS names a folder.
SHOTS = os.environ.get("E2E_SHOTS")


def violations(page):
    return serious_accessibility_violations(page)


def shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(SHOTS) / f"{name}.png", full_page=True)


def test_the_closure_forms_room_list_follows_the_facility_as_it_is_chosen(new_page):
    manager, authenticator = staff_in("Facility managers", is_staff=True)
    alpha = FacilityFactory(name="알파 센터", managers=[manager])
    bravo = FacilityFactory(name="브라보 센터", managers=[manager])
    RoomFactory(facility=alpha, name="알파 회의실")
    BoothFactory(facility=bravo, name="브라보 부스")
    RoomFactory(facility=bravo, name="브라보 회의실")

    page = new_page()
    sign_in(page, manager.email, authenticator=authenticator)
    page.goto("/admin/rooms/closure/add/")
    assert page.locator("input[type=date][name=start_0]").count() == 1
    assert page.locator("input[type=time][name=start_1]").count() == 1
    assert page.locator("[data-show-rooms]").count() == 0

    page.select_option("select[name=facility]", str(bravo.pk))
    page.wait_for_function(
        "() => [...document.querySelectorAll('select[name=room] option')].some(o => o.textContent === '브라보 부스')"
    )
    rooms = page.locator("select[name=room] option").all_text_contents()
    assert "브라보 회의실" in rooms and "알파 회의실" not in rooms
    page.select_option("select[name=facility]", str(alpha.pk))
    page.wait_for_function(
        "() => [...document.querySelectorAll('select[name=room] option')].some(o => o.textContent === '알파 회의실')"
    )
    assert "브라보 부스" not in page.locator("select[name=room] option").all_text_contents()
    shot(page, "closure-form")
    assert violations(page) == []
    # The room list's script raised nothing (Django's own admin pages log CSP notices of
    # their inline styles, and other hosts' resources do not load in the sandbox).
    assert [e for e in page.console_errors if "Uncaught" in e or "closure_rooms" in e] == []


def test_an_official_closes_a_whole_region_after_seeing_the_bookings(new_page):
    official, authenticator = staff_in("Ministry officials", is_staff=True)
    seoul = RegionFactory(code="11", slug="seoul", name_ko="서울", name_en="Seoul")
    busan = RegionFactory(code="26", slug="busan", name_ko="부산", name_en="Busan", order=2)
    start = next_weekday_at(10, days_ahead=3)
    inside = ReservationFactory(room__facility__district=DistrictFactory(region=seoul), start=start)
    outside = ReservationFactory(
        room__facility__district=DistrictFactory(region=busan), start=start
    )
    day = timezone.localtime(start).date()

    page = new_page()
    sign_in(page, official.email, authenticator=authenticator)
    page.goto("/admin/rooms/areaclosure/add/")
    assert violations(page) == []
    page.select_option("select[name=region]", str(seoul.pk))
    page.fill("input[name=start_0]", day.isoformat())
    page.fill("input[name=start_1]", "00:00")
    page.fill("input[name=end_0]", (day + datetime.timedelta(days=1)).isoformat())
    page.fill("input[name=end_1]", "00:00")
    page.fill("input[name=reason]", "태풍 북상으로 임시 휴관")
    shot(page, "area-closure-form")
    page.locator("input[name=_save]").click()
    page.wait_for_load_state()

    assert "태풍 북상으로 임시 휴관" in page.content()
    assert not AreaClosure.objects.exists()
    shot(page, "area-closure-confirmation")
    assert violations(page) == []
    page.locator("input[name=_save]").click()
    page.wait_for_load_state()

    inside.refresh_from_db()
    outside.refresh_from_db()
    assert (inside.status, outside.status) == (Status.CANCELLED, Status.APPROVED)
    shot(page, "area-closure-done")
    assert violations(page) == []


def test_a_superuser_previews_and_imports_the_list_of_sites(new_page, tmp_path):
    admin, authenticator = staff_in("Ministry officials", is_staff=True, is_superuser=True)
    DistrictFactory(code="11680", name_ko="강남구", name_en="Gangnam-gu")
    sites = tmp_path / "sites.csv"
    sites.write_text(
        "code,name,host_organization,host_type,district_code,address,latitude,longitude,managers\n"
        "SEOUL-GN-001,강남 창업허브 화상회의실,강남 창업허브,incubator,11680,"
        "서울특별시 강남구 테헤란로 1,37.5172,127.0473,kim@site.example\n"
        "SEOUL-GN-002,역삼 센터,역삼 센터,knowledge_center,11680,"
        "서울특별시 강남구 역삼로 2,37.5000,127.0360,\n",
        encoding="utf-8",
    )

    page = new_page()
    sign_in(page, admin.email, authenticator=authenticator)
    page.goto("/admin/rooms/facility/")
    page.get_by_role("link", name="CSV로 가져오기").click()
    page.wait_for_load_state()
    assert violations(page) == []
    shot(page, "import-form")
    page.set_input_files("input[name=file]", str(sites))
    page.locator("input[type=submit]").click()
    page.wait_for_load_state()

    assert "kim@site.example" in page.content()
    assert not Facility.objects.exists()
    shot(page, "import-preview")
    assert violations(page) == []
    page.locator("input[type=submit]").click()
    page.wait_for_load_state()

    assert set(Facility.objects.values_list("code", flat=True)) == {"SEOUL-GN-001", "SEOUL-GN-002"}
    shot(page, "import-done")


def test_the_room_and_door_pages_show_the_way_in_and_the_photos(new_page, settings, tmp_path):
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    from rooms.models import DoorPolicy, Photo

    settings.MEDIA_ROOT = tmp_path
    facility = FacilityFactory(
        name="강남 창업허브",
        directions="지하철 2호선 강남역 3번 출구에서 200m, 정문으로 들어오세요.",
        floor="3층",
        door_policy=DoorPolicy.RECEPTION,
        reception="1층 안내데스크 (평일 09:00–18:00)",
    )
    room = RoomFactory(
        facility=facility,
        location="302호, 엘리베이터에서 오른쪽",
        equipment_guide="TV 리모컨의 전원을 누르고, PC에서 화상회의 앱을 여세요.",
    )
    out = io.BytesIO()
    Image.new("RGB", (800, 500), (40, 110, 160)).save(out, format="JPEG")
    photo = Photo(facility=facility, room=room, caption="회의실 내부", image_format="JPEG",
                  width=800, height=500)  # fmt: skip
    photo.image.save("p.jpg", ContentFile(out.getvalue()), save=True)

    page = new_page()
    page.goto(f"/rooms/{room.pk}/")
    assert "302호" in page.content()
    assert page.locator("img[alt='회의실 내부']").evaluate("img => img.naturalWidth") == 800
    shot(page, "room-page-information")
    assert serious_accessibility_violations(page) == []

    door = new_page()
    door.goto(f"/rooms/{room.pk}/door/")
    assert "TV 리모컨" in door.content()
    shot(door, "door-page-information")
    assert serious_accessibility_violations(door) == []
