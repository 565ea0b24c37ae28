"""Personal pages and files are kept by no shared cache: Cache-Control says private, no-store."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import MINISTRY_OFFICIALS
from tests.factories import ReservationFactory, UserFactory

pytestmark = pytest.mark.django_db


def kept_by_no_cache(response):
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    return {"private", "no-store"} <= directives


@pytest.fixture
def booker(client):
    user = UserFactory()
    client.force_login(user)
    return user


def test_my_reservations_the_profile_and_a_bookings_ics_are_private(client, booker):
    reservation = ReservationFactory(booked_by=booker)

    for url in (
        reverse("mine:list"),
        reverse("accounts:profile"),
        reverse("mine:ics", args=[reservation.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert kept_by_no_cache(response), url


def test_the_calendar_feed_read_by_its_key_alone_is_private(client):
    user = UserFactory()

    response = client.get(reverse("mine:feed", args=[user.calendar_token]))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_the_booking_export_and_the_dashboards_csv_are_private(client):
    official = UserFactory(is_superuser=True, is_staff=True)
    official.groups.add(Group.objects.get(name=MINISTRY_OFFICIALS))
    client.force_login(official)

    export = client.get(reverse("admin:reservations_reservation_export"))
    figures = client.get(reverse("dashboard:nation"), {"format": "csv"})

    assert export.status_code == figures.status_code == 200
    assert kept_by_no_cache(export) and kept_by_no_cache(figures)
