"""Source facts: the 17 regions and their standard-site counts (ministry press release, 2021-08-12)."""

from typing import NamedTuple


class RegionSource(NamedTuple):
    code: str
    slug: str
    name_ko: str
    name_en: str
    standard_sites: int


REGIONS = (
    RegionSource("11", "seoul", "서울", "Seoul", 295),
    RegionSource("26", "busan", "부산", "Busan", 84),
    RegionSource("27", "daegu", "대구", "Daegu", 59),
    RegionSource("28", "incheon", "인천", "Incheon", 51),
    RegionSource("29", "gwangju", "광주", "Gwangju", 70),
    RegionSource("30", "daejeon", "대전", "Daejeon", 66),
    RegionSource("31", "ulsan", "울산", "Ulsan", 44),
    RegionSource("36", "sejong", "세종", "Sejong", 11),
    RegionSource("41", "gyeonggi", "경기", "Gyeonggi", 296),
    RegionSource("51", "gangwon", "강원", "Gangwon", 53),
    RegionSource("43", "chungbuk", "충북", "Chungbuk", 77),
    RegionSource("44", "chungnam", "충남", "Chungnam", 66),
    RegionSource("52", "jeonbuk", "전북", "Jeonbuk", 81),
    RegionSource("46", "jeonnam", "전남", "Jeonnam", 87),
    RegionSource("47", "gyeongbuk", "경북", "Gyeongbuk", 90),
    RegionSource("48", "gyeongnam", "경남", "Gyeongnam", 107),
    RegionSource("50", "jeju", "제주", "Jeju", 25),
)

STANDARD_SITES = sum(region.standard_sites for region in REGIONS)
