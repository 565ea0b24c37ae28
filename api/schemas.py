"""The shapes of the API's answers and of its query parameters, from which the OpenAPI schema
is generated. Nothing here names a booker: availability is times only."""

import datetime
from enum import Enum

from ninja import Field, Schema

from portal.forms import SearchMode, SearchOrder
from regions.models import LATITUDE_RANGE, LONGITUDE_RANGE
from rooms.models import Equipment, HostType, RoomKind

KindEnum = Enum("Kind", {kind.upper(): kind for kind in RoomKind.values}, type=str)
EquipmentEnum = Enum("EquipmentItem", {item.upper(): item for item in Equipment.values}, type=str)
HostTypeEnum = Enum("HostType", {item.upper(): item for item in HostType.values}, type=str)
ModeEnum = Enum("Mode", {mode.upper(): mode for mode in SearchMode.values}, type=str)
OrderEnum = Enum("Order", {order.upper(): order for order in SearchOrder.values}, type=str)

MAX_PAGE = 100_000
_DEGREES = r"-?\d{1,3}(\.\d{1,8})?"
AREA_PATTERN = rf"^{_DEGREES},{_DEGREES},{_DEGREES},{_DEGREES}$"


class FieldError(Schema):
    field: str | None = Field(description="The query parameter, as named in the request.")
    label: str | None = Field(description="The parameter's name in the request's language.")
    message: str


class ProblemOut(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldError] | None = None


class RegionOut(Schema):
    code: str
    slug: str
    name: str
    name_ko: str
    name_en: str
    sites_in_source: int = Field(description="Standard sites the 2021 announcement lists.")


class DistrictOut(Schema):
    code: str
    region: str = Field(description="The region's slug.")
    name: str
    name_ko: str
    name_en: str
    latitude: float
    longitude: float


class OpeningHoursOut(Schema):
    weekday: int = Field(ge=0, le=6, description="0 is Monday.")
    opens: str = Field(pattern=r"^\d{2}:\d{2}$")
    closes: str = Field(pattern=r"^\d{2}:\d{2}$")


class PlaceOut(Schema):
    region: str
    region_name: str
    district: str
    district_name: str


class SiteOut(Schema):
    code: str
    name: str
    host_organization: str
    host_type: HostTypeEnum
    address: str
    latitude: float
    longitude: float
    phone: str = Field(description="The site's public phone number.")
    requires_approval: bool = Field(description="Bookings wait for a manager's decision.")
    is_sample: bool = Field(description="Generated sample data: name and address not real.")
    place: PlaceOut
    opening_hours: list[OpeningHoursOut]
    rooms: list[int] = Field(description="Ids of the site's rooms.")


class RoomSummaryOut(Schema):
    id: int
    name: str
    title: str = Field(description="The site's name and the room's, as the portal shows it.")
    kind: KindEnum
    capacity: int
    floor_area: float | None
    equipment: list[EquipmentEnum]
    is_active: bool = Field(description="Inactive rooms cannot be booked.")
    requires_approval: bool
    site: str = Field(description="The site's code.")
    site_name: str
    address: str
    latitude: float
    longitude: float
    place: PlaceOut
    portal_url: str = Field(description="The room's page on the portal.")


class RoomOut(RoomSummaryOut):
    opening_hours: list[OpeningHoursOut]


class Pagination(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    next: str | None
    previous: str | None


class RegionPage(Pagination):
    results: list[RegionOut]


class DistrictPage(Pagination):
    results: list[DistrictOut]


class SitePage(Pagination):
    results: list[SiteOut]


class RoomPage(Pagination):
    results: list[RoomOut]


class Period(Schema):
    start: datetime.datetime
    end: datetime.datetime


class AvailabilityPeriod(Period):
    free: bool
    reason: str = Field(
        description="Why a busy period is busy (booked, closed, past), never who booked."
    )


class AvailabilityOut(Schema):
    room: int
    date: datetime.date
    opens: datetime.datetime | None
    closes: datetime.datetime | None
    closed_reason: str = Field(description="Why the room is closed all day, if it is.")
    periods: list[AvailabilityPeriod]


class FreeRoomOut(Schema):
    room: RoomSummaryOut
    free: bool = Field(description="Bookable for the whole period asked for.")
    start: datetime.datetime | None = Field(
        description="The period's start, or the next start that fits the length."
    )
    windows: list[Period] = Field(description="In mode=day, the free stretches that fit.")
    closed_reason: str
    distance_km: float | None
    book_url: str | None = Field(
        description="The portal's booking form for this room and time (the deep link)."
    )


class FreeRoomPage(Pagination):
    date: datetime.date
    start: datetime.datetime
    end: datetime.datetime
    mode: ModeEnum
    order: OrderEnum
    notices: list[str]
    results: list[FreeRoomOut]


class RegistryOut(Schema):
    sites: list[SiteOut]
    rooms: list[RoomOut]


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(50, ge=1, le=100)


class AreaQuery(Schema):
    region: str | None = Field(None, max_length=50, description="A region's slug.")
    district: str | None = Field(
        None, max_length=10, description="A district's code, with its region."
    )
    kind: KindEnum | None = None
    equipment: list[EquipmentEnum] = Field(
        [], description="Rooms with all of these (repeat the parameter)."
    )
    attendees: int | None = Field(None, ge=1, le=500, description="At least this capacity.")
    area: str | None = Field(
        None,
        max_length=100,
        pattern=AREA_PATTERN,
        description="The map's visible area in degrees: south,west,north,east.",
    )


class PlaceQuery(AreaQuery):
    lat: float | None = Field(
        None, ge=LATITUDE_RANGE[0], le=LATITUDE_RANGE[1], description="With lng: nearest first."
    )
    lng: float | None = Field(None, ge=LONGITUDE_RANGE[0], le=LONGITUDE_RANGE[1])


class SiteQuery(PageQuery, AreaQuery):
    pass


class RoomQuery(PageQuery, PlaceQuery):
    pass


class FreeRoomQuery(PlaceQuery):
    date: datetime.date | None = Field(None, description="Without it, the next open half hour.")
    start: str | None = Field(
        None, pattern=r"^\d{2}:\d{2}$", description="HH:MM on the hour or the half hour."
    )
    duration: int = Field(60, ge=30, le=600, multiple_of=30, description="Minutes.")
    mode: ModeEnum | None = None
    sort: OrderEnum | None = None
    page: int = Field(1, ge=1, le=MAX_PAGE)


class DayQuery(Schema):
    date: datetime.date | None = Field(None, description="Without it, today (Asia/Seoul).")
