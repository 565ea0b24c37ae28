"""The waitlist on the portal: joining from a taken slot, a refusal or an empty search; the
offer in My reservations; and every form and URL refusing hostile input with a 4xx."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from reservations.models import Reservation, Status
from reservations.services import book, cancel
from tests.factories import (
    DistrictFactory,
    ReservationFactory,
    RoomFactory,
    UserFactory,
    next_weekday_at,
)
from waitlist import services
from waitlist.models import Entry, EntryStatus, WaitlistEvent
from waitlist.services import Wish

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)
JOIN = "/waitlist/join/"


def join_data(when, place=None, **fields):
    data = {
        "date": f"{when:%Y-%m-%d}",
        "start": f"{when:%H:%M}",
        "duration": "60",
        "attendees": "3",
        "purpose": "투자 상담",
    }
    if place is not None:
        data["room"] = str(place.pk)
    data.update(fields)
    return data


@pytest.fixture
def taken_room():
    room = RoomFactory()
    start = next_weekday_at(10)
    ReservationFactory(room=room, start=start, end=start + HOUR)
    return room, start


def test_a_taken_slot_on_the_room_page_links_to_the_waitlist_and_shows_the_count(
    client, booker, taken_room
):
    room, start = taken_room
    services.join(
        UserFactory(), Wish(start=start, end=start + HOUR, attendees=2, purpose="x", room=room)
    )
    response = client.get(f"/rooms/{room.pk}/?date={start:%Y-%m-%d}", HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert (
        f"{JOIN}?room={room.pk}&amp;date={start:%Y-%m-%d}&amp;start=10:00&amp;duration=30" in page
    )
    assert "1 person is on this room's waitlist." in page
    # The count only: nothing about who waits.
    assert "@example.com" not in page


def test_joining_from_the_link_puts_the_user_in_line_and_shows_it_in_my_reservations(
    booker_client, booker, taken_room
):
    room, start = taken_room
    form = booker_client.get(f"{JOIN}?room={room.pk}&date={start:%Y-%m-%d}&start=10:00&duration=60")
    assert form.status_code == 200
    assert room.title in form.content.decode()
    response = booker_client.post(JOIN, join_data(start, room))
    assert response.status_code == 302 and response["Location"] == "/my/"
    entry = Entry.objects.get()
    assert (entry.user, entry.room, entry.start, entry.end) == (booker, room, start, start + HOUR)
    assert entry.attendees == 3 and entry.purpose == "투자 상담"
    mine = booker_client.get("/my/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Waitlist" in mine and f"/waitlist/{entry.pk}/leave/" in mine


def test_the_just_taken_refusal_offers_the_waitlist(booker_client, taken_room):
    room, start = taken_room
    response = booker_client.post(
        f"/book/{room.pk}/",
        {"date": f"{start:%Y-%m-%d}", "start": "10:00", "duration": "60", "attendees": "2",
         "purpose": "회의"},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    page = response.content.decode()
    assert 'data-refusal="slot_taken"' in page
    assert f"{JOIN}?room={room.pk}&amp;date={start:%Y-%m-%d}&amp;start=10%3A00" in page
    assert "Join the waitlist for this time" in page


def test_an_empty_search_offers_to_wait_for_any_matching_room(booker_client):
    district = DistrictFactory()
    room = RoomFactory(facility__district=district)
    start = next_weekday_at(10)
    ReservationFactory(room=room, start=start, end=start + HOUR)
    query = f"region={district.region.slug}&date={start:%Y-%m-%d}&start=10:00&duration=60"
    page = booker_client.get(f"/?{query}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Wait for any room matching this search" in page
    assert f"{JOIN}?" in page
    response = booker_client.post(JOIN, join_data(start, region=district.region.slug))
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert entry.room is None and entry.region == district.region


def test_an_offer_in_my_reservations_is_confirmed_with_one_click(
    booker_client, booker, django_capture_on_commit_callbacks
):
    room = RoomFactory()
    start = next_weekday_at(10)
    taken = book(UserFactory(), room, start, start + HOUR, attendees=2, purpose="먼저")
    entry = services.join(
        booker, Wish(start=start, end=start + HOUR, attendees=2, purpose="대기", room=room)
    )
    with django_capture_on_commit_callbacks(execute=True):
        cancel(taken.booked_by, taken)
    page = booker_client.get("/my/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"/waitlist/{entry.pk}/confirm/" in page and f"/waitlist/{entry.pk}/decline/" in page
    response = booker_client.post(f"/waitlist/{entry.pk}/confirm/")
    assert response.status_code == 302
    booking = Reservation.objects.get(booked_by=booker)
    assert booking.status == Status.APPROVED and booking.start == start
    page = booker_client.get("/my/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert booking.code in page


def test_declining_and_leaving_from_my_reservations(
    booker_client, booker, django_capture_on_commit_callbacks
):
    room = RoomFactory()
    start = next_weekday_at(10)
    taken = book(UserFactory(), room, start, start + HOUR, attendees=2, purpose="먼저")
    offered = services.join(
        booker, Wish(start=start, end=start + HOUR, attendees=2, purpose="대기", room=room)
    )
    later = next_weekday_at(14)
    ReservationFactory(room=room, start=later, end=later + HOUR)
    waiting = services.join(
        booker, Wish(start=later, end=later + HOUR, attendees=2, purpose="대기", room=room)
    )
    with django_capture_on_commit_callbacks(execute=True):
        cancel(taken.booked_by, taken)
    with django_capture_on_commit_callbacks(execute=True):
        assert booker_client.post(f"/waitlist/{offered.pk}/decline/").status_code == 302
    assert booker_client.post(f"/waitlist/{waiting.pk}/leave/").status_code == 302
    offered.refresh_from_db()
    waiting.refresh_from_db()
    assert offered.status == EntryStatus.DECLINED and waiting.status == EntryStatus.LEFT
    assert not Reservation.objects.offers().exists()


@pytest.mark.parametrize("action", ["confirm", "decline", "leave"])
def test_another_users_entry_is_a_404_and_unchanged(booker_client, action):
    room = RoomFactory()
    start = next_weekday_at(10)
    ReservationFactory(room=room, start=start, end=start + HOUR)
    entry = services.join(
        UserFactory(), Wish(start=start, end=start + HOUR, attendees=2, purpose="x", room=room)
    )
    assert booker_client.post(f"/waitlist/{entry.pk}/{action}/").status_code == 404
    entry.refresh_from_db()
    assert entry.status == EntryStatus.WAITING


@pytest.mark.parametrize("action", ["confirm", "decline", "leave"])
def test_actions_take_only_a_post_from_a_signed_in_user(booker_client, action):
    entry_url = f"/waitlist/1/{action}/"
    assert Client().post(entry_url).status_code == 302  # to the sign-in page
    assert booker_client.get(entry_url).status_code == 405


def test_joining_needs_a_signed_in_user(client, taken_room):
    room, start = taken_room
    response = client.post(JOIN, join_data(start, room))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Entry.objects.exists()


def test_an_ended_offer_says_so(booker_client, booker, taken_room):
    room, start = taken_room
    entry = services.join(
        booker, Wish(start=start, end=start + HOUR, attendees=2, purpose="x", room=room)
    )
    response = booker_client.post(f"/waitlist/{entry.pk}/confirm/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    page = booker_client.get("/my/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This offer has ended." in page


HOSTILE = {
    "date": ["0001-01-01", "9999-12-31", "2026-02-30", "x" * 100_000],
    "start": ["25:00", "10:15", "x" * 100_000],
    "duration": ["-60", "abc", "99999999999999999999"],
    "attendees": ["0", "-3", "four", "99999999999999999999", "501"],
    "purpose": ["", "x" * 100_000],
    "room": ["abc", "-1", "99999999999999999999", "0"],
    "region": ["no-such-region", "x" * 100_000],
    "district": ["99999"],
    "kind": ["castle"],
    "equipment": ["laser"],
}


@pytest.mark.parametrize(
    ("field", "value"),
    [(field, value) for field, values in HOSTILE.items() for value in values],
    ids=lambda v: v if len(str(v)) < 30 else "long",
)
def test_hostile_join_input_is_a_translated_400_and_writes_nothing(
    booker_client, taken_room, field, value
):
    room, start = taken_room
    data = join_data(start, room, **{field: value})
    if field in ("region", "district", "kind", "equipment"):
        data.pop("room")
        data.setdefault("region", "seoul")
        data[field] = value
    response = booker_client.post(JOIN, data, HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not Entry.objects.exists() and not WaitlistEvent.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        "date=2026-12-01&date=9999-12-31&start=10:00&duration=60&attendees=2&purpose=x",
        "room=1&room=abc&date=2026-12-01&start=10:00&duration=60&attendees=2&purpose=x",
    ],
)
def test_duplicate_parameters_are_refused_or_read_as_one(booker_client, taken_room, data):
    response = booker_client.post(JOIN, data, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert not Entry.objects.exists()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('{"room": 1, "attendees": 2}', "application/json"),
        ("room=1&purpose=\x00", "application/x-www-form-urlencoded"),
        ("purpose=\xe9".encode("latin-1"), "application/x-www-form-urlencoded"),
    ],
    ids=["json", "nul", "latin1"],
)
def test_bodies_that_are_not_a_utf8_form_are_refused(booker_client, taken_room, body, content_type):
    response = booker_client.post(JOIN, body, content_type=content_type)
    assert response.status_code == 400
    assert not Entry.objects.exists()


def test_a_free_period_is_to_be_booked_not_waited_for(booker_client):
    room = RoomFactory()
    start = next_weekday_at(10)
    response = booker_client.post(JOIN, join_data(start, room), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "This time is free: book it now instead of waiting." in response.content.decode()
    assert not Entry.objects.exists()


def test_a_period_outside_the_opening_hours_cannot_be_waited_for(booker_client, taken_room):
    room, start = taken_room
    night = start.replace(hour=21)
    response = booker_client.post(JOIN, join_data(night, room), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "opening hours" in response.content.decode()
    assert not Entry.objects.exists()


def test_a_joining_for_a_period_begun_or_a_room_not_bookable_is_refused(booker_client, booker):
    room = RoomFactory(is_active=False)
    start = next_weekday_at(10)
    response = booker_client.post(JOIN, join_data(start, room), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "This room is not available for booking." in response.content.decode()
    past = timezone.localtime() - datetime.timedelta(days=1)
    past = past.replace(hour=10, minute=0, second=0, microsecond=0)
    response = booker_client.post(JOIN, join_data(past, RoomFactory()), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert not Entry.objects.exists()


def test_the_join_page_never_errs_on_hostile_query_parameters(booker_client):
    for query in ("room=abc", "room=99999999999999999999", "date=9999-12-31&start=\x00",
                  "equipment=laser&equipment=laser", "room=" + "9" * 100_000):  # fmt: skip
        response = booker_client.get(f"{JOIN}?{query}")
        assert response.status_code in (200, 400)
    assert not Entry.objects.exists()


@pytest.mark.parametrize("path", ["/waitlist/abc/confirm/", "/waitlist/-1/leave/",
                                  "/waitlist/99999999999999999999/decline/"])  # fmt: skip
def test_ids_that_are_not_ids_are_404(booker_client, path):
    assert booker_client.post(path).status_code == 404


@pytest.mark.parametrize("count", [2, 12])
def test_my_reservations_reads_the_waitlist_in_one_query_however_many_entries(
    booker_client, booker, count, django_assert_max_num_queries
):
    rooms = RoomFactory.create_batch(count // 6 + 1)
    for index in range(count):
        room = rooms[index // 6]
        start = next_weekday_at(10 + index % 6)
        ReservationFactory(room=room, start=start, end=start + HOUR)
        services.join(
            booker, Wish(start=start, end=start + HOUR, attendees=2, purpose="x", room=room)
        )
    with django_assert_max_num_queries(8):
        response = booker_client.get("/my/")
    assert response.status_code == 200
    assert len(response.context["waitlist"]) == count
