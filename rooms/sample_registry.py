"""The national room registry: 1,562 standard sites (50 with a smart-work booth) and 5 halls.

The source lists how many standard sites each region has, not their names or addresses, so
those are generated: deterministic (the same every run), plausible (a host type, a street
in the right district, a point within ~400 m of the district's centre) and marked as
sample data. The five extended halls are the source's own. `import_facilities` loads the
real list over this one.
"""

import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from regions.loader import load_regions
from regions.models import District, Region
from regions.sources import REGIONS
from rooms.models import Facility, HostType, OpeningHours, Room, RoomKind

TOTAL_BOOTHS = 50
SAMPLE_NOTE = "샘플 데이터: 발표 자료에 시설별 이름과 주소가 없어 생성한 예시입니다. (Sample data.)"
HALL_NOTE = (
    "확장형 화상회의실: 50~100명 규모의 대규모 화상회의와 수출상담회용. 운영기관·지역·면적은 "
    "중소벤처기업부 발표(2021-08-12) 기준이며, 지도 위치는 시군구 중심입니다. "
    "(Extended hall for 50–100 people and export consultations; host, district and area from "
    "the ministry's announcement; the map shows the district's centre.)"
)

# How often each host type appears among the sample sites (the source names knowledge
# industry centers and startup incubators first: most rooms are there).
HOST_TYPE_WEIGHTS = {
    HostType.KNOWLEDGE_INDUSTRY_CENTER: 30,
    HostType.STARTUP_INCUBATOR: 25,
    HostType.SME_SUPPORT_CENTER: 12,
    HostType.TECHNOPARK: 8,
    HostType.PUBLIC_AGENCY: 8,
    HostType.INDUSTRY_ASSOCIATION: 7,
    HostType.CREATIVE_ECONOMY_CENTER: 6,
    HostType.MID_CAREER_CENTER: 4,
}
HOST_NAMES = {
    HostType.KNOWLEDGE_INDUSTRY_CENTER: "지식산업센터",
    HostType.STARTUP_INCUBATOR: "창업보육센터",
    HostType.SME_SUPPORT_CENTER: "중소기업지원센터",
    HostType.TECHNOPARK: "테크노파크",
    HostType.CREATIVE_ECONOMY_CENTER: "창조경제혁신센터",
    HostType.PUBLIC_AGENCY: "기업지원센터",
    HostType.INDUSTRY_ASSOCIATION: "산업협회",
    HostType.MID_CAREER_CENTER: "중장년기술창업센터",
}
NAME_STEMS = ("중앙", "혁신", "벤처", "디지털", "테크노", "미래", "스마트", "첨단", "비즈",
              "드림", "청년", "글로벌")  # fmt: skip
STREETS = ("중앙로", "산업로", "창업로", "혁신로", "벤처로", "테크노로", "비즈니스로", "디지털로")
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
# Districts dense with SMEs (industrial complexes, venture valleys, innovation cities) draw
# four times as many sample sites as the others, once every district has one.
BUSINESS_DISTRICTS = {
    "11": ("강남구", "금천구", "구로구", "영등포구", "성동구", "마포구", "서초구", "송파구", "중구"),
    "26": ("해운대구", "강서구", "사상구", "부산진구"),
    "27": ("달서구", "북구", "동구"),
    "28": ("남동구", "연수구", "서구", "부평구"),
    "29": ("광산구", "북구"),
    "30": ("유성구", "대덕구"),
    "31": ("남구", "울주군"),
    "41": ("성남시", "수원시", "안양시", "부천시", "화성시", "용인시", "안산시", "시흥시", "고양시"),
    "51": ("춘천시", "원주시", "강릉시"),
    "43": ("청주시", "충주시"),
    "44": ("천안시", "아산시"),
    "52": ("전주시", "군산시", "익산시"),
    "46": ("순천시", "여수시", "목포시", "나주시"),
    "47": ("포항시", "구미시", "경산시"),
    "48": ("창원시", "김해시", "진주시"),
    "50": ("제주시",),
}  # fmt: skip
BUSINESS_DISTRICT_WEIGHT = 4
STANDARD_EQUIPMENT = {
    "has_camera": True,
    "has_speakerphone": True,
    "has_display": True,
    "has_pc": True,
    "has_vc_software": True,
}
HALL_EQUIPMENT = {**STANDARD_EQUIPMENT, "has_interpretation": True, "has_streaming": True}
STANDARD_ROOM = {"kind": RoomKind.STANDARD, "name": "화상회의실", "capacity": 10,
                 **STANDARD_EQUIPMENT}  # fmt: skip
BOOTH = {"kind": RoomKind.BOOTH, "name": "스마트워크 부스", "capacity": 2, **STANDARD_EQUIPMENT}


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
HALL_CAPACITY = 100


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


def _place_names(regions, districts):
    """How a site's name starts: "강남", "수원"; "부산 중구" where the name recurs elsewhere."""
    seen = {}
    for district in districts:
        seen[district.name_ko] = seen.get(district.name_ko, 0) + 1
    names = {}
    for district in districts:
        name = district.name_ko
        if name.endswith("특별자치시"):
            name = regions[district.region_id].name_ko
        elif seen[name] > 1:
            name = f"{regions[district.region_id].name_ko} {name}"
        elif len(name) > 2 and name[-1] in "시군구":
            name = name[:-1]
        names[district.pk] = name
    return names


def _site_districts(rng, source, local):
    """Every district gets one site first; the rest go mostly to the business districts."""
    business = BUSINESS_DISTRICTS.get(source.code, ())
    weights = [BUSINESS_DISTRICT_WEIGHT if d.name_ko in business else 1 for d in local]
    first = local[: source.standard_sites]
    rest = rng.choices(local, weights, k=source.standard_sites - len(first))
    return first + rest


def planned_sites():
    """Yield (facility values, [room values]) for every site of the registry."""
    booths = booths_per_region()
    regions = {region.pk: region for region in Region.objects.all()}
    all_districts = list(District.objects.order_by("code"))
    place_names = _place_names(regions, all_districts)
    districts = {}
    for district in all_districts:
        districts.setdefault(district.region_id, []).append(district)
    host_types, weights = zip(*HOST_TYPE_WEIGHTS.items(), strict=True)
    taken = set()
    for source in REGIONS:
        region = next(r for r in regions.values() if r.code == source.code)
        rng = random.Random(f"boms-registry-{source.code}")
        booth_sites = set(rng.sample(range(source.standard_sites), booths[source.code]))
        for n, district in enumerate(_site_districts(rng, source, districts[region.pk])):
            host_type = rng.choices(host_types, weights)[0]
            host = _unique_host_name(rng, place_names[district.pk], host_type, taken)
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
            yield facility, [STANDARD_ROOM, BOOTH] if n in booth_sites else [STANDARD_ROOM]
    for hall in HALLS:
        district = next(
            d for d in all_districts
            if regions[d.region_id].code == hall.region_code and d.name_ko == hall.district
        )  # fmt: skip
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
            "description": HALL_NOTE,
            "requires_approval": True,
        }
        room = {"kind": RoomKind.HALL, "name": "확장형 화상회의실", "capacity": HALL_CAPACITY,
                "floor_area": hall.area, **HALL_EQUIPMENT}  # fmt: skip
        yield facility, [room]


def _unique_host_name(rng, place, host_type, taken):
    for _attempt in range(len(NAME_STEMS)):
        name = f"{place} {rng.choice(NAME_STEMS)} {HOST_NAMES[host_type]}"
        if name not in taken:
            break
    number = 2
    while name in taken:
        name = f"{place} {rng.choice(NAME_STEMS)} 제{number}{HOST_NAMES[host_type]}"
        number += 1
    taken.add(name)
    return name


# Which fields of an existing row the loader keeps up to date. A sample site is the
# loader's own, except what a manager sets (phone, description, approval, opening hours,
# active flag), which is only set when the site is created. Of a hall it owns the source's
# facts. A site the real list has imported (no longer sample) it leaves alone.
SAMPLE_FIELDS = ("name", "host_organization", "host_type", "district", "address",
                 "latitude", "longitude")  # fmt: skip
SAMPLE_ROOM_FIELDS = ("name", "capacity")
HALL_FIELDS = ("host_organization", "host_type", "district")
HALL_ROOM_FIELDS = ("floor_area",)


def _owned_fields(facility):
    if facility.is_sample:
        return SAMPLE_FIELDS, SAMPLE_ROOM_FIELDS
    if facility.code.startswith("HALL-"):
        return HALL_FIELDS, HALL_ROOM_FIELDS
    return (), ()


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@transaction.atomic
def load_registry():
    """Create or bring up to date every region, district, site and room; return counts.

    Regions and districts count as rows too; opening hours are created with their site.
    """
    report = LoadReport()
    report.created, report.updated, report.unchanged = load_regions()
    plan = list(planned_sites())
    existing = {f.code: f for f in Facility.objects.all()}
    new_facilities, changed_facilities = [], defaultdict(list)
    for values, _rooms in plan:
        facility = existing.get(values["code"])
        if facility is None:
            new_facilities.append(Facility(**values))
            continue
        fields = _owned_fields(facility)[0]
        if _apply(facility, values, fields):
            changed_facilities[fields].append(facility)
    Facility.objects.bulk_create(new_facilities, batch_size=500)
    now = timezone.now()
    for fields, batch in changed_facilities.items():
        for facility in batch:
            facility.updated_at = now
        Facility.objects.bulk_update(batch, [*fields, "updated_at"], batch_size=500)

    facilities = {f.code: f for f in Facility.objects.all()}
    OpeningHours.objects.bulk_create(
        [
            OpeningHours(
                facility=facilities[new.code],
                weekday=weekday,
                opens=OpeningHours.DEFAULT_OPENS,
                closes=OpeningHours.DEFAULT_CLOSES,
            )
            for new in new_facilities
            for weekday in OpeningHours.DEFAULT_WEEKDAYS
        ],
        batch_size=1000,
    )

    # A site's first room of each kind is the registry's; rooms added later are left alone.
    rooms = {(r.facility_id, r.kind): r for r in Room.objects.order_by("-pk")}
    new_rooms, changed_rooms = [], defaultdict(list)
    for values, room_values in plan:
        facility = facilities[values["code"]]
        if not facility.is_sample and not facility.code.startswith("HALL-"):
            continue
        fields = _owned_fields(facility)[1]
        for room_value in room_values:
            room = rooms.get((facility.pk, room_value["kind"]))
            if room is None:
                new_rooms.append(Room(facility=facility, **room_value))
            elif _apply(room, room_value, fields):
                changed_rooms[fields].append(room)
    Room.objects.bulk_create(new_rooms, batch_size=500)
    for fields, batch in changed_rooms.items():
        Room.objects.bulk_update(batch, fields, batch_size=500)

    created = len(new_facilities) + len(new_rooms)
    updated = sum(map(len, changed_facilities.values())) + sum(map(len, changed_rooms.values()))
    rows = len(plan) + sum(len(room_values) for _, room_values in plan)
    report.created += created
    report.updated += updated
    report.unchanged += rows - created - updated
    return report


def _apply(obj, values, fields):
    """Set the given fields from values; return whether any of them changed."""
    changed = False
    for name in fields:
        if getattr(obj, name) != values[name]:
            setattr(obj, name, values[name])
            changed = True
    return changed
