"""import_facilities: the real list from CSV, every row validated, all rows or none."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from rooms.models import Facility, Room, RoomKind
from rooms.sample_registry import SAMPLE_NOTE
from tests.factories import BoothFactory, DistrictFactory, FacilityFactory, RoomFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "code,name,host_organization,host_type,district_code,address,latitude,longitude,"
    "phone,requires_approval,standard_capacity,has_booth\n"
)
GOOD = (
    "SEOUL-GN-001,강남 창업허브 화상회의실,강남 창업허브,incubator,11680,"
    "서울특별시 강남구 테헤란로 1,37.5172,127.0473,02-555-0101,no,12,yes\n"
    "SEOUL-GN-002,역삼 지식산업센터 화상회의실,역삼 지식산업센터,knowledge_center,11680,"
    "서울특별시 강남구 역삼로 2,37.5000,127.0360,,yes,,\n"
)


@pytest.fixture(autouse=True)
def gangnam():
    return DistrictFactory(code="11680", name_ko="강남구", name_en="Gangnam-gu")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def write(tmp_path, text, bom=False, encoding="utf-8"):
    path = tmp_path / "sites.csv"
    path.write_bytes((("\ufeff" if bom else "") + text).encode(encoding))
    return path


def import_file(tmp_path, text, **kwargs):
    call_command("import_facilities", write(tmp_path, text, **kwargs))


def refused(tmp_path, text, **kwargs):
    with pytest.raises(CommandError) as caught:
        import_file(tmp_path, text, **kwargs)
    assert not Facility.objects.exists()
    return str(caught.value)


def test_a_good_file_with_a_bom_is_imported_with_a_report(tmp_path, capsys):
    import_file(tmp_path, HEADER + GOOD, bom=True)
    out = capsys.readouterr().out
    assert "Imported: 2 created, 0 changed, 0 unchanged." in out
    assert "created SEOUL-GN-001" in out and "created SEOUL-GN-002" in out
    hub = Facility.objects.get(code="SEOUL-GN-001")
    assert not hub.is_sample
    assert (hub.district.code, hub.phone, hub.requires_approval) == ("11680", "02-555-0101", False)
    assert hub.rooms.get(kind=RoomKind.STANDARD).capacity == 12
    assert hub.rooms.get(kind=RoomKind.BOOTH).capacity == 2
    assert hub.opening_hours.count() == 5
    other = Facility.objects.get(code="SEOUL-GN-002")
    assert other.requires_approval
    assert other.rooms.get().capacity == 10


def test_importing_again_upserts_by_code_and_reports_the_change(tmp_path, capsys):
    import_file(tmp_path, HEADER + GOOD)
    import_file(tmp_path, HEADER + GOOD.replace("02-555-0101", "02-555-0199"))
    out = capsys.readouterr().out
    assert "Imported: 0 created, 1 changed, 1 unchanged." in out
    assert "changed SEOUL-GN-001" in out
    assert Facility.objects.get(code="SEOUL-GN-001").phone == "02-555-0199"
    assert Facility.objects.count() == 2
    assert Room.objects.filter(facility__code="SEOUL-GN-001").count() == 2


def test_a_new_capacity_counts_as_a_change(tmp_path, capsys):
    import_file(tmp_path, HEADER + GOOD)
    import_file(tmp_path, HEADER + GOOD.replace(",no,12,yes", ",no,8,yes"))
    assert "0 created, 1 changed" in capsys.readouterr().out
    assert Room.objects.get(facility__code="SEOUL-GN-001", kind=RoomKind.STANDARD).capacity == 8


def test_empty_optional_cells_keep_what_a_site_already_has(tmp_path, capsys):
    site = FacilityFactory(code="SEOUL-GN-002", requires_approval=True)
    RoomFactory(facility=site, capacity=6)
    BoothFactory(facility=site)
    row = GOOD.splitlines()[1].replace(",yes,,", ",,,")
    import_file(tmp_path, HEADER + row + "\n")
    site.refresh_from_db()
    assert site.requires_approval
    assert site.rooms.get(kind=RoomKind.STANDARD).capacity == 6
    assert site.rooms.filter(kind=RoomKind.BOOTH).count() == 1


def test_the_real_list_replaces_a_sample_site_of_the_same_code(tmp_path, capsys):
    sample = FacilityFactory(code="SEOUL-GN-001", is_sample=True, description=SAMPLE_NOTE)
    RoomFactory(facility=sample)
    import_file(tmp_path, HEADER + GOOD)
    assert "1 created, 1 changed" in capsys.readouterr().out
    sample.refresh_from_db()
    assert (sample.is_sample, sample.description, sample.name) == (
        False,
        "",
        "강남 창업허브 화상회의실",
    )
    assert sample.rooms.filter(kind=RoomKind.STANDARD).count() == 1


def test_an_imported_hall_site_gets_no_standard_room(tmp_path, gangnam):
    hall = FacilityFactory(code="HALL-1", district=gangnam, requires_approval=True)
    RoomFactory(facility=hall, kind=RoomKind.HALL, name="확장형 화상회의실", capacity=100)
    row = "HALL-1,한국엔젤투자협회 확장형 화상회의실,한국엔젤투자협회,association,11680,주소,37.5,127.04,,,,\n"
    import_file(tmp_path, HEADER + row)
    assert list(hall.rooms.values_list("kind", flat=True)) == [RoomKind.HALL]
    hall.refresh_from_db()
    assert hall.requires_approval


def test_the_district_may_be_given_by_region_code_and_name_and_host_type_in_korean(tmp_path):
    header = (
        "code,name,host_organization,host_type,region_code,district,address,latitude,longitude\n"
    )
    rows = (
        "A-1,가 화상회의실,가 센터,지식산업센터,11,강남구,서울 강남구 1,37.51723456789,127.0473\n"
        "A-2,나 화상회의실,나 센터,업종별 협·단체,11,Gangnam-gu,서울 강남구 2,37.5,127.04\n"
    )
    import_file(tmp_path, header + rows)
    first, second = Facility.objects.order_by("code")
    assert (first.host_type, first.district.code) == ("knowledge_center", "11680")
    assert str(first.latitude) == "37.517235"
    assert (second.host_type, second.district.code) == ("association", "11680")


def test_a_trailing_empty_column_from_a_spreadsheet_is_ignored(tmp_path):
    text = "".join(f"{line},\n" for line in (HEADER + GOOD).splitlines())
    import_file(tmp_path, text)
    assert Facility.objects.count() == 2


def test_a_file_with_bad_rows_imports_nothing_and_names_each_bad_line(tmp_path):
    bad = (
        GOOD
        + "BAD-1,,호스트,incubator,11680,주소,37.5,127.0,,,,\n"
        + "BAD-2,이름,호스트,casino,11680,주소,37.5,127.0,,,,\n"
        + "BAD-3,이름,호스트,incubator,99999,주소,37.5,127.0,,,,\n"
        + "BAD-4,이름,호스트,incubator,11680,주소,51.5,-0.12,,,,\n"
        + "SEOUL-GN-001,중복,호스트,incubator,11680,주소,37.5,127.0,,,,\n"
        + "BAD-6,이름,호스트,incubator,11680,주소,37.5,127.0,,maybe,0,\n"
        + "BAD-7,이름,호스트,incubator,11680,주소,37.5,127.0,,,,,extra\n"
    )
    message = refused(tmp_path, HEADER + bad)
    assert message.startswith("Nothing imported.")
    assert "line 4: name: This field is required." in message
    assert "line 5: host_type: unknown host type 'casino'" in message
    assert "line 6: district_code: unknown district code '99999'" in message
    assert "line 7: latitude: Ensure this value is less than or equal to 38.7" in message
    assert "line 7: longitude: Ensure this value is greater than or equal to 124.5" in message
    assert "line 8: code: 'SEOUL-GN-001' already used on line 2" in message
    assert "line 9: requires_approval: write yes or no, not 'maybe'" in message
    assert "line 9: standard_capacity: Ensure this value is greater than or equal to 1" in message
    assert "line 10: -: more cells than columns" in message
    assert "line 2:" not in message and "line 3:" not in message


def test_a_row_without_any_district_is_refused(tmp_path):
    row = "X-1,이름,호스트,incubator,,주소,37.5,127.0,,,,\n"
    message = refused(tmp_path, HEADER + row)
    assert "line 2: district_code: give district_code, or region_code and district" in message


def test_an_unknown_district_name_is_refused(tmp_path):
    header = (
        "code,name,host_organization,host_type,region_code,district,address,latitude,longitude\n"
    )
    message = refused(tmp_path, header + "X-1,이름,호스트,incubator,11,해운대구,주소,37.5,127.0\n")
    assert "line 2: district: no district '해운대구' in region '11'" in message


def test_line_numbers_count_a_quoted_cell_over_two_lines(tmp_path):
    rows = (
        'M-1,"두 줄\n이름",호스트,incubator,11680,주소,37.5,127.0,,,,\n'
        "M-2,,호스트,incubator,11680,주소,37.5,127.0,,,,\n"
    )
    assert "line 4: name:" in refused(tmp_path, HEADER + rows)


def test_a_file_without_the_required_columns_is_refused(tmp_path):
    message = refused(tmp_path, "code,name,colour\nX,Y,red\n")
    assert "line 1: missing column(s): host_organization, host_type, address" in message
    assert "line 1: unknown column(s): colour" in message


def test_a_file_with_only_a_header_is_refused(tmp_path):
    assert "no rows" in refused(tmp_path, HEADER)


def test_a_file_that_is_not_utf8_is_refused_with_the_fix(tmp_path):
    message = refused(tmp_path, HEADER + GOOD, encoding="cp949")
    assert "is not UTF-8" in message and "CSV UTF-8" in message


def test_an_unreadable_file_is_refused_clearly(tmp_path):
    with pytest.raises(CommandError, match="Cannot read .*missing.csv"):
        call_command("import_facilities", tmp_path / "missing.csv")


def test_errors_read_in_korean_by_default(tmp_path):
    with translation.override("ko"):
        message = refused(tmp_path, HEADER + "BAD-1,,호스트,incubator,11680,주소,37.5,127.0,,,,\n")
    assert "2행: name: 필수 항목입니다." in message


def test_retiring_samples_makes_the_sample_sites_rooms_unbookable(tmp_path, capsys):
    sample_room = RoomFactory(facility=FacilityFactory(code="STD-11-0001", is_sample=True))
    call_command("import_facilities", write(tmp_path, HEADER + GOOD), "--retire-samples")
    assert "Rooms of sample sites made unbookable: 1" in capsys.readouterr().out
    sample_room.refresh_from_db()
    assert not sample_room.is_active
    assert Room.objects.filter(facility__code="SEOUL-GN-001", is_active=True).count() == 2


def test_without_retiring_samples_the_sample_sites_stay_bookable(tmp_path):
    sample_room = RoomFactory(facility=FacilityFactory(code="STD-11-0001", is_sample=True))
    import_file(tmp_path, HEADER + GOOD)
    sample_room.refresh_from_db()
    assert sample_room.is_active


def test_a_refused_file_retires_nothing(tmp_path):
    sample_room = RoomFactory(facility=FacilityFactory(code="STD-11-0001", is_sample=True))
    with pytest.raises(CommandError):
        call_command(
            "import_facilities",
            write(tmp_path, HEADER + "X,,h,incubator,11680,a,37.5,127,,,,\n"),
            "--retire-samples",
        )
    sample_room.refresh_from_db()
    assert sample_room.is_active


def test_line_numbers_stay_right_after_a_blank_line(tmp_path):
    rows = "\nB-1,,호스트,incubator,11680,주소,37.5,127.0,,,,\n"
    assert "line 3: name:" in refused(tmp_path, HEADER + rows)


def test_the_example_file_in_fixtures_imports_as_the_readme_describes(capsys):
    from django.conf import settings

    from regions.loader import load_regions

    load_regions()
    call_command("import_facilities", settings.BASE_DIR / "fixtures" / "facilities-example.csv")

    sites = {site.code: site for site in Facility.objects.select_related("district__region")}
    assert list(sites) == ["BUSAN-HU-001", "JEJU-JJ-001", "SEOUL-GN-001", "SEOUL-JN-001"]
    assert sites["BUSAN-HU-001"].district.name_ko == "해운대구"
    assert sites["JEJU-JJ-001"].district.region.code == "50"
    assert sites["SEOUL-JN-001"].host_type == "sme_support_center"
    assert not any(site.is_sample for site in sites.values())
    assert Room.objects.filter(kind=RoomKind.BOOTH).count() == 2
    assert Room.objects.get(facility__code="SEOUL-GN-001", kind=RoomKind.STANDARD).capacity == 12


@pytest.mark.parametrize("code", ["SEOUL/GN-001", "-LEADING", "서울-001", "A B", "a.b"])
def test_a_code_outside_the_documented_pattern_is_refused(tmp_path, code):
    row = f"{code},이름,호스트,incubator,11680,주소,37.5,127.0,,,,\n"

    message = refused(tmp_path, HEADER + row)

    assert "line 2: code: Use letters, digits, hyphens and underscores only" in message


def test_the_command_invites_the_managers_column_once(
    tmp_path, capsys, mailoutbox, django_capture_on_commit_callbacks
):
    text = (
        "code,name,host_organization,host_type,district_code,address,latitude,longitude,managers\n"
        "SEOUL-GN-001,강남 센터,강남 창업허브,incubator,11680,서울특별시 강남구 테헤란로 1,"
        "37.5172,127.0473,kim@site.example\n"
    )
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            import_file(tmp_path, text)

    assert "invited manager kim@site.example" in capsys.readouterr().out
    assert [mail.to for mail in mailoutbox] == [["kim@site.example"]]
    site = Facility.objects.get()
    assert list(site.managers.values_list("email", flat=True)) == ["kim@site.example"]
    assert not site.managers.get().has_usable_password()
