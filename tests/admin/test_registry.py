"""What a facility manager may keep current (booking settings, opening hours, room equipment
and availability) and what only the ministry's administrators change (the registry)."""

import pytest
from django.urls import reverse

from rooms.models import Facility, OpeningHours, Room

pytestmark = pytest.mark.django_db


def facility_form_data(facility, **changes):
    hours = list(facility.opening_hours.order_by("weekday"))
    data = {
        "code": facility.code,
        "name": facility.name,
        "host_organization": facility.host_organization,
        "host_type": facility.host_type,
        "district": facility.district_id,
        "address": facility.address,
        "latitude": str(facility.latitude),
        "longitude": str(facility.longitude),
        "phone": facility.phone,
        "description": facility.description,
        "opening_hours-TOTAL_FORMS": len(hours),
        "opening_hours-INITIAL_FORMS": len(hours),
        "opening_hours-MIN_NUM_FORMS": 0,
        "opening_hours-MAX_NUM_FORMS": 7,
        "rooms-TOTAL_FORMS": 0,
        "rooms-INITIAL_FORMS": 0,
        "rooms-MIN_NUM_FORMS": 0,
        "rooms-MAX_NUM_FORMS": 0,
        "photos-TOTAL_FORMS": 0,
        "photos-INITIAL_FORMS": 0,
        "photos-MIN_NUM_FORMS": 0,
        "photos-MAX_NUM_FORMS": 1000,
    }
    for index, row in enumerate(hours):
        data.update(
            {
                f"opening_hours-{index}-id": row.pk,
                f"opening_hours-{index}-facility": facility.pk,
                f"opening_hours-{index}-weekday": row.weekday,
                f"opening_hours-{index}-opens": row.opens.strftime("%H:%M"),
                f"opening_hours-{index}-closes": row.closes.strftime("%H:%M"),
            }
        )
    data.update(changes)
    return data


def test_a_manager_changes_booking_settings_but_not_the_registry(client, owner_manager, facility_a):
    client.force_login(owner_manager)
    url = reverse("admin:rooms_facility_change", args=[facility_a.pk])
    data = facility_form_data(
        facility_a,
        name="Renamed",
        code="HIJACK",
        address="Elsewhere",
        phone="02-123-4567",
        description="3층 엘리베이터 옆",
        requires_approval="",
    )

    response = client.post(url, data)

    assert response.status_code == 302
    facility_a.refresh_from_db()
    assert (facility_a.name, facility_a.code, facility_a.address) == (
        "Facility Alpha",
        "ALPHA-1",
        "서울특별시 강남구 테헤란로 1",
    )
    assert facility_a.phone == "02-123-4567"
    assert facility_a.description == "3층 엘리베이터 옆"
    assert facility_a.requires_approval is False


def test_the_registry_is_read_only_on_the_managers_facility_page(client, owner_manager, facility_a):
    client.force_login(owner_manager)

    response = client.get(reverse("admin:rooms_facility_change", args=[facility_a.pk]))

    form = response.context["adminform"].form
    assert set(form.fields) == {
        "phone",
        "description",
        "requires_approval",
        "directions",
        "floor",
        "door_policy",
        "reception",
    }


def test_a_superuser_edits_the_registry(client, superuser, facility_a):
    client.force_login(superuser)

    response = client.get(reverse("admin:rooms_facility_change", args=[facility_a.pk]))

    form = response.context["adminform"].form
    assert {"code", "name", "district", "address", "managers"} <= set(form.fields)


def test_a_manager_sets_opening_hours(client, owner_manager, facility_a):
    client.force_login(owner_manager)
    data = facility_form_data(facility_a)
    data.update(
        {
            "opening_hours-TOTAL_FORMS": 6,
            "opening_hours-5-facility": facility_a.pk,
            "opening_hours-5-weekday": OpeningHours.Weekday.SATURDAY,
            "opening_hours-5-opens": "10:00",
            "opening_hours-5-closes": "14:00",
            "opening_hours-0-DELETE": "on",
        }
    )

    response = client.post(reverse("admin:rooms_facility_change", args=[facility_a.pk]), data)

    assert response.status_code == 302
    weekdays = list(facility_a.opening_hours.values_list("weekday", flat=True))
    assert weekdays == [1, 2, 3, 4, 5]


def test_opening_hours_closing_before_opening_are_refused(client, owner_manager, facility_a):
    client.force_login(owner_manager)
    data = facility_form_data(facility_a, **{"opening_hours-0-closes": "08:00"})

    response = client.post(reverse("admin:rooms_facility_change", args=[facility_a.pk]), data)

    assert response.status_code == 400
    assert facility_a.opening_hours.get(weekday=0).closes.hour == 18


def test_a_manager_switches_a_room_off_and_updates_equipment_only(client, owner_manager, room_a):
    client.force_login(owner_manager)
    url = reverse("admin:rooms_room_change", args=[room_a.pk])

    response = client.post(
        url,
        {
            "name": "Renamed room",
            "capacity": 99,
            "kind": "hall",
            "has_camera": "on",
            "has_streaming": "on",
            "description": "카메라 교체 중",
        },
    )

    assert response.status_code == 302
    room_a.refresh_from_db()
    assert (room_a.name, room_a.capacity, room_a.kind) == ("Room Alpha", 10, "standard")
    assert room_a.is_active is False
    assert room_a.has_streaming is True
    assert room_a.has_display is False
    assert room_a.description == "카메라 교체 중"


@pytest.mark.parametrize(
    "model, view",
    [("facility", "add"), ("room", "add"), ("facility", "delete"), ("room", "delete")],
)
def test_a_manager_neither_adds_nor_deletes_facilities_or_rooms(
    client, owner_manager, room_a, model, view
):
    client.force_login(owner_manager)
    target = {"room": room_a, "facility": room_a.facility}[model]
    url = reverse(f"admin:rooms_{model}_{view}", args=[target.pk] if view == "delete" else [])

    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Facility.objects.count() == 1
    assert Room.objects.count() == 1


def test_a_ministry_official_reads_facilities_but_cannot_change_them(
    client, ministry_official, facility_a
):
    client.force_login(ministry_official)
    url = reverse("admin:rooms_facility_change", args=[facility_a.pk])

    assert client.get(url).status_code == 200
    assert client.post(url, facility_form_data(facility_a, phone="1")).status_code == 403
    facility_a.refresh_from_db()
    assert facility_a.phone == "02-000-0000"
