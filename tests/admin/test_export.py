"""CSV export of the bookings a manager can see: Excel-friendly, scoped, filtered."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from reservations.models import Status

pytestmark = pytest.mark.django_db

EXPORT = "admin:reservations_reservation_export"
HEADER = [
    "ID",
    "facility",
    "room",
    "start",
    "end",
    "status",
    "attendees",
    "purpose",
    "company",
    "booker name",
    "booker e-mail",
    "contact phone",
    "requested at",
    "decided at",
    "decided by",
    "decision note",
]


def rows_of(response):
    raw = response.getvalue()
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_the_export_lists_the_managers_bookings_with_every_column(client, scene, owner_manager):
    booking = scene["booking_a"]
    client.force_login(owner_manager)

    response = client.get(reverse(EXPORT))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="bookings-')
    header, *rows = rows_of(response)
    assert header == HEADER
    start = timezone.localtime(booking.start)
    assert rows == [
        [
            str(booking.pk),
            "Facility Alpha",
            "Room Alpha",
            start.strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(booking.end).strftime("%Y-%m-%d %H:%M"),
            "Awaiting approval",
            "4",
            "Alpha meeting",
            "주식회사 예시",
            "김예약",
            "booker@sme.example",
            "010-1234-5678",
            timezone.localtime(booking.created_at).strftime("%Y-%m-%d %H:%M"),
            "",
            "",
            "",
        ]
    ]


def test_the_export_follows_the_changelist_filters(client, scene, owner_manager, room_a):
    from tests.factories import ReservationFactory, next_weekday_at

    ReservationFactory(
        room=room_a, status=Status.APPROVED, purpose="Approved one", start=next_weekday_at(15)
    )
    client.force_login(owner_manager)

    response = client.get(reverse(EXPORT), {"status__exact": "approved"})

    purposes = [row[7] for row in rows_of(response)[1:]]
    assert purposes == ["Approved one"]


def test_the_changelist_links_to_the_export_of_what_it_shows(client, scene, owner_manager):
    client.force_login(owner_manager)

    response = client.get(
        reverse("admin:reservations_reservation_changelist"), {"status__exact": "pending"}
    )

    assert f'{reverse(EXPORT)}?status__exact=pending"' in response.content.decode()


def test_the_superuser_exports_every_facility(client, scene, superuser):
    client.force_login(superuser)

    purposes = {row[7] for row in rows_of(client.get(reverse(EXPORT)))[1:]}

    assert purposes == {"Alpha meeting", "Bravo meeting"}


@pytest.mark.parametrize("role, status", [("ministry_official", 403), ("sme_user", 302)])
def test_the_export_is_for_those_who_run_the_rooms(client, scene, user_in_role, role, status):
    client.force_login(user_in_role(role))

    assert client.get(reverse(EXPORT)).status_code == status


def test_text_that_excel_would_run_as_a_formula_is_defused(client, owner_manager, room_a):
    from tests.factories import ReservationFactory

    ReservationFactory(room=room_a, purpose='=HYPERLINK("http://evil.example")')
    client.force_login(owner_manager)

    [_header, row] = rows_of(client.get(reverse(EXPORT)))

    assert row[7] == '\'=HYPERLINK("http://evil.example")'


def test_malformed_filters_give_a_bad_request(client, scene, owner_manager):
    client.force_login(owner_manager)

    assert client.get(reverse(EXPORT), {"when": "someday"}).status_code == 400
