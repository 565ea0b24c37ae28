"""Closing a region, a district or the country from the admin: the official sees the sites
and bookings first, then closes them all through services.close_area; managers cannot."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reservations.models import Status
from rooms.models import AreaClosure, Closure
from tests.factories import next_weekday_at

pytestmark = pytest.mark.django_db

ADD = "admin:rooms_areaclosure_add"


def area_data(start, end, region=None, district=None, reason="태풍 북상", **extra):
    start, end = timezone.localtime(start), timezone.localtime(end)
    return {
        "region": region.pk if region else "",
        "district": district.pk if district else "",
        "start_0": start.strftime("%Y-%m-%d"),
        "start_1": start.strftime("%H:%M"),
        "end_0": end.strftime("%Y-%m-%d"),
        "end_1": end.strftime("%H:%M"),
        "reason": reason,
        "_save": "Save",
        **extra,
    }


@pytest.fixture
def day(booking_a):
    start = timezone.localtime(booking_a.start).replace(hour=0)
    return start, start + datetime.timedelta(days=1)


def test_the_official_sees_the_sites_and_bookings_before_anything_is_saved(
    client, ministry_official, scene, day, mailoutbox
):
    client.force_login(ministry_official)

    response = client.post(reverse(ADD), area_data(*day))

    assert response.status_code == 200
    assert response.context["site_count"] == 2
    assert response.context["booking_count"] == 2
    page = response.content.decode()
    assert "Room Alpha" in page and "Room Bravo" in page
    assert not AreaClosure.objects.exists()
    assert Closure.objects.count() == 2  # only the scene's own two
    assert mailoutbox == []


def test_confirming_closes_every_site_and_cancels_with_notice(
    client, ministry_official, scene, day, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(ministry_official)
    preview = client.post(reverse(ADD), area_data(*day))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(ADD),
            area_data(*day, _bookings_fingerprint=preview.context["fingerprint"]),
            follow=True,
        )

    assert response.status_code == 200
    area = AreaClosure.objects.get()
    assert area.created_by == ministry_official
    assert area.closures.count() == 2
    for booking in (scene["booking_a"], scene["booking_b"]):
        booking.refresh_from_db()
        assert booking.status == Status.CANCELLED
    assert len(mailoutbox) == 2


def test_a_booking_made_meanwhile_shows_the_list_again(
    client, ministry_official, scene, day, sme_user
):
    client.force_login(ministry_official)
    preview = client.post(reverse(ADD), area_data(*day))
    scene["booking_b"].delete()

    response = client.post(
        reverse(ADD), area_data(*day, _bookings_fingerprint=preview.context["fingerprint"])
    )

    assert response.status_code == 200
    assert response.context["changed_meanwhile"]
    assert not AreaClosure.objects.exists()


def test_aborting_saves_nothing(client, superuser, scene, day):
    client.force_login(superuser)

    response = client.post(reverse(ADD), area_data(*day, _abort="Abort"))

    assert response.status_code == 302
    assert not AreaClosure.objects.exists()
    scene["booking_a"].refresh_from_db()
    assert scene["booking_a"].status == Status.PENDING


@pytest.mark.parametrize("role", ["owner_manager", "sme_user"])
def test_managers_and_the_public_cannot_close_an_area(client, user_in_role, role, scene, day):
    client.force_login(user_in_role(role))

    page = client.get(reverse(ADD))
    post = client.post(reverse(ADD), area_data(*day))

    assert page.status_code in (302, 403)
    assert post.status_code in (302, 403)
    assert not AreaClosure.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"start_0": "0001-01-01"},
        {"end_0": "9999-12-31"},
        {"start_1": "25:61"},
        {"reason": "x" * 100_000},
        {"reason": "태풍\x01"},
        {"region": "abc"},
        {"district": "99999999999999999999999"},
    ],
    ids=["year-1", "year-9999", "bad-time", "huge-reason", "control", "region-text", "huge-id"],
)
def test_hostile_input_is_refused_with_a_400_and_saves_nothing(
    client, superuser, scene, day, change
):
    client.force_login(superuser)

    response = client.post(reverse(ADD), {**area_data(*day), **change})

    assert response.status_code == 400
    assert not AreaClosure.objects.exists()


def test_a_region_and_a_district_together_are_refused(client, superuser, scene, day):
    client.force_login(superuser)
    district = scene["facility_a"].district

    response = client.post(reverse(ADD), area_data(*day, region=district.region, district=district))

    assert response.status_code == 400
    assert not AreaClosure.objects.exists()


def test_a_start_after_the_end_is_refused(client, superuser, scene):
    client.force_login(superuser)
    start = next_weekday_at(9, days_ahead=3)

    response = client.post(reverse(ADD), area_data(start, start - datetime.timedelta(hours=1)))

    assert response.status_code == 400
    assert not AreaClosure.objects.exists()


def test_the_list_of_area_closures_takes_a_fixed_number_of_queries(
    client, superuser, scene, day, django_assert_max_num_queries
):
    from reservations import services

    for reason in ("태풍", "폭설", "임시 공휴일"):
        services.close_area(superuser, AreaClosure(start=day[0], end=day[1], reason=reason))
    client.force_login(superuser)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("admin:rooms_areaclosure_changelist"))

    assert response.status_code == 200
    assert response.content.decode().count("임시 공휴일") >= 1
