"""Import the real list of sites from CSV: every row is validated before anything is written.

Columns are documented in README.md ("The registry and the real list"). Rows are upserted by
`code`; an empty optional cell keeps what the site already has.
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from regions.models import LATITUDE_RANGE, LONGITUDE_RANGE, District
from rooms.models import (
    Facility,
    HostType,
    OpeningHours,
    Room,
    RoomKind,
    validate_facility_code,
)
from rooms.sample_registry import BOOTH, SAMPLE_NOTE, STANDARD_ROOM

REQUIRED_COLUMNS = (
    "code",
    "name",
    "host_organization",
    "host_type",
    "address",
    "latitude",
    "longitude",
)
# The district is given by its code, or by the region's code and the district's name.
DISTRICT_COLUMNS = ("district_code", "region_code", "district")
OPTIONAL_COLUMNS = ("phone", "requires_approval", "standard_capacity", "has_booth")
COLUMNS = REQUIRED_COLUMNS + DISTRICT_COLUMNS + OPTIONAL_COLUMNS

# The source's own words for the host types, accepted beside the codes.
HOST_TYPE_NAMES = {
    "지식산업센터": HostType.KNOWLEDGE_INDUSTRY_CENTER,
    "창업보육센터": HostType.STARTUP_INCUBATOR,
    "테크노파크": HostType.TECHNOPARK,
    "창조경제혁신센터": HostType.CREATIVE_ECONOMY_CENTER,
    "중장년센터": HostType.MID_CAREER_CENTER,
    "중소기업지원센터": HostType.SME_SUPPORT_CENTER,
    "공공기관": HostType.PUBLIC_AGENCY,
    "업종별 협·단체": HostType.INDUSTRY_ASSOCIATION,
    "업종별 협단체": HostType.INDUSTRY_ASSOCIATION,
}
YES = ("yes", "y", "true", "1", "예")
NO = ("no", "n", "false", "0", "아니오")
COORDINATE = Decimal("0.000001")


class YesNoField(forms.Field):
    """yes/no (also true/false, 1/0, 예/아니오); empty is None, meaning "keep as it is"."""

    def to_python(self, value):
        value = (value or "").strip().lower()
        if not value:
            return None
        if value in YES:
            return True
        if value in NO:
            return False
        raise forms.ValidationError(_("write yes or no, not %(value)r") % {"value": value})


class CoordinateField(forms.DecimalField):
    """Any precision is accepted (geocoders give many decimals) and kept to six places."""

    def clean(self, value):
        value = super().clean(value)
        return value.quantize(COORDINATE, rounding=ROUND_HALF_UP) if value is not None else None


class FacilityRowForm(forms.Form):
    code = forms.CharField(
        max_length=Facility._meta.get_field("code").max_length,
        validators=[validate_facility_code],
    )
    name = forms.CharField(max_length=Facility._meta.get_field("name").max_length)
    host_organization = forms.CharField(
        max_length=Facility._meta.get_field("host_organization").max_length
    )
    host_type = forms.CharField()
    district_code = forms.CharField(required=False)
    region_code = forms.CharField(required=False)
    district = forms.CharField(required=False)
    address = forms.CharField(max_length=Facility._meta.get_field("address").max_length)
    latitude = CoordinateField(min_value=LATITUDE_RANGE[0], max_value=LATITUDE_RANGE[1])
    longitude = CoordinateField(min_value=LONGITUDE_RANGE[0], max_value=LONGITUDE_RANGE[1])
    phone = forms.CharField(max_length=Facility._meta.get_field("phone").max_length, required=False)
    requires_approval = YesNoField(required=False)
    standard_capacity = forms.IntegerField(min_value=1, max_value=100, required=False)
    has_booth = YesNoField(required=False)

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.districts = districts

    def clean_host_type(self):
        value = self.cleaned_data["host_type"]
        host_type = HOST_TYPE_NAMES.get(value, value.lower())
        if host_type not in HostType.values:
            raise forms.ValidationError(
                _("unknown host type %(value)r; use one of %(choices)s")
                % {"value": value, "choices": ", ".join(HostType.values)}
            )
        return host_type

    def clean(self):
        data = super().clean()
        code, region_code, name = (data.get(c) for c in DISTRICT_COLUMNS)
        if code:
            district = self.districts["code"].get(code)
            if district is None:
                self.add_error(
                    "district_code", _("unknown district code %(code)r") % {"code": code}
                )
        elif region_code and name:
            district = self.districts["name"].get((region_code, name))
            if district is None:
                self.add_error(
                    "district",
                    _("no district %(name)r in region %(region)r")
                    % {"name": name, "region": region_code},
                )
        else:
            district = None
            self.add_error("district_code", _("give district_code, or region_code and district"))
        data["district"] = district
        return data


@dataclass
class ImportResult:
    created: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    unchanged: int = 0
    retired_rooms: int = 0
    errors: list = field(default_factory=list)


FACILITY_FIELDS = ("name", "host_organization", "host_type", "district", "address",
                   "latitude", "longitude", "phone")  # fmt: skip


def line_error(line, column, message):
    return _("line %(line)s: %(column)s: %(message)s") % {
        "line": line,
        "column": column,
        "message": message,
    }


def read_rows(text):
    """Parse CSV text (a UTF-8 BOM is allowed); return [(line, row)] and any file errors."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    columns = [column.strip() for column in reader.fieldnames or []]
    reader.fieldnames = columns
    errors = []
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if not ("district_code" in columns or {"region_code", "district"} <= set(columns)):
        missing.append("district_code")
    if missing:
        errors.append(_("line 1: missing column(s): %s") % ", ".join(missing))
    # An empty header cell (a trailing comma from a spreadsheet) is ignored with its column.
    unknown = [column for column in columns if column and column not in COLUMNS]
    if unknown:
        errors.append(_("line 1: unknown column(s): %s") % ", ".join(unknown))
    if errors:
        return [], errors
    rows = []
    for row in reader:
        # line_num is the record's last line; a quoted cell may span several.
        cells = [
            v for value in row.values() for v in (value if isinstance(value, list) else [value])
        ]
        rows.append((reader.line_num - sum((cell or "").count("\n") for cell in cells), row))
    if not rows:
        errors.append(_("the file has no rows below its header"))
    return rows, errors


def validate(rows):
    """Validate every row; return the cleaned rows and one message per problem, by line."""
    districts = {"code": {}, "name": {}}
    for district in District.objects.select_related("region"):
        districts["code"][district.code] = district
        districts["name"][(district.region.code, district.name_ko)] = district
        districts["name"][(district.region.code, district.name_en)] = district
    valid, errors, seen = [], [], {}
    for line, row in rows:
        if row.get(None):
            errors.append(line_error(line, "-", _("more cells than columns")))
            continue
        data = {column: (value or "").strip() for column, value in row.items() if column}
        form = FacilityRowForm(data, districts=districts)
        if not form.is_valid():
            for column, messages in form.errors.items():
                errors.append(line_error(line, column, " ".join(messages)))
            continue
        code = form.cleaned_data["code"]
        if code in seen:
            message = _("%(code)r already used on line %(line)s") % {
                "code": code,
                "line": seen[code],
            }
            errors.append(line_error(line, "code", message))
            continue
        seen[code] = line
        valid.append(form.cleaned_data)
    return valid, errors


def import_facilities(text, *, retire_samples=False):
    """Validate every row; import all of them in one transaction, or none.

    The changes are worked out from a plain read first, and written at the end in a few bulk
    statements: the transaction locks only the rows it changes, and only for the time the
    writes take, so bookings go on while a long list is read (a booking locks its room row,
    never the facility's). With retire_samples, the rooms of the sample sites still left are
    made unbookable (kept, with their bookings, for the record) once the real list is in.
    """
    result = ImportResult()
    rows, result.errors = read_rows(text)
    if result.errors:
        return result
    valid, result.errors = validate(rows)
    if result.errors:
        return result
    plan = _plan(valid, result)
    with transaction.atomic():
        plan.apply()
        if retire_samples:
            result.retired_rooms = Room.objects.filter(
                facility__is_sample=True, is_active=True
            ).update(is_active=False)
    return result


BATCH = 1000


@dataclass
class _Plan:
    """The writes an import makes, worked out before any of them."""

    new_sites: list = field(default_factory=list)  # cleaned rows
    site_changes: dict = field(default_factory=dict)  # facility -> changed field names
    room_capacities: list = field(default_factory=list)  # rooms with their new capacity
    new_rooms: list = field(default_factory=list)  # unsaved rooms of existing sites

    def apply(self):
        now = timezone.now()
        by_fields = {}
        for facility, changed in self.site_changes.items():
            facility.updated_at = now
            by_fields.setdefault(tuple(sorted(changed)), []).append(facility)
        for fields, facilities in by_fields.items():
            Facility.objects.bulk_update(facilities, [*fields, "updated_at"], batch_size=BATCH)
        Room.objects.bulk_update(self.room_capacities, ["capacity"], batch_size=BATCH)
        created = Facility.objects.bulk_create(
            [
                Facility(
                    code=data["code"],
                    **{name: data[name] for name in FACILITY_FIELDS},
                    requires_approval=bool(data["requires_approval"]),
                    is_sample=False,
                )
                for data in self.new_sites
            ],
            batch_size=BATCH,
        )
        OpeningHours.objects.bulk_create(
            (
                OpeningHours(facility=facility, weekday=day, opens=OpeningHours.DEFAULT_OPENS,
                             closes=OpeningHours.DEFAULT_CLOSES)
                for facility in created
                for day in OpeningHours.DEFAULT_WEEKDAYS
            ),
            batch_size=BATCH,
        )  # fmt: skip
        rooms = list(self.new_rooms)
        for facility, data in zip(created, self.new_sites, strict=True):
            rooms.append(
                Room(
                    facility=facility,
                    **{**STANDARD_ROOM, "capacity": data["standard_capacity"] or 10},
                )
            )
            if data["has_booth"]:
                rooms.append(Room(facility=facility, **BOOTH))
        Room.objects.bulk_create(rooms, batch_size=BATCH)


def _plan(valid, result):
    """What the rows change, read without locks; fills in the result's report."""
    plan = _Plan()
    facilities = {f.code: f for f in Facility.objects.filter(code__in=[d["code"] for d in valid])}
    rooms = {
        (room.facility_id, room.kind): room
        for room in Room.objects.filter(facility__in=facilities.values()).order_by("-pk")
    }
    with_rooms = {facility_id for facility_id, _kind in rooms}
    for data in valid:
        facility = facilities.get(data["code"])
        if facility is None:
            plan.new_sites.append(data)
            result.created.append(data["code"])
        elif _changes(plan, facility, data, rooms, with_rooms):
            result.changed.append(data["code"])
        else:
            result.unchanged += 1
    return plan


def _changes(plan, facility, data, rooms, with_rooms):
    """Plan what brings an existing site in line with its row; return whether anything does."""
    values = {name: data[name] for name in FACILITY_FIELDS}
    if data["requires_approval"] is not None:
        values["requires_approval"] = data["requires_approval"]
    if facility.is_sample:
        # The real list replaces a sample site of the same code.
        values["is_sample"] = False
        if facility.description == SAMPLE_NOTE:
            values["description"] = ""
    changed = [name for name, value in values.items() if getattr(facility, name) != value]
    for name in changed:
        setattr(facility, name, values[name])
    if changed:
        plan.site_changes[facility] = list(changed)

    standard = rooms.get((facility.pk, RoomKind.STANDARD))
    capacity = data["standard_capacity"]
    if facility.pk not in with_rooms:
        plan.new_rooms.append(
            Room(facility=facility, **{**STANDARD_ROOM, "capacity": capacity or 10})
        )
        changed.append("standard room")
    elif standard and capacity and standard.capacity != capacity:
        standard.capacity = capacity
        plan.room_capacities.append(standard)
        changed.append("standard room")
    if data["has_booth"] and (facility.pk, RoomKind.BOOTH) not in rooms:
        plan.new_rooms.append(Room(facility=facility, **BOOTH))
        changed.append("booth")
    return bool(changed)
