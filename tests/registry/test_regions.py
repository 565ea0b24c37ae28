"""Regions come from the source table, districts from a CSV file; both upsert by code."""

import pytest

from regions.loader import load_regions
from regions.models import District, Region

pytestmark = pytest.mark.django_db

HEADER = "code,region_code,name_ko,name_en,latitude,longitude\n"


def districts_file(tmp_path, rows):
    path = tmp_path / "districts.csv"
    path.write_text("\ufeff" + HEADER + rows, encoding="utf-8")
    return path


def test_regions_and_districts_are_created_then_left_unchanged(tmp_path):
    path = districts_file(
        tmp_path,
        "11680,11,강남구,Gangnam-gu,37.5172,127.0473\n50110,50,제주시,Jeju-si,33.4996,126.5312\n",
    )
    assert load_regions(path) == (19, 0, 0)
    assert Region.objects.count() == 17
    assert District.objects.get(code="50110").region.name_en == "Jeju"
    assert load_regions(path) == (0, 0, 19)


def test_a_changed_district_row_updates_the_district(tmp_path):
    load_regions(districts_file(tmp_path, "11680,11,강남구,Gangnam-gu,37.5172,127.0473\n"))
    path = districts_file(tmp_path, "11680,11,강남구,Gangnam-gu,37.5180,127.0473\n")
    assert load_regions(path) == (0, 1, 17)
    assert str(District.objects.get(code="11680").latitude) == "37.518000"


def test_a_district_of_an_unknown_region_is_refused(tmp_path):
    path = districts_file(tmp_path, "99110,99,없는구,Nowhere-gu,37.5,127.0\n")
    with pytest.raises(ValueError, match="99110 has an unknown region code"):
        load_regions(path)
