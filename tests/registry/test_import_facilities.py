import pytest
from django.core.management import CommandError, call_command

from rooms.models import Facility, Room, RoomKind
from tests.factories import DistrictFactory

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


def write(tmp_path, text, bom=False):
    path = tmp_path / "sites.csv"
    path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8")
    return path


def test_a_good_file_is_imported_with_a_report(tmp_path, capsys):
    call_command("import_facilities", write(tmp_path, HEADER + GOOD, bom=True))
    assert "2 created, 0 changed" in capsys.readouterr().out
    hub = Facility.objects.get(code="SEOUL-GN-001")
    assert not hub.is_sample
    assert hub.rooms.get(kind=RoomKind.STANDARD).capacity == 12
    assert hub.rooms.filter(kind=RoomKind.BOOTH).exists()
    assert hub.opening_hours.count() == 5
    assert Facility.objects.get(code="SEOUL-GN-002").requires_approval


def test_importing_again_upserts_by_code(tmp_path, capsys):
    call_command("import_facilities", write(tmp_path, HEADER + GOOD))
    changed = GOOD.replace("02-555-0101", "02-555-0199")
    call_command("import_facilities", write(tmp_path, HEADER + changed))
    out = capsys.readouterr().out
    assert "0 created, 1 changed, 1 unchanged" in out
    assert "changed SEOUL-GN-001" in out
    assert Facility.objects.get(code="SEOUL-GN-001").phone == "02-555-0199"
    assert Room.objects.filter(facility__code="SEOUL-GN-001", kind=RoomKind.BOOTH).count() == 1


def test_a_file_with_bad_rows_imports_nothing_and_names_each_bad_line(tmp_path):
    bad = (
        GOOD
        + "BAD-1,,호스트,incubator,11680,주소,37.5,127.0,,,,\n"
        + "BAD-2,이름,호스트,casino,11680,주소,37.5,127.0,,,,\n"
        + "BAD-3,이름,호스트,incubator,99999,주소,37.5,127.0,,,,\n"
        + "BAD-4,이름,호스트,incubator,11680,주소,51.5,-0.12,,,,\n"
        + "SEOUL-GN-001,중복,호스트,incubator,11680,주소,37.5,127.0,,,,\n"
    )
    with pytest.raises(CommandError) as caught:
        call_command("import_facilities", write(tmp_path, HEADER + bad))
    message = str(caught.value)
    assert "line 4: name:" in message
    assert "line 5: host_type:" in message
    assert "line 6: district_code: unknown district code '99999'" in message
    assert "line 7: latitude:" in message and "line 7: longitude:" in message
    assert "line 8: code: 'SEOUL-GN-001' already used on line 2" in message
    assert not Facility.objects.exists()


def test_a_file_without_the_required_columns_is_refused(tmp_path):
    with pytest.raises(CommandError, match="missing column"):
        call_command("import_facilities", write(tmp_path, "code,name\nX,Y\n"))
    assert not Facility.objects.exists()


def test_an_unreadable_file_is_refused_clearly(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_facilities", tmp_path / "missing.csv")
