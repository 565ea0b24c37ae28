"""Check-in and ending early from "my reservations", on the booker's own phone."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from reservations.models import Reservation
from tests.factories import ReservationFactory, UserFactory, next_weekday_at

pytestmark = pytest.mark.django_db
MINUTE = datetime.timedelta(minutes=1)
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def at(client, booker):
    """Travel to a moment and sign the booker in there (a session lasts two hours)."""

    def travel(moment):
        traveller = time_machine.travel(moment, tick=False)
        traveller.start()
        travellers.append(traveller)
        client.force_login(booker)
        return client

    travellers = []
    yield travel
    for traveller in reversed(travellers):
        traveller.stop()


@pytest.fixture
def meeting(booker):
    start = next_weekday_at(10)
    return ReservationFactory(booked_by=booker, start=start, end=start + 2 * HOUR)


def test_the_list_shows_the_code_and_offers_check_in_only_in_the_window(at, meeting):
    check_in_url = reverse("mine:check_in", args=[meeting.pk])
    early = at(meeting.start - HOUR).get(reverse("mine:list")).content.decode()
    page = at(meeting.start - 10 * MINUTE).get(reverse("mine:list")).content.decode()

    assert meeting.code in early and check_in_url not in early
    assert check_in_url in page


def test_the_booker_checks_in_and_then_ends_the_meeting_early(at, meeting):
    client = at(meeting.start - 5 * MINUTE)
    response = client.post(reverse("mine:check_in", args=[meeting.pk]), follow=True)
    assert "체크인했습니다" in response.content.decode()
    end_url = reverse("mine:end_early", args=[meeting.pk])
    client = at(meeting.start + HOUR)
    assert end_url in client.get(reverse("mine:list")).content.decode()
    assert client.get(end_url).status_code == 200
    response = client.post(end_url, follow=True)
    assert "회의를 마쳤습니다" in response.content.decode()

    meeting.refresh_from_db()
    assert meeting.checked_in_at == meeting.start - 5 * MINUTE
    assert meeting.released_at == meeting.start + HOUR


def test_checking_in_too_early_shows_why(at, meeting):
    client = at(meeting.start - HOUR)
    response = client.post(reverse("mine:check_in", args=[meeting.pk]), follow=True)

    assert "체크인은" in response.content.decode()
    assert Reservation.objects.get(pk=meeting.pk).checked_in_at is None


def test_someone_elses_booking_is_a_404_for_check_in_and_ending(client, meeting):
    with time_machine.travel(meeting.start, tick=False):
        client.force_login(UserFactory())
        assert client.post(reverse("mine:check_in", args=[meeting.pk])).status_code == 404
        assert client.post(reverse("mine:end_early", args=[meeting.pk])).status_code == 404
    assert Reservation.objects.get(pk=meeting.pk).checked_in_at is None


def test_check_in_is_a_post_only(at, meeting):
    assert at(meeting.start).get(reverse("mine:check_in", args=[meeting.pk])).status_code == 405
