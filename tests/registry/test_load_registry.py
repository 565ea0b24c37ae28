"""The national registry: exact counts from the source, the five halls, idempotent loading.

The full registry is loaded once for this module; each test runs in a transaction that is
rolled back, so what one test changes the next does not see.
"""

from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import translation

from regions.models import District, Region
from regions.sources import REGIONS
from rooms.models import Facility, HostType, OpeningHours, Room, RoomKind
from rooms.sample_registry import SAMPLE_NOTE, TOTAL_BOOTHS, booths_per_region, planned_sites


@pytest.fixture(scope="module")
def registry(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_registry")
        yield
        Room.objects.all().delete()
        OpeningHours.objects.all().delete()
        Facility.objects.all().delete()
        District.objects.all().delete()
        Region.objects.all().delete()


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("registry")]


def snapshot():
    return (
        list(Region.objects.order_by("code").values()),
        list(District.objects.order_by("code").values()),
        list(Facility.objects.order_by("code").values()),
        list(Room.objects.order_by("pk").values()),
        list(OpeningHours.objects.order_by("pk").values()),
    )


def test_the_17_regions_exist_with_the_sources_codes_and_names():
    assert list(Region.objects.values_list("code", "name_ko", "name_en", "source_site_count")) == [
        (r.code, r.name_ko, r.name_en, r.standard_sites) for r in REGIONS
    ]


def test_every_district_belongs_to_a_region_and_every_region_has_districts():
    assert District.objects.count() == 229
    assert not District.objects.filter(region__isnull=True).exists()
    assert not Region.objects.annotate(n=Count("districts")).filter(n=0).exists()


def test_the_17_regions_have_exactly_the_sources_standard_site_counts():
    counts = dict(
        Region.objects.annotate(
            n=Count(
                "districts__facilities__rooms",
                filter=Q(districts__facilities__rooms__kind=RoomKind.STANDARD),
            )
        ).values_list("code", "n")
    )
    assert counts == {region.code: region.standard_sites for region in REGIONS}


def test_totals_are_1562_standard_50_booths_5_halls_1617_rooms_on_1567_sites():
    assert dict(Room.objects.kind_counts()) == {"standard": 1562, "booth": 50, "hall": 5}
    assert Room.objects.count() == 1617
    assert Facility.objects.count() == 1567
    assert Facility.objects.filter(code__startswith="STD-").count() == 1562


def test_booths_stand_inside_standard_sites_in_proportion_to_each_region():
    booth_sites = Facility.objects.filter(rooms__kind=RoomKind.BOOTH)
    assert booth_sites.filter(rooms__kind=RoomKind.STANDARD).count() == TOTAL_BOOTHS
    per_region = Counter(booth_sites.values_list("district__region__code", flat=True))
    assert per_region == Counter({k: v for k, v in booths_per_region().items() if v})
    for region in REGIONS:
        exact = TOTAL_BOOTHS * region.standard_sites / 1562
        assert abs(per_region[region.code] - exact) < 1, region.name_en
    assert len(per_region) >= 15


def test_the_five_halls_are_the_sources_hosts_districts_and_areas():
    halls = {
        (
            room.facility.host_organization,
            room.facility.district.region.name_ko,
            room.facility.district.name_ko,
            room.floor_area,
        )
        for room in Room.objects.filter(kind=RoomKind.HALL).select_related(
            "facility__district__region"
        )
    }
    assert halls == {
        ("한국엔젤투자협회", "서울", "강남구", Decimal("480.1")),
        ("중소기업중앙회", "서울", "영등포구", Decimal("195.0")),
        ("중소기업기술정보진흥원", "경기", "성남시", Decimal("376.2")),
        ("전북경제통상진흥원", "전북", "전주시", Decimal("575.1")),
        ("대구경북첨단의료산업진흥재단", "대구", "동구", Decimal("799.0")),
    }


def test_halls_seat_100_with_interpretation_and_streaming_and_need_approval():
    for hall in Room.objects.filter(kind=RoomKind.HALL).select_related("facility"):
        assert hall.capacity == 100
        assert hall.has_interpretation and hall.has_streaming and hall.has_camera
        assert hall.facility.requires_approval
        assert hall.facility.code.startswith("HALL-")
        assert not hall.facility.rooms.exclude(pk=hall.pk).exists()


def test_standard_rooms_seat_10_with_full_equipment_and_booths_seat_2():
    standard = Room.objects.filter(kind=RoomKind.STANDARD)
    assert set(standard.values_list("capacity", flat=True)) == {10}
    assert set(Room.objects.filter(kind=RoomKind.BOOTH).values_list("capacity", flat=True)) == {2}
    full = Q(has_camera=True, has_speakerphone=True, has_display=True, has_pc=True)
    assert standard.filter(full, has_vc_software=True).count() == 1562
    assert not Facility.objects.filter(code__startswith="STD-", requires_approval=True).exists()


def test_every_site_lies_within_001_degrees_of_its_districts_centre():
    for facility in Facility.objects.select_related("district"):
        assert abs(facility.latitude - facility.district.latitude) < Decimal("0.01"), facility
        assert abs(facility.longitude - facility.district.longitude) < Decimal("0.01"), facility


def test_standard_sites_are_labelled_sample_data_with_an_address_in_their_district():
    sites = Facility.objects.filter(code__startswith="STD-").select_related("district__region")
    for facility in sites:
        assert facility.is_sample
        assert facility.description == SAMPLE_NOTE
        assert facility.address.split()[1] == facility.district.name_ko
        assert facility.phone.split("-")[1] == "0000"
    assert not Facility.objects.filter(code__startswith="HALL-", is_sample=True).exists()


def test_sample_site_names_are_unique_and_name_their_host():
    names = list(Facility.objects.values_list("name", flat=True))
    assert len(set(names)) == len(names)
    for facility in Facility.objects.filter(code__startswith="STD-"):
        assert facility.name == f"{facility.host_organization} 화상회의실"


def test_host_types_are_all_used_and_knowledge_centers_and_incubators_lead():
    counts = Counter(
        Facility.objects.filter(code__startswith="STD-").values_list("host_type", flat=True)
    )
    assert set(counts) == set(HostType.values)
    top_two = {host_type for host_type, _n in counts.most_common(2)}
    assert top_two == {HostType.KNOWLEDGE_INDUSTRY_CENTER, HostType.STARTUP_INCUBATOR}


def test_every_district_has_a_site_and_business_districts_have_more():
    empty = District.objects.annotate(n=Count("facilities")).filter(n=0)
    assert not empty.exists()
    seoul = dict(
        District.objects.filter(region__code="11")
        .annotate(n=Count("facilities"))
        .values_list("name_ko", "n")
    )
    assert seoul["강남구"] > seoul["도봉구"]


def test_every_site_opens_monday_to_friday_9_to_18():
    assert OpeningHours.objects.count() == 1567 * 5
    hours = set(OpeningHours.objects.values_list("weekday", "opens", "closes"))
    assert {(weekday, str(opens), str(closes)) for weekday, opens, closes in hours} == {
        (day, "09:00:00", "18:00:00") for day in range(5)
    }


def test_the_plan_is_the_same_every_time():
    assert list(planned_sites()) == list(planned_sites())


def test_loading_again_changes_nothing_and_says_so_in_korean(capsys):
    before = snapshot()
    call_command("load_registry")
    assert capsys.readouterr().out == "명부: 0개 생성, 0개 갱신, 3430개 변경 없음.\n"
    assert snapshot() == before


def test_loading_again_keeps_a_managers_settings():
    facility = Facility.objects.get(code="STD-11-0001")
    facility.phone = "02-123-4567"
    facility.requires_approval = True
    facility.save()
    facility.opening_hours.filter(weekday=4).delete()
    call_command("load_registry")
    facility.refresh_from_db()
    assert (facility.phone, facility.requires_approval) == ("02-123-4567", True)
    assert facility.opening_hours.count() == 4


def test_loading_again_repairs_a_sample_sites_generated_fields(capsys):
    facility = Facility.objects.get(code="STD-26-0001")
    name = facility.name
    Facility.objects.filter(pk=facility.pk).update(name="엉뚱한 이름")
    with translation.override("en"):
        call_command("load_registry")
    assert "0 created, 1 updated" in capsys.readouterr().out
    facility.refresh_from_db()
    assert facility.name == name


def test_loading_again_leaves_a_site_the_real_list_imported_alone(capsys):
    code = Facility.objects.filter(rooms__kind=RoomKind.BOOTH).values_list("code", flat=True)[0]
    Facility.objects.filter(code=code).update(
        name="실제 센터 화상회의실", address="서울특별시 중구 세종대로 110", is_sample=False
    )
    Room.objects.filter(facility__code=code).update(capacity=12)
    Room.objects.filter(facility__code=code, kind=RoomKind.BOOTH).delete()
    with translation.override("en"):
        call_command("load_registry")
    assert "0 created, 0 updated" in capsys.readouterr().out
    facility = Facility.objects.get(code=code)
    assert (facility.name, facility.is_sample) == ("실제 센터 화상회의실", False)
    assert list(facility.rooms.values_list("kind", "capacity")) == [(RoomKind.STANDARD, 12)]


def test_loading_again_restores_a_missing_room():
    Room.objects.filter(facility__code="STD-50-0001", kind=RoomKind.STANDARD).delete()
    call_command("load_registry")
    assert Room.objects.filter(facility__code="STD-50-0001", kind=RoomKind.STANDARD).count() == 1
    assert Room.objects.count() == 1617


@pytest.mark.parametrize(
    ("language", "sites", "rooms"),
    [("ko", "전국 1,567개 시설", "회의실 1,617개"), ("en", "1,567 sites", "1,617 bookable rooms")],
)
def test_the_home_page_shows_the_national_totals(client, language, sites, rooms):
    # The locale middleware leaves the chosen language active in this thread afterwards.
    with translation.override("ko"):
        client.post(reverse("set_language"), {"language": language})
        page = client.get(reverse("home")).content.decode()
    assert sites in page
    assert rooms in page
    assert "295" in page  # Seoul's standard sites in the overview by region
