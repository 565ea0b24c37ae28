"""Import the real list of sites from CSV: every row is validated before anything is written."""

import csv
import io
from dataclasses import dataclass, field

from django import forms
from django.db import transaction

from regions.models import LATITUDE_RANGE, LONGITUDE_RANGE, District
from rooms.models import Facility, HostType, OpeningHours, Room, RoomKind
from rooms.registry import STANDARD_EQUIPMENT

COLUMNS = (
    "code",
    "name",
    "host_organization",
    "host_type",
    "district_code",
    "address",
    "latitude",
    "longitude",
    "phone",
    "requires_approval",
    "standard_capacity",
    "has_booth",
)
REQUIRED_COLUMNS = COLUMNS[:8]


class FacilityRowForm(forms.Form):
    code = forms.CharField(max_length=32)
    name = forms.CharField(max_length=200)
    host_organization = forms.CharField(max_length=200)
    host_type = forms.ChoiceField(choices=HostType.choices)
    district_code = forms.CharField(max_length=5)
    address = forms.CharField(max_length=300)
    latitude = forms.DecimalField(
        max_digits=9, decimal_places=6, min_value=LATITUDE_RANGE[0], max_value=LATITUDE_RANGE[1]
    )
    longitude = forms.DecimalField(
        max_digits=9, decimal_places=6, min_value=LONGITUDE_RANGE[0], max_value=LONGITUDE_RANGE[1]
    )
    phone = forms.CharField(max_length=20, required=False)
    requires_approval = forms.TypedChoiceField(
        choices=[("", ""), ("yes", "yes"), ("no", "no"), ("true", "true"), ("false", "false"),
                 ("1", "1"), ("0", "0")],
        coerce=lambda value: value in ("yes", "true", "1"),
        empty_value=False,
        required=False,
    )  # fmt: skip
    standard_capacity = forms.IntegerField(min_value=1, max_value=500, required=False)
    has_booth = forms.TypedChoiceField(
        choices=[("", ""), ("yes", "yes"), ("no", "no"), ("true", "true"), ("false", "false"),
                 ("1", "1"), ("0", "0")],
        coerce=lambda value: value in ("yes", "true", "1"),
        empty_value=False,
        required=False,
    )  # fmt: skip

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.districts = districts

    def clean_district_code(self):
        code = self.cleaned_data["district_code"].strip()
        if code not in self.districts:
            raise forms.ValidationError(f"unknown district code {code!r}")
        return self.districts[code]


@dataclass
class ImportResult:
    created: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    unchanged: int = 0
    errors: list = field(default_factory=list)


FACILITY_FIELDS = ("name", "host_organization", "host_type", "district", "address",
                   "latitude", "longitude", "phone", "requires_approval")  # fmt: skip


def read_rows(text):
    """Parse CSV text (a UTF-8 BOM is allowed); return the rows and any header errors."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [column for column in REQUIRED_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        return [], [f"line 1: missing column(s): {', '.join(missing)}"]
    return list(reader), []


def validate(rows):
    districts = {d.code: d for d in District.objects.all()}
    valid, errors, seen = [], [], {}
    for line, row in enumerate(rows, start=2):
        form = FacilityRowForm(
            {k: (v or "").strip() for k, v in row.items() if k}, districts=districts
        )
        if not form.is_valid():
            for name, messages in form.errors.items():
                errors.append(f"line {line}: {name}: {' '.join(messages)}")
            continue
        code = form.cleaned_data["code"]
        if code in seen:
            errors.append(f"line {line}: code: {code!r} already used on line {seen[code]}")
            continue
        seen[code] = line
        valid.append(form.cleaned_data)
    return valid, errors


def import_facilities(text):
    """Validate every row; import all of them in one transaction, or none."""
    result = ImportResult()
    rows, result.errors = read_rows(text)
    if result.errors:
        return result
    valid, result.errors = validate(rows)
    if result.errors:
        return result
    with transaction.atomic():
        for data in valid:
            _upsert(data, result)
    return result


def _upsert(data, result):
    values = {
        name: data[name] if name != "district" else data["district_code"]
        for name in FACILITY_FIELDS
    }
    facility = Facility.objects.filter(code=data["code"]).first()
    if facility is None:
        facility = Facility.objects.create(code=data["code"], is_sample=False, **values)
        OpeningHours.objects.bulk_create(
            OpeningHours(facility=facility, weekday=day, opens=OpeningHours.DEFAULT_OPENS,
                         closes=OpeningHours.DEFAULT_CLOSES)
            for day in OpeningHours.DEFAULT_WEEKDAYS
        )  # fmt: skip
        result.created.append(data["code"])
    else:
        changed = [name for name, value in values.items() if getattr(facility, name) != value]
        if facility.is_sample:
            changed.append("is_sample")
        for name in changed:
            setattr(facility, name, values.get(name, False))
        if changed:
            facility.save()
            result.changed.append(data["code"])
        else:
            result.unchanged += 1
    capacity = data["standard_capacity"] or 10
    room, created = Room.objects.get_or_create(
        facility=facility,
        kind=RoomKind.STANDARD,
        defaults={"name": "화상회의실", "capacity": capacity, **STANDARD_EQUIPMENT},
    )
    if not created and room.capacity != capacity:
        room.capacity = capacity
        room.save(update_fields=["capacity"])
    if data["has_booth"]:
        Room.objects.get_or_create(
            facility=facility,
            kind=RoomKind.BOOTH,
            defaults={"name": "스마트워크 부스", "capacity": 2, **STANDARD_EQUIPMENT},
        )
