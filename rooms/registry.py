"""The national room registry: 1,562 standard sites (50 with a smart-work booth) and 5 halls.

The source lists how many standard sites each region has, not their names or addresses, so
those are generated: deterministic (the same every run), plausible (a host type, a street
in the right district, a point within ~400 m of the district's centre) and marked as
sample data. The five extended halls are the source's own. `import_facilities` loads the
real list over this one.
"""

import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from regions.models import District, Region
from regions.registry import load_regions
from regions.sources import REGIONS
from rooms.models import Facility, HostType, OpeningHours, Room, RoomKind

TOTAL_BOOTHS = 50
SAMPLE_NOTE = "샘플 데이터: 발표 자료에 시설별 이름과 주소가 없어 생성한 예시입니다. (Sample data.)"

# How often each host type appears among the sample sites.
HOST_TYPE_WEIGHTS = {
    HostType.KNOWLEDGE_INDUSTRY_CENTER: 30,
    HostType.STARTUP_INCUBATOR: 25,
    HostType.SME_SUPPORT_CENTER: 12,
    HostType.TECHNOPARK: 8,
    HostType.CREATIVE_ECONOMY_CENTER: 6,
    HostType.PUBLIC_AGENCY: 8,
    HostType.INDUSTRY_ASSOCIATION: 7,
    HostType.MID_CAREER_CENTER: 4,
}
HOST_NAMES = {
    HostType.KNOWLEDGE_INDUSTRY_CENTER: "지식산업센터",
    HostType.STARTUP_INCUBATOR: "창업보육센터",
    HostType.SME_SUPPORT_CENTER: "중소기업지원센터",
    HostType.TECHNOPARK: "테크노파크",
    HostType.CREATIVE_ECONOMY_CENTER: "창조경제혁신센터",
    HostType.PUBLIC_AGENCY: "공공기관 지원센터",
    HostType.INDUSTRY_ASSOCIATION: "업종별 협회",
    HostType.MID_CAREER_CENTER: "중장년기술창업센터",
}
PROVINCE_NAMES = {
    "11": "서울특별시", "26": "부산광역시", "27": "대구광역시", "28": "인천광역시",
    "29": "광주광역시", "30": "대전광역시", "31": "울산광역시", "36": "세종특별자치시",
    "41": "경기도", "51": "강원특별자치도", "43": "충청북도", "44": "충청남도",
    "52": "전북특별자치도", "46": "전라남도", "47": "경상북도", "48": "경상남도",
    "50": "제주특별자치도",
}  # fmt: skip
AREA_CODES = {
    "11": "02", "26": "051", "27": "053", "28": "032", "29": "062", "30": "042", "31": "052",
    "36": "044", "41": "031", "51": "033", "43": "043", "44": "041", "52": "063", "46": "061",
    "47": "054", "48": "055", "50": "064",
}  # fmt: skip
STREETS = ("중앙로", "산업로", "창업로", "혁신로", "벤처로", "테크노로", "비즈니스로", "디지털로")
STANDARD_EQUIPMENT = {
    "has_camera": True,
    "has_speakerphone": True,
    "has_display": True,
    "has_pc": True,
    "has_vc_software": True,
}
HALL_EQUIPMENT = {**STANDARD_EQUIPMENT, "has_interpretation": True, "has_streaming": True}


@dataclass(frozen=True)
class HallSource:
    number: int
    region_code: str
    district: str
    host: str
    host_type: str
    area: Decimal


HALLS = (
    HallSource(1, "11", "강남구", "한국엔젤투자협회", HostType.INDUSTRY_ASSOCIATION, Decimal("480.1")),
    HallSource(2, "11", "영등포구", "중소기업중앙회", HostType.INDUSTRY_ASSOCIATION, Decimal("195.0")),
    HallSource(3, "41", "성남시", "중소기업기술정보진흥원", HostType.PUBLIC_AGENCY, Decimal("376.2")),
    HallSource(4, "52", "전주시", "전북경제통상진흥원", HostType.PUBLIC_AGENCY, Decimal("575.1")),
    HallSource(5, "27", "동구", "대구경북첨단의료산업진흥재단", HostType.PUBLIC_AGENCY, Decimal("799.0")),
)  # fmt: skip


def booths_per_region():
    """50 booths shared out in proportion to each region's sites (largest remainder)."""
    total = sum(region.standard_sites for region in REGIONS)
    exact = {r.code: TOTAL_BOOTHS * r.standard_sites / total for r in REGIONS}
    shares = {code: int(value) for code, value in exact.items()}
    by_remainder = sorted(exact, key=lambda code: (shares[code] - exact[code], code))
    for code in by_remainder[: TOTAL_BOOTHS - sum(shares.values())]:
        shares[code] += 1
    return shares


def _offset(rng):
    return Decimal(str(round(rng.uniform(-0.0035, 0.0035), 6)))


def planned_sites():
    """Yield (facility values, [room values]) for every site of the registry."""
    booths = booths_per_region()
    regions = {region.code: region for region in Region.objects.all()}
    districts = {}
    for district in District.objects.order_by("code"):
        districts.setdefault(district.region_id, []).append(district)
    for source in REGIONS:
        region = regions[source.code]
        rng = random.Random(f"boms-registry-{source.code}")
        local = districts[region.pk]
        booth_sites = set(rng.sample(range(source.standard_sites), booths[source.code]))
        host_types, weights = zip(*HOST_TYPE_WEIGHTS.items(), strict=True)
        for n in range(source.standard_sites):
            district = local[n % len(local)] if n < len(local) else rng.choice(local)
            host_type = rng.choices(host_types, weights)[0]
            host = f"{district.name_ko} {HOST_NAMES[host_type]}"
            facility = {
                "code": f"STD-{source.code}-{n + 1:04d}",
                "name": f"{host} 화상회의실",
                "host_organization": host,
                "host_type": host_type,
                "district": district,
                "address": (
                    f"{PROVINCE_NAMES[source.code]} {district.name_ko} "
                    f"{rng.choice(STREETS)} {rng.randint(1, 300)}"
                ),
                "latitude": district.latitude + _offset(rng),
                "longitude": district.longitude + _offset(rng),
                "phone": f"{AREA_CODES[source.code]}-0000-{n + 1:04d}",
                "is_sample": True,
                "description": SAMPLE_NOTE,
            }
            rooms = [
                {
                    "kind": RoomKind.STANDARD,
                    "name": "화상회의실",
                    "capacity": 10,
                    **STANDARD_EQUIPMENT,
                }
            ]
            if n in booth_sites:
                rooms.append(
                    {"kind": RoomKind.BOOTH, "name": "스마트워크 부스", "capacity": 2,
                     **STANDARD_EQUIPMENT}
                )  # fmt: skip
            yield facility, rooms
    for hall in HALLS:
        district = District.objects.get(region__code=hall.region_code, name_ko=hall.district)
        facility = {
            "code": f"HALL-{hall.number}",
            "name": f"{hall.host} 확장형 화상회의실",
            "host_organization": hall.host,
            "host_type": hall.host_type,
            "district": district,
            "address": f"{PROVINCE_NAMES[hall.region_code]} {hall.district}",
            "latitude": district.latitude,
            "longitude": district.longitude,
            "phone": "",
            "is_sample": False,
            "description": "",
            "requires_approval": True,
        }
        rooms = [
            {"kind": RoomKind.HALL, "name": "확장형 화상회의실", "capacity": 100,
             "floor_area": hall.area, **HALL_EQUIPMENT}
        ]  # fmt: skip
        yield facility, rooms


# Fields that belong to the registry: managers' settings (phone, description, approval,
# opening hours, active flag) are set when a site is created and never overwritten.
REGISTRY_FIELDS = ("name", "host_organization", "host_type", "district", "address",
                   "latitude", "longitude", "is_sample")  # fmt: skip
ROOM_REGISTRY_FIELDS = ("name", "capacity", "floor_area")


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@transaction.atomic
def load_registry():
    """Create or bring up to date every region, district, site and room; return counts."""
    report = LoadReport()
    report.created, report.updated = load_regions()
    existing = {f.code: f for f in Facility.objects.all()}
    rooms_by_key = {(r.facility_id, r.kind): r for r in Room.objects.all()}
    new_facilities, new_rooms, changed_facilities, changed_rooms = [], [], [], []
    plan = list(planned_sites())
    for values, _rooms in plan:
        facility = existing.get(values["code"])
        if facility is None:
            new_facilities.append(Facility(**values))
            continue
        if _apply(facility, values, REGISTRY_FIELDS):
            changed_facilities.append(facility)
    Facility.objects.bulk_create(new_facilities, batch_size=500)
    if changed_facilities:
        Facility.objects.bulk_update(changed_facilities, REGISTRY_FIELDS, batch_size=500)
    facilities = {f.code: f for f in Facility.objects.all()}
    created_ids = {f.code for f in new_facilities}
    OpeningHours.objects.bulk_create(
        [
            OpeningHours(
                facility=facilities[code],
                weekday=weekday,
                opens=OpeningHours.DEFAULT_OPENS,
                closes=OpeningHours.DEFAULT_CLOSES,
            )
            for code in created_ids
            for weekday in OpeningHours.DEFAULT_WEEKDAYS
        ],
        batch_size=1000,
    )
    for values, room_values in plan:
        facility = facilities[values["code"]]
        for room_value in room_values:
            room = rooms_by_key.get((facility.pk, room_value["kind"]))
            if room is None:
                new_rooms.append(Room(facility=facility, **room_value))
            elif _apply(room, room_value, ROOM_REGISTRY_FIELDS):
                changed_rooms.append(room)
    Room.objects.bulk_create(new_rooms, batch_size=500)
    if changed_rooms:
        Room.objects.bulk_update(changed_rooms, ROOM_REGISTRY_FIELDS, batch_size=500)
    report.created += len(new_facilities) + len(new_rooms)
    report.updated += len(changed_facilities) + len(changed_rooms)
    report.unchanged = (
        len(plan) - len(new_facilities) - len(changed_facilities)
        + sum(len(rooms) for _, rooms in plan) - len(new_rooms) - len(changed_rooms)
    )  # fmt: skip
    return report


def _apply(obj, values, fields):
    changed = False
    for name in fields:
        if name in values and getattr(obj, name) != values[name]:
            setattr(obj, name, values[name])
            changed = True
    return changed
