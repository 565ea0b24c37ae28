"""The national registry: exact counts from the source, the five halls, idempotent loading."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from regions.models import District, Region
from regions.sources import REGIONS
from rooms.models import Facility, OpeningHours, Room, RoomKind


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


pytestmark = pytest.mark.django_db


def test_the_17_regions_have_exactly_the_sources_standard_site_counts(registry):
    counts = dict(
        Region.objects.annotate(
            n=Count(
                "districts__facilities__rooms",
                filter=Q(districts__facilities__rooms__kind=RoomKind.STANDARD),
            )
        ).values_list("code", "n")
    )
    assert counts == {region.code: region.standard_sites for region in REGIONS}
    assert len(counts) == 17


def test_totals_are_1562_standard_50_booths_5_halls_on_1567_sites(registry):
    assert dict(Room.objects.kind_counts()) == {"standard": 1562, "booth": 50, "hall": 5}
    assert Room.objects.count() == 1617
    assert Facility.objects.count() == 1567
    assert District.objects.count() == 229


def test_booths_stand_inside_standard_sites_spread_over_the_regions(registry):
    booth_sites = Facility.objects.filter(rooms__kind=RoomKind.BOOTH)
    assert booth_sites.filter(rooms__kind=RoomKind.STANDARD).count() == 50
    assert booth_sites.values("district__region").distinct().count() >= 15


def test_the_five_halls_are_the_sources_hosts_districts_and_areas(registry):
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
    assert not Facility.objects.filter(code__startswith="HALL", requires_approval=False).exists()


def test_standard_sites_are_marked_sample_and_lie_near_their_districts_centre(registry):
    for facility in Facility.objects.filter(code__startswith="STD").select_related("district"):
        assert facility.is_sample
        assert abs(facility.latitude - facility.district.latitude) < Decimal("0.01")
        assert abs(facility.longitude - facility.district.longitude) < Decimal("0.01")
        assert facility.district.name_ko in facility.address


def test_every_site_opens_monday_to_friday(registry):
    assert OpeningHours.objects.count() == 1567 * 5


def test_loading_again_changes_nothing(registry, capsys):
    snapshot = list(Facility.objects.order_by("code").values())
    rooms = list(Room.objects.order_by("pk").values())
    call_command("load_registry")
    assert "0 created, 0 updated" in capsys.readouterr().out
    assert list(Facility.objects.order_by("code").values()) == snapshot
    assert list(Room.objects.order_by("pk").values()) == rooms


def test_loading_again_keeps_a_managers_settings(registry):
    facility = Facility.objects.get(code="STD-11-0001")
    facility.phone = "02-123-4567"
    facility.requires_approval = True
    facility.save()
    call_command("load_registry")
    facility.refresh_from_db()
    assert (facility.phone, facility.requires_approval) == ("02-123-4567", True)


def test_load_demo_creates_the_four_accounts_and_prints_them_twice_the_same(registry, capsys):
    from accounts.models import User

    call_command("load_demo")
    first = capsys.readouterr().out
    call_command("load_demo")
    assert capsys.readouterr().out == first
    assert "manager@boms.example" in first and "Boms-manager-2026!" in first
    manager = User.objects.get(email="manager@boms.example")
    assert manager.managed_facilities.count() == 4
    assert manager.groups.filter(name="Facility managers").exists()
    assert (
        User.objects.get(email="official@boms.example")
        .groups.filter(name="Ministry officials")
        .exists()
    )
    assert User.objects.get(email="admin@boms.example").is_superuser
    assert User.objects.filter(email__endswith="@boms.example").count() == 4
