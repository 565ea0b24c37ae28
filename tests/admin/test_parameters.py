"""Every admin page refuses malformed or prying parameters with a 400 naming the problem
(web.admin.AdminSite), whoever registered the model admin."""

import re

import pytest
from django.urls import reverse

from regions.models import District
from reservations.models import Status

pytestmark = pytest.mark.django_db

BOOKINGS = "admin:reservations_reservation_changelist"
RANGE = "Enter a date between 2000-01-01 and 2100-12-31."
PHONE = "010-9876-5432"


def get(client, user, url_name, query):
    client.force_login(user)
    return client.get(reverse(url_name), query)


@pytest.mark.parametrize(
    "query",
    [
        {"start__year": "9999", "start__month": "12", "start__day": "31"},
        {"start__year": "1" + "0" * 29},
        {"start__year": "0001"},
        {"start__year": "2026", "start__month": "13"},
        {"start__year": "2026", "start__month": "2", "start__day": "x"},
    ],
)
def test_a_date_drill_down_outside_the_accepted_range_is_refused(client, superuser, query):
    response = get(client, superuser, BOOKINGS, query)

    assert response.status_code == 400
    assert RANGE in response.content.decode()


def test_a_date_drill_down_within_the_range_is_shown(client, superuser, booking_a):
    start = booking_a.start
    query = {"start__year": start.year, "start__month": start.month, "start__day": start.day}

    assert get(client, superuser, BOOKINGS, query).status_code == 200


def test_the_date_drill_down_of_a_librarys_admin_is_checked_too(client, superuser):
    response = get(client, superuser, "admin:axes_accessattempt_changelist",
                   {"attempt_time__year": "99999"})  # fmt: skip

    assert response.status_code == 400


@pytest.mark.parametrize("selected", ["abc", "1.5", "' OR 1=1", "9" * 40, "-" + "9" * 40])
def test_an_action_on_ids_that_are_not_ids_is_refused(client, owner_manager, booking_a, selected):
    client.force_login(owner_manager)

    response = client.post(
        reverse(BOOKINGS),
        {"action": "approve_selected", "index": "0", "_selected_action": [booking_a.pk, selected]},
    )

    assert response.status_code == 400
    booking_a.refresh_from_db()
    assert booking_a.status == Status.PENDING


def test_an_action_with_a_malformed_index_is_refused(client, owner_manager, booking_a):
    client.force_login(owner_manager)

    response = client.post(
        reverse(BOOKINGS),
        {"action": "approve_selected", "index": "zero", "_selected_action": [booking_a.pk]},
    )

    assert response.status_code == 400


@pytest.mark.parametrize("lookup", ["contact_phone__startswith", "contact_phone__regex"])
def test_an_official_cannot_look_up_contact_phones_digit_by_digit(
    client, ministry_official, booking_a, lookup
):
    booking_a.contact_phone = PHONE
    booking_a.save()

    response = get(client, ministry_official, BOOKINGS, {lookup: "010-9"})

    assert response.status_code == 400
    assert PHONE not in response.content.decode()


def test_the_facilitys_manager_may_filter_by_contact_phone(client, owner_manager, booking_a):
    booking_a.contact_phone = PHONE
    booking_a.save()

    response = get(client, owner_manager, BOOKINGS, {"contact_phone__startswith": "010-9"})

    assert response.status_code == 200
    assert "Alpha meeting" in response.content.decode()


@pytest.mark.parametrize("role", ["owner_manager", "ministry_official", "superuser"])
def test_nobody_filters_by_regular_expression(client, user_in_role, booking_a, role):
    response = get(client, user_in_role(role), BOOKINGS, {"purpose__regex": "(unclosed"})

    assert response.status_code == 400


@pytest.mark.parametrize("role", ["owner_manager", "ministry_official"])
def test_a_lookup_through_the_booker_is_refused(client, user_in_role, booking_a, role):
    response = get(client, user_in_role(role), BOOKINGS, {"booked_by__email__startswith": "b"})

    assert response.status_code == 400


def test_the_list_filters_links_keep_working(client, owner_manager, booking_a):
    query = {"status__exact": "pending", "room__kind__exact": "standard", "when": "upcoming"}

    response = get(client, owner_manager, BOOKINGS, query)

    assert response.status_code == 200
    assert "Alpha meeting" in response.content.decode()


ACCESS_LOG = "admin:axes_accesslog_changelist"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0001-01-01", "This list cannot be filtered by the date “0001-01-01”."),
        ("2026-12-01 00:00:00", "This list cannot be filtered by the date “2026-12-01 00:00:00”."),
        ("2026-02-30 00:00:00+09:00", "This list cannot be filtered by the date"),
        ("9999-12-31 00:00:00+09:00", RANGE),
        ("abc", "This list cannot be filtered by the date “abc”."),
    ],
)
def test_a_date_filter_outside_the_range_or_without_its_offset_is_refused(
    client, superuser, value, message
):
    response = get(client, superuser, ACCESS_LOG, {"attempt_time__gte": value})

    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_date_filters_links_keep_working(client, superuser):
    page = get(client, superuser, ACCESS_LOG, {}).content.decode()
    link = re.search(r'href="(\?attempt_time__gte=[^"]+)"', page)[1].replace("&amp;", "&")

    response = client.get(reverse(ACCESS_LOG) + link)

    assert response.status_code == 200


@pytest.mark.parametrize("region", ["abc", "2026-12-31", "1" * 100_000])
def test_an_autocomplete_field_given_no_id_is_a_form_error(client, superuser, region):
    client.force_login(superuser)

    response = client.post(
        reverse("admin:regions_district_add"),
        {
            "code": "99999",
            "name_ko": "구",
            "name_en": "Gu",
            "region": region,
            "latitude": "37.5",
            "longitude": "127.0",
        },  # fmt: skip
    )

    assert response.status_code == 400
    assert not District.objects.filter(code="99999").exists()


@pytest.mark.parametrize("value", ["1" * 100_000, "9" * 19])
def test_a_facility_filter_longer_than_any_id_is_refused(client, superuser, value):
    client.force_login(superuser)
    response = client.get(reverse("admin:rooms_closure_changelist"), {"facility": value})
    assert response.status_code in (200, 302, 400)


@pytest.mark.parametrize("value", ["1" * 100_000])
def test_a_closure_form_naming_a_facility_longer_than_any_id_is_refused(client, superuser, value):
    from rooms.models import Closure

    client.force_login(superuser)
    response = client.post(reverse("admin:rooms_closure_add"), {"facility": value})
    assert response.status_code in (200, 400)
    assert not Closure.objects.exists()
