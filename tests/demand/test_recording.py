"""Recording unmet demand: searches that found no free room, once per visitor and question in
30 minutes and without naming the visitor; bookings refused as just taken; never failing."""

import datetime

import pytest
import time_machine
from django.db import DatabaseError
from django.test import Client

from demand.models import DemandEvent
from tests.factories import ReservationFactory, RoomFactory, UserFactory, next_weekday_at
from tests.portal.test_booking import book_url, booking_data

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def booker_client(client):
    client.force_login(UserFactory())
    return client


@pytest.fixture
def busy_room():
    room = RoomFactory()
    ten = next_weekday_at(10)
    ReservationFactory(room=room, start=ten, end=ten + HOUR)
    return room, ten


def question(room, ten, **more):
    district = room.facility.district
    return {
        "region": district.region.slug,
        "district": district.code,
        "date": f"{ten:%Y-%m-%d}",
        "start": "10:00",
        "duration": "60",
        **more,
    }


def test_a_search_with_no_free_room_is_counted_once_per_visitor_and_question(client, busy_room):
    room, ten = busy_room
    for _ in range(3):
        response = client.get("/", question(room, ten))
        assert response.status_code == 200 and not response.context["results"]
    (event,) = DemandEvent.objects.all()
    district = room.facility.district
    assert (event.kind, event.region, event.district) == ("no_free_room", district.region, district)
    assert (event.facility, event.room) == (None, None)
    # Another question by the same visitor counts; so does the same question by another.
    client.get("/", question(room, ten, attendees="2"))
    Client(REMOTE_ADDR="192.0.2.7").get("/", question(room, ten))
    assert DemandEvent.objects.count() == 3


def test_the_same_question_counts_again_after_thirty_minutes(client, busy_room):
    room, ten = busy_room
    with time_machine.travel(ten - datetime.timedelta(days=1), tick=False) as traveller:
        client.get("/", question(room, ten))
        traveller.shift(datetime.timedelta(minutes=29))
        client.get("/", question(room, ten))
        assert DemandEvent.objects.count() == 1
        traveller.shift(datetime.timedelta(minutes=2))
        client.get("/", question(room, ten))
    assert DemandEvent.objects.count() == 2


def test_the_event_names_no_visitor(client, busy_room):
    room, ten = busy_room
    client.get("/", question(room, ten))
    names = {field.name for field in DemandEvent._meta.get_fields()}
    assert names == {"id", "kind", "at", "region", "district", "facility", "room"}


def test_a_search_that_found_a_free_room_is_not_counted(client, busy_room):
    room, ten = busy_room
    RoomFactory(facility=room.facility)
    response = client.get("/", question(room, ten))
    assert response.context["results"]
    assert not DemandEvent.objects.exists()


def test_live_refreshes_and_the_landings_own_guess_are_not_counted(client, busy_room):
    room, ten = busy_room
    headers = {"HX-Request": "true", "HX-Trigger": "results"}
    client.get("/", question(room, ten), headers=headers)
    district = room.facility.district
    client.get("/", {"region": district.region.slug})  # no date asked
    assert not DemandEvent.objects.exists()
    # A search the visitor makes with htmx (the form's own request) is counted.
    client.get("/", question(room, ten), headers={"HX-Request": "true"})
    assert DemandEvent.objects.count() == 1


def test_a_search_without_a_region_or_for_a_past_day_is_not_counted(client, busy_room):
    room, ten = busy_room
    client.get("/", {"date": f"{ten:%Y-%m-%d}", "start": "10:00", "duration": "60"})
    past = ten - datetime.timedelta(days=14)
    client.get("/", question(room, past))
    assert not DemandEvent.objects.exists()


def test_a_search_still_answers_when_recording_fails(client, busy_room, monkeypatch):
    room, ten = busy_room

    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(DemandEvent.objects, "create", broken)
    response = client.get("/", question(room, ten))
    assert response.status_code == 200
    assert not DemandEvent.objects.exists()


def test_a_booking_refused_as_just_taken_is_counted_with_its_room(booker_client):
    room = RoomFactory()
    start = next_weekday_at(10)
    ReservationFactory(room=room, start=start)
    response = booker_client.post(book_url(room), booking_data(start))
    assert 'data-refusal="slot_taken"' in response.content.decode()
    (event,) = DemandEvent.objects.all()
    site = room.facility
    assert (event.kind, event.room, event.facility) == ("just_taken", room, site)
    assert (event.district, event.region) == (site.district, site.district.region)


def test_other_refusals_are_not_counted(booker_client):
    room = RoomFactory()
    response = booker_client.post(book_url(room), booking_data(next_weekday_at(10), attendees="0"))
    assert response.status_code == 400
    assert not DemandEvent.objects.exists()
