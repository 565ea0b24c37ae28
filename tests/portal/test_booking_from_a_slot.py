"""Booking from a slot never fails for a reason the page could have known."""

import datetime
import re

import pytest
from django.urls import reverse

from reservations.models import Reservation
from tests.factories import ReservationFactory, RoomFactory, next_weekday_at
from tests.portal.test_booking import booking_data

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)
HTMX = {"HTTP_HX_REQUEST": "true"}


def offered_durations(page):
    select = re.search(r'<select name="duration".*?</select>', page, re.S).group(0)
    return re.findall(r'<option value="(\d+)"', select), re.findall(
        r'<option value="(\d+)" selected', select
    )


def test_the_half_hour_before_a_booking_links_to_a_half_hour_booking(client):
    room = RoomFactory()
    nine = next_weekday_at(9)
    ReservationFactory(room=room, start=nine + HOUR / 2, end=nine + 2 * HOUR)

    page = client.get(f"/rooms/{room.pk}/?date={nine:%Y-%m-%d}").content.decode()

    book = reverse("booking:book", args=[room.pk])
    assert f"{book}?date={nine:%Y-%m-%d}&amp;start=09:00&amp;duration=30" in page
    assert f"{book}?date={nine:%Y-%m-%d}&amp;start=11:00&amp;duration=60" in page


def test_the_form_offers_only_durations_that_fit_the_free_time_and_books_it(booker_client):
    room = RoomFactory()
    nine = next_weekday_at(9)
    ReservationFactory(room=room, start=nine + HOUR / 2, end=nine + 2 * HOUR)
    url = reverse("booking:book", args=[room.pk])

    page = booker_client.get(f"{url}?date={nine:%Y-%m-%d}&start=09:00&duration=60").content
    offered, selected = offered_durations(page.decode())

    assert offered == ["30"] and selected == ["30"]
    response = booker_client.post(url, booking_data(nine, duration="30"))
    assert response.status_code == 302
    assert Reservation.objects.filter(room=room, start=nine, end=nine + HOUR / 2).exists()


def test_the_form_offers_no_more_than_the_rooms_longest_booking(booker_client):
    room = RoomFactory()
    nine = next_weekday_at(9)
    url = reverse("booking:book", args=[room.pk])
    offered, selected = offered_durations(
        booker_client.get(f"{url}?date={nine:%Y-%m-%d}&start=09:00&duration=600").content.decode()
    )
    assert offered[-1] == "240" and selected == ["240"]
    late, _ = offered_durations(
        booker_client.get(f"{url}?date={nine:%Y-%m-%d}&start=17:00").content.decode()
    )
    assert late == ["30", "60"]


def test_changing_the_start_in_the_form_refreshes_the_durations(booker_client):
    room = RoomFactory()
    nine = next_weekday_at(9)
    url = reverse("booking:book", args=[room.pk])
    response = booker_client.get(
        f"{url}?date={nine:%Y-%m-%d}&start=17:30&purpose=회의&attendees=3", **HTMX
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<form id="booking-form"')
    assert offered_durations(page)[0] == ["30"]
    assert 'value="회의"' in page and 'value="3"' in page


def test_a_refusal_names_the_booked_time_and_offers_times_and_rooms_that_fit_the_length(
    booker_client,
):
    room = RoomFactory()
    ten = next_weekday_at(10)
    ReservationFactory(room=room, start=ten, end=ten + HOUR)
    ReservationFactory(room=room, start=ten + 2 * HOUR, end=ten + 2.5 * HOUR)
    short_gap = RoomFactory(facility__district=room.facility.district, name="잠깐 빈 회의실")
    ReservationFactory(room=short_gap, start=ten + HOUR, end=ten + 1.5 * HOUR)
    fits = RoomFactory(facility__district=room.facility.district, name="두 시간 빈 회의실")
    url = reverse("booking:book", args=[room.pk])

    response = booker_client.post(url, booking_data(ten, duration="120"), HTTP_ACCEPT_LANGUAGE="en")

    page = response.content.decode()
    assert 'data-refusal="slot_taken"' in page
    assert "10:00–11:00" in page and "just taken" not in page
    times = re.findall(rf"{url}\?date=[\d-]+&amp;start=([\d:]+)&amp;duration=120", page)
    assert times and "11:00" not in times and "09:00" not in times
    assert "12:30" in times
    assert "두 시간 빈 회의실" in page and "잠깐 빈 회의실" not in page
    assert f"/book/{fits.pk}/?date={ten:%Y-%m-%d}&amp;start=10:00&amp;duration=120" in page


def test_a_room_page_opened_from_a_search_offers_the_searched_time(client):
    room = RoomFactory()
    ten = next_weekday_at(10)
    page = client.get(
        f"/rooms/{room.pk}/?date={ten:%Y-%m-%d}&start=10:00&duration=90",
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "Book 10:00–11:30" in page
    assert f"/book/{room.pk}/?date={ten:%Y-%m-%d}&amp;start=10:00&amp;duration=90" in page
    ReservationFactory(room=room, start=ten + HOUR, end=ten + 2 * HOUR)
    page = client.get(
        f"/rooms/{room.pk}/?date={ten:%Y-%m-%d}&start=10:00&duration=90",
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "Book 10:00–11:30" not in page
