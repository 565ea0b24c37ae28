"""Contact phones are shown to the facility's managers and superusers, not to ministry officials."""

import pytest

pytestmark = pytest.mark.django_db
PHONE = "010-9876-5432"


def change_page(client, user, booking):
    booking.contact_phone = PHONE
    booking.save()
    client.force_login(user)
    return client.get(f"/admin/reservations/reservation/{booking.pk}/change/")


@pytest.mark.parametrize("role", ["owner_manager", "superuser"])
def test_managers_and_superusers_see_the_contact_phone(client, booking_a, role, request):
    response = change_page(client, request.getfixturevalue(role), booking_a)
    assert response.status_code == 200
    assert PHONE in response.content.decode()


def test_a_ministry_official_reads_the_booking_without_the_contact_phone(
    client, booking_a, ministry_official
):
    response = change_page(client, ministry_official, booking_a)
    assert response.status_code == 200
    assert "Alpha meeting" in response.content.decode()
    assert PHONE not in response.content.decode()


def test_a_ministry_official_cannot_search_bookings_by_phone(client, booking_a, ministry_official):
    booking_a.contact_phone = PHONE
    booking_a.save()
    client.force_login(ministry_official)
    response = client.get("/admin/reservations/reservation/", {"q": "9876"})
    assert response.status_code == 200
    assert "Alpha meeting" not in response.content.decode()
