"""Import the real list of sites from CSV: every row is validated before anything is written.

Columns are documented in README.md ("The registry and the real list"). Rows are upserted by
`code`; an empty optional cell keeps what the site already has. The `import_facilities`
command and the admin's import (a preview first: `import_facilities(text, dry_run=True)`)
both come here. A `managers` cell adds managers by e-mail address: an address without an
account gets one without a password and an invitation (accounts/invitations.py), once.
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import EmailValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import invitations
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
OPTIONAL_COLUMNS = ("phone", "requires_approval", "standard_capacity", "has_booth", "managers")
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


class ManagersField(forms.CharField):
    """E-mail addresses separated by semicolons or spaces; empty adds no manager."""

    def to_python(self, value):
        value = super().to_python(value)
        addresses = []
        for address in value.replace(";", " ").replace(",", " ").split():
            address = address.strip().lower()
            EmailValidator(message=_("%(value)r is not an e-mail address") % {"value": address})(
                address
            )
            if address not in addresses:
                addresses.append(address)
        return addresses


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
    managers = ManagersField(required=False, max_length=5000)

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
class Line:
    """What an import does with one line of the file, for its preview."""

    line: int
    code: str
    action: str  # "create", "change" or "unchanged"
    changes: list = field(default_factory=list)  # field names, and the managers added
    new_managers: list = field(default_factory=list)  # addresses that get an account


@dataclass
class ImportResult:
    created: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    unchanged: int = 0
    retired_rooms: int = 0
    errors: list = field(default_factory=list)
    lines: list = field(default_factory=list)
    invited: list = field(default_factory=list)  # addresses of the new managers' accounts


class ImportFileError(Exception):
    """The file cannot be read as a list (not UTF-8, say); the message says how to fix it."""


def decode(data, file_name):
    """The file's text (UTF-8, with or without a BOM), or ImportFileError with the fix."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _(
                "%(file)s is not UTF-8 (%(error)s). Save it as “CSV UTF-8” "
                "(Excel) or convert it: iconv -f cp949 -t utf-8"
            )
            % {"file": file_name, "error": error.reason}
        ) from error


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
        valid.append({**form.cleaned_data, "line": line})
    return valid, errors


def import_facilities(text, *, retire_samples=False, dry_run=False):
    """Validate every row; import all of them in one transaction, or none.

    With dry_run, only say what the import would do (result.lines), writing nothing.

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
    if result.errors or dry_run:
        return result
    with transaction.atomic():
        plan.apply(result)
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
    manager_links: list = field(default_factory=list)  # (site code, address) to add
    new_managers: list = field(default_factory=list)  # addresses without an account
    existing_managers: dict = field(default_factory=dict)  # address -> user to make a manager

    def apply(self, result):
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
        self.apply_managers(result)

    def apply_managers(self, result):
        if not self.manager_links:
            return
        created = invitations.create_managers(self.new_managers)
        invitations.make_managers(self.existing_managers.values())
        users = {user.email: user for user in [*created, *self.existing_managers.values()]}
        sites = dict(
            Facility.objects.filter(code__in={code for code, _ in self.manager_links}).values_list(
                "code", "pk"
            )
        )
        Link = Facility.managers.through
        Link.objects.bulk_create(
            [
                Link(facility_id=sites[code], user_id=users[address].pk)
                for code, address in self.manager_links
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        invitations.invite(created)
        result.invited = [user.email for user in created]


def _plan(valid, result):
    """What the rows change, read without locks; fills in the result's report."""
    plan = _Plan()
    facilities = {f.code: f for f in Facility.objects.filter(code__in=[d["code"] for d in valid])}
    addresses = {address for data in valid for address in data["managers"]}
    accounts = {
        user.email: user
        for user in get_user_model().objects.filter(email__in=addresses).prefetch_related("groups")
    }
    linked = set(
        Facility.managers.through.objects.filter(
            facility__in=facilities.values(), user__email__in=addresses
        ).values_list("facility__code", "user__email")
    )
    rooms = {
        (room.facility_id, room.kind): room
        for room in Room.objects.filter(facility__in=facilities.values()).order_by("-pk")
    }
    with_rooms = {facility_id for facility_id, _kind in rooms}
    for data in valid:
        code = data["code"]
        facility = facilities.get(code)
        line = Line(data["line"], code, "unchanged")
        if facility is None:
            plan.new_sites.append(data)
            result.created.append(code)
            line.action = "create"
        elif changes := _changes(plan, facility, data, rooms, with_rooms):
            result.changed.append(code)
            line.action, line.changes = "change", [_change_label(name) for name in changes]
        for address in data["managers"]:
            if (code, address) in linked:
                continue
            account = accounts.get(address)
            if account is None:
                if address not in plan.new_managers:
                    plan.new_managers.append(address)
                line.new_managers.append(address)
            elif account.email_verified_at is None and account.has_usable_password():
                # Whoever signed up with the address without opening its link may not be
                # its owner: they must not become a manager with a password they chose.
                result.errors.append(
                    line_error(
                        data["line"],
                        "managers",
                        _(
                            "%(address)s has an account whose address was never confirmed; "
                            "it can become a manager once its owner confirms it"
                        )
                        % {"address": address},
                    )
                )
                continue
            else:
                plan.existing_managers[address] = account
                line.changes.append(_("manager %(address)s") % {"address": address})
            plan.manager_links.append((code, address))
            if line.action == "unchanged":
                line.action = "change"
                result.changed.append(code)
        if line.action == "unchanged":
            result.unchanged += 1
        result.lines.append(line)
    return plan


def _change_label(name):
    """A change's name as people read it: the field's verbose name, or the room added."""
    rooms = {"standard room": RoomKind.STANDARD.label, "booth": RoomKind.BOOTH.label}
    if name in rooms:
        return str(rooms[name])
    return str(Facility._meta.get_field(name).verbose_name)


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
    return changed
