"""Each privacy rule, for each role: the booker, another SME user, the facility's manager, another
facility's manager, a ministry official and a superuser."""

import pytest
from django.urls import reverse

from reservations.models import PersonalDataAccess
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PHONE = "010-9876-5432"
ROLES = [
    "booker",
    "other_sme_user",
    "owner_manager",
    "other_manager",
    "ministry_official",
    "superuser",
]


@pytest.fixture
def booker(sme_user):
    return sme_user


@pytest.fixture
def other_sme_user(db):
    return UserFactory(email="other@sme.example")


@pytest.fixture
def booking(booking_a):
    booking_a.contact_phone = PHONE
    booking_a.save()
    return booking_a


def as_role(client, user_in_role, role):
    client.force_login(user_in_role(role))
    return client


# Who reaches the booking's admin page, and so reads its personal details (and is logged).
BOOKING_PAGE = {
    "booker": 302,
    "other_sme_user": 302,
    "owner_manager": 200,
    "other_manager": 404,
    "ministry_official": 200,
    "superuser": 200,
}
# Who sees the booker's contact phone and e-mail on it.
SEES_CONTACT = {"owner_manager", "superuser"}


@pytest.mark.parametrize("role", ROLES)
def test_the_bookings_admin_page_shows_contact_details_only_to_the_facility_and_logs_the_read(
    client, user_in_role, booking, role
):
    page = as_role(client, user_in_role, role).get(
        reverse("admin:reservations_reservation_change", args=[booking.pk])
    )

    assert page.status_code == BOOKING_PAGE[role]
    shown = page.content.decode()
    assert (PHONE in shown) == (role in SEES_CONTACT)
    assert (booking.booked_by.email in shown) == (role in SEES_CONTACT)
    logged = PersonalDataAccess.objects.filter(actor=user_in_role(role)).exists()
    assert logged == (page.status_code == 200)


# A filter on the contact phone: refused where the role does not see phones, empty where the
# booking is out of scope.
PHONE_LOOKUP = {
    "booker": (302, False),
    "other_sme_user": (302, False),
    "owner_manager": (200, True),
    "other_manager": (200, False),
    "ministry_official": (400, False),
    "superuser": (200, True),
}


@pytest.mark.parametrize("role", ROLES)
def test_a_lookup_by_contact_phone_reveals_nothing_a_role_may_not_see(
    client, user_in_role, booking, role
):
    response = as_role(client, user_in_role, role).get(
        reverse("admin:reservations_reservation_changelist"),
        {"contact_phone__startswith": "010-98"},
    )

    status, found = PHONE_LOOKUP[role]
    assert response.status_code == status
    assert ("Alpha meeting" in response.content.decode()) == found


EXPORT = {
    "booker": 302,
    "other_sme_user": 302,
    "owner_manager": 200,
    "other_manager": 200,
    "ministry_official": 403,
    "superuser": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_the_export_is_for_those_who_run_rooms_holds_only_their_bookings_and_is_private(
    client, user_in_role, booking, role
):
    response = as_role(client, user_in_role, role).get(
        reverse("admin:reservations_reservation_export")
    )

    assert response.status_code == EXPORT[role]
    if response.status_code == 200:
        rows = b"".join(response.streaming_content).decode("utf-8-sig")
        assert (PHONE in rows) == (role in {"owner_manager", "superuser"})
        assert "private" in response["Cache-Control"]
        assert "no-store" in response["Cache-Control"]


# The booker's own pages about the booking (portal): the booker alone.
MINE = {
    "booker": 200,
    "other_sme_user": 404,
    "owner_manager": 404,
    "other_manager": 404,
    "ministry_official": 404,
    "superuser": 404,
}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_booker_reads_their_booking_on_the_portal(client, user_in_role, booking, role):
    client = as_role(client, user_in_role, role)

    for url in (
        reverse("booking:booked", args=[booking.pk]),
        reverse("mine:ics", args=[booking.pk]),
        reverse("mine:cancel", args=[booking.pk]),
    ):
        response = client.get(url)
        assert response.status_code == MINE[role], url
        assert "no-store" in response["Cache-Control"], url


@pytest.mark.parametrize("role", ROLES)
def test_the_access_log_is_read_by_superusers_alone(client, user_in_role, booking, role):
    PersonalDataAccess.record(user_in_role("owner_manager"), [booking.pk], "export")

    response = as_role(client, user_in_role, role).get(
        reverse("admin:reservations_personaldataaccess_changelist")
    )

    expected = {"superuser": 200, "booker": 302, "other_sme_user": 302}.get(role, 403)
    assert response.status_code == expected
