"""The registry as the API shows it: regions, districts, sites and rooms as plain data, and
the queries that read them in a fixed number of statements whatever the page size."""

from django.conf import settings
from django.db.models import F, Prefetch
from django.urls import reverse

from regions.models import District
from reservations import rules
from rooms.models import Facility, OpeningHours, Room


def absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def _hours(facility):
    return [
        {"weekday": row.weekday, "opens": f"{row.opens:%H:%M}", "closes": f"{row.closes:%H:%M}"}
        for row in facility.opening_hours.all()
    ]


def _place(district):
    return {
        "region": district.region.slug,
        "region_name": district.region.name,
        "district": district.code,
        "district_name": district.name,
    }


def region_out(region):
    return {
        "code": region.code,
        "slug": region.slug,
        "name": region.name,
        "name_ko": region.name_ko,
        "name_en": region.name_en,
        "sites_in_source": region.source_site_count,
    }


def district_out(district):
    return {
        "code": district.code,
        "region": district.region.slug,
        "name": district.name,
        "name_ko": district.name_ko,
        "name_en": district.name_en,
        "latitude": float(district.latitude),
        "longitude": float(district.longitude),
    }


def room_out(room, *, hours=True):
    """The room as the API shows it; `hours=False` leaves out the site's weekly opening hours
    (the free-room search's results: the day's hours are in the question)."""
    facility = room.facility
    out = {
        "id": room.pk,
        "name": room.name,
        "title": room.title,
        "kind": room.kind,
        "capacity": room.capacity,
        "floor_area": float(room.floor_area) if room.floor_area is not None else None,
        "equipment": [item.value for item in room.equipment],
        "is_active": room.is_active,
        "requires_approval": rules.needs_approval(room),
        "site": facility.code,
        "site_name": facility.name,
        "address": facility.address,
        "latitude": float(facility.latitude),
        "longitude": float(facility.longitude),
        "place": _place(facility.district),
        "portal_url": absolute(reverse("room", args=[room.pk])),
    }
    if hours:
        out["opening_hours"] = _hours(facility)
    return out


def site_out(facility):
    return {
        "code": facility.code,
        "name": facility.name,
        "host_organization": facility.host_organization,
        "host_type": facility.host_type,
        "address": facility.address,
        "latitude": float(facility.latitude),
        "longitude": float(facility.longitude),
        "phone": facility.phone,
        "requires_approval": facility.requires_approval,
        "is_sample": facility.is_sample,
        "place": _place(facility.district),
        "opening_hours": _hours(facility),
        "rooms": [room.pk for room in facility.rooms.all()],
    }


HOURS = Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday"))
HOURS_OF_FACILITY = Prefetch(
    "facility__opening_hours", queryset=OpeningHours.objects.order_by("weekday")
)


def rooms_with_details(rooms):
    """Rooms with their site, place and opening hours: two statements however many."""
    return rooms.select_related("facility__district__region").prefetch_related(HOURS_OF_FACILITY)


def sites_with_details(sites):
    """Sites with their place, opening hours and room ids: three statements however many."""
    return sites.select_related("district__region").prefetch_related(
        HOURS, Prefetch("rooms", queryset=Room.objects.order_by("pk").only("pk", "facility_id"))
    )


SITE_ORDER = (F("district__region__order"), "district__name_ko", "code")


def all_sites():
    return sites_with_details(Facility.objects.order_by(*SITE_ORDER))


def all_districts():
    return District.objects.select_related("region").order_by("region__order", "name_ko", "code")


# The open-data CSV: one row a room, with its site; declared once, header and values together.
CSV_COLUMNS = [
    ("room_id", lambda r: r["id"]),
    ("room_name", lambda r: r["name"]),
    ("kind", lambda r: r["kind"]),
    ("capacity", lambda r: r["capacity"]),
    ("floor_area", lambda r: r["floor_area"]),
    ("equipment", lambda r: " ".join(r["equipment"])),
    ("is_active", lambda r: "yes" if r["is_active"] else "no"),
    ("requires_approval", lambda r: "yes" if r["requires_approval"] else "no"),
    ("site_code", lambda r: r["site"]),
    ("site_name", lambda r: r["site_name"]),
    ("region", lambda r: r["place"]["region"]),
    ("district_code", lambda r: r["place"]["district"]),
    ("district", lambda r: r["place"]["district_name"]),
    ("address", lambda r: r["address"]),
    ("latitude", lambda r: r["latitude"]),
    ("longitude", lambda r: r["longitude"]),
    (
        "opening_hours",
        lambda r: " ".join(
            f"{h['weekday']}:{h['opens']}-{h['closes']}" for h in r["opening_hours"]
        ),
    ),
    ("portal_url", lambda r: r["portal_url"]),
]
