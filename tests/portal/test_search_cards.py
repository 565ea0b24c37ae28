"""The results' room cards come from the cache under the registry's stamp: a second search
reads no room, and any change of a room or its site shows in the next search."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from reservations import rules
from rooms.models import Facility, Room
from tests.factories import RoomFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def _rooms_read_by_key(captured):
    return [q for q in captured.captured_queries if '"rooms_room"."id" IN' in q["sql"]]


def test_a_second_search_shows_the_same_cards_without_reading_the_rooms(client):
    RoomFactory.create_batch(3)
    first = client.get("/", headers=HTMX).content.decode()
    with CaptureQueriesContext(connection) as captured:
        second = client.get("/", headers=HTMX).content.decode()
    assert not _rooms_read_by_key(captured)
    assert first == second


@pytest.mark.parametrize("change", ["rename the site", "change the capacity", "equipment"])
def test_a_change_of_the_room_or_its_site_shows_in_the_next_search(client, change):
    room = RoomFactory(capacity=8, has_streaming=False)
    client.get("/", headers=HTMX)
    if change == "rename the site":
        Facility.objects.filter(pk=room.facility_id).update(name="새이름 공유회의실")
        expected = "새이름 공유회의실"
    elif change == "change the capacity":
        Room.objects.filter(pk=room.pk).update(capacity=12)
        expected = "12"
    else:
        Room.objects.filter(pk=room.pk).update(has_streaming=True)
        expected = str(Room.objects.get(pk=room.pk).equipment[-1].label)
    page = client.get("/", headers=HTMX).content.decode()
    assert expected in page


def test_each_language_has_its_own_cards():
    RoomFactory()
    korean = Client(headers={"Accept-Language": "ko", **HTMX}).get("/").content.decode()
    english = Client(headers={"Accept-Language": "en", **HTMX}).get("/").content.decode()
    assert "Standard room" in english and "Standard room" not in korean


def test_the_api_shows_a_renamed_site_at_once(client):
    room = RoomFactory()
    client.get("/api/v1/free-rooms")
    Facility.objects.filter(pk=room.facility_id).update(name="새이름 공유회의실")
    body = client.get("/api/v1/free-rooms").json()
    assert body["results"][0]["room"]["site_name"] == "새이름 공유회의실"


def test_a_second_search_asks_the_registry_nothing(client):
    RoomFactory.create_batch(3)
    client.get("/?attendees=4", headers=HTMX)
    with CaptureQueriesContext(connection) as captured:
        client.get("/?attendees=4", headers=HTMX)
    assert not [q for q in captured.captured_queries if '"rooms_room"' in q["sql"]]


def test_a_room_made_smaller_leaves_the_next_search_for_more_people(client):
    room = RoomFactory(capacity=12)
    assert room.pk in _listed(client, attendees=10)
    Room.objects.filter(pk=room.pk).update(capacity=8)
    assert room.pk not in _listed(client, attendees=10)


def test_a_room_taken_out_of_service_leaves_the_next_search(client):
    room = RoomFactory()
    assert room.pk in _listed(client)
    Room.objects.filter(pk=room.pk).update(is_active=False)
    assert room.pk not in _listed(client)


def test_the_candidates_key_holds_what_the_day_rules_read():
    """`portal.search._candidates` keeps the rooms that DAY_RULES admit under what those rules
    read of a request; a rule added to DAY_RULES must have what it reads added to that key."""
    assert {type(rule).__name__ for rule in rules.DAY_RULES} == {
        "ActiveRoom", "WithinBookingWindow", "MinimumDuration", "MaximumDuration",
        "SomeoneAttends", "WithinCapacity", "KindForTheAccount",
    }  # fmt: skip


def _listed(client, **query):
    response = client.get("/", query, headers=HTMX)
    return [row.room_id for row in response.context["results"]]
