"""The closure form: the browser's date and time pickers, and a room list that follows the
chosen facility (through the admin's scoped room list, or a button without JavaScript)."""

import pytest
from django.urls import reverse

from tests.factories import RoomFactory

pytestmark = pytest.mark.django_db

ROOMS = "admin:rooms_closure_rooms"


def test_the_form_offers_date_and_time_pickers_not_text(client, owner_manager, facility_a):
    client.force_login(owner_manager)

    page = client.get(reverse("admin:rooms_closure_add")).content.decode()

    assert 'type="date" name="start_0"' in page
    assert 'type="time" name="start_1"' in page
    assert 'type="date" name="end_0"' in page
    assert "HH:MM:SS" not in page
    assert "reservations/admin/closure_rooms.js" in page
    assert 'data-rooms-of="id_facility"' in page
    assert 'aria-label="start (date)"' in page and 'aria-label="end (time)"' in page


def test_the_room_list_holds_the_chosen_facilitys_rooms(client, owner_manager, room_a):
    client.force_login(owner_manager)
    booth = RoomFactory(facility=room_a.facility, name="Booth Alpha", kind="booth", capacity=2)

    response = client.get(reverse(ROOMS), {"facility": room_a.facility_id})

    assert response.status_code == 200
    assert {room["id"] for room in response.json()["rooms"]} == {room_a.pk, booth.pk}


def test_another_facilitys_rooms_are_not_listed_to_a_manager(client, owner_manager, room_a, room_b):
    client.force_login(owner_manager)

    response = client.get(reverse(ROOMS), {"facility": room_b.facility_id})

    assert response.json() == {"rooms": []}


def test_an_official_lists_any_facilitys_rooms(client, ministry_official, room_b):
    client.force_login(ministry_official)

    response = client.get(reverse(ROOMS), {"facility": room_b.facility_id})

    assert [room["id"] for room in response.json()["rooms"]] == [room_b.pk]


@pytest.mark.parametrize("value", ["abc", "1.5", "-1", "9" * 40, "", "1\x00"])
def test_a_facility_that_is_not_a_number_is_refused_with_a_400(
    client, owner_manager, room_a, value
):
    client.force_login(owner_manager)

    response = client.get(reverse(ROOMS), {"facility": value})

    assert response.status_code == 400


def test_the_public_cannot_list_rooms(client, sme_user, room_a):
    client.force_login(sme_user)

    response = client.get(reverse(ROOMS), {"facility": room_a.facility_id})

    assert response.status_code == 302  # to the admin's sign-in


def test_without_javascript_a_button_lists_the_chosen_facilitys_rooms(
    client, superuser, room_a, room_b
):
    client.force_login(superuser)

    response = client.post(
        reverse("admin:rooms_closure_add"),
        {"facility": room_a.facility_id, "_show_rooms": "1"},
        follow=True,
    )

    form = response.context["adminform"].form
    assert form.initial["facility"] == str(room_a.facility_id)
    assert list(form.fields["room"].queryset) == [room_a]


@pytest.mark.parametrize(
    "change",
    [
        {"start_0": "0001-01-01"},
        {"end_0": "9999-12-31", "end_1": "23:59"},
        {"start_1": "24:00"},
        {"start_1": "12:00:00\x00"},
        {"end_0": "2026-02-30"},
        {"reason": "x" * 100_000},
        {"room": "abc"},
        {"facility": "9" * 30},
    ],
    ids=["year-1", "year-9999", "hour-24", "nul", "feb-30", "huge-reason", "room-text", "huge-id"],
)
def test_hostile_closure_input_is_refused_with_a_400_and_saves_nothing(
    client, owner_manager, facility_a, change
):
    from rooms.models import Closure
    from tests.admin.test_closures import closure_data
    from tests.factories import next_weekday_at

    client.force_login(owner_manager)
    start = next_weekday_at(9, days_ahead=5)
    data = {**closure_data(facility_a, start, start.replace(hour=12)), **change}

    response = client.post(reverse("admin:rooms_closure_add"), data)

    assert response.status_code == 400
    assert not Closure.objects.exists()
