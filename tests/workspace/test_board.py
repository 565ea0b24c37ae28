"""The day board and a room's week: a manager's own rooms only, read in a fixed number of
queries, with pending bookings decided in place through the booking service."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reservations.models import Reservation, Status
from tests.factories import (
    ClosureFactory,
    FacilityFactory,
    ReservationFactory,
    RoomFactory,
    UserFactory,
    next_weekday_at,
)
from workspace.board import State, day_board

pytestmark = pytest.mark.django_db

BOARD = "/admin/board/"


def board_of(client, day, **query):
    return client.get(BOARD, {"date": day.isoformat(), **query})


def cells_of(response):
    return {
        row.room.name: [(cell.state, cell.span) for cell in row.cells]
        for row in response.context["board"].rows
    }


def test_a_manager_sees_only_their_own_rooms_on_the_board(client, scene, owner_manager):
    client.force_login(owner_manager)

    response = board_of(client, scene["booking_a"].start.date())

    assert response.status_code == 200
    assert [row.room for row in response.context["board"].rows] == [scene["room_a"]]
    page = response.content.decode()
    assert "Room Alpha" in page and "Facility Alpha" in page
    assert "Room Bravo" not in page and "Facility Bravo" not in page
    assert "Bravo meeting" not in page


def test_another_facilitys_board_is_404_for_a_manager(client, scene, owner_manager):
    client.force_login(owner_manager)
    day = scene["booking_b"].start.date()

    assert board_of(client, day, facility=scene["facility_b"].pk).status_code == 404
    assert client.get(f"{BOARD}rooms/{scene['room_b'].pk}/").status_code == 404


def test_a_manager_picks_one_of_their_facilities(client, scene, owner_manager, room_a):
    second = FacilityFactory(name="Facility Alpha Two", managers=[owner_manager])
    RoomFactory(facility=second, name="Room Alpha Two")
    client.force_login(owner_manager)
    day = scene["booking_a"].start.date()

    everything = board_of(client, day)
    one = board_of(client, day, facility=second.pk)

    assert {row.room.name for row in everything.context["board"].rows} == {
        "Room Alpha",
        "Room Alpha Two",
    }
    assert [row.room.name for row in one.context["board"].rows] == ["Room Alpha Two"]


@pytest.mark.parametrize("role", ["superuser", "ministry_official"])
def test_superusers_and_officials_choose_any_facility(client, scene, user_in_role, role):
    client.force_login(user_in_role(role))
    day = scene["booking_b"].start.date()

    unchosen = board_of(client, day)
    chosen = board_of(client, day, facility=scene["facility_b"].pk)

    assert unchosen.status_code == 200 and unchosen.context["board"] is None
    assert "Choose a facility to see its board." in unchosen.content.decode()
    assert [row.room for row in chosen.context["board"].rows] == [scene["room_b"]]


def test_an_official_reads_the_board_without_decisions(client, scene, ministry_official):
    client.force_login(ministry_official)
    day = scene["booking_b"].start.date()

    page = board_of(client, day, facility=scene["facility_b"].pk).content.decode()

    assert "Bravo" in page
    assert reverse("workspace:approve", args=[scene["booking_b"].pk]) not in page
    assert 'name="reason"' not in page
    response = client.post(reverse("workspace:approve", args=[scene["booking_b"].pk]))
    assert response.status_code == 403
    scene["booking_b"].refresh_from_db()
    assert scene["booking_b"].status == Status.PENDING


def test_sme_users_and_visitors_never_see_a_board(client, scene, sme_user):
    assert client.get(BOARD).status_code == 302
    client.force_login(sme_user)
    assert client.get(BOARD).status_code == 302  # the admin's sign-in page


def test_the_board_shows_each_state_where_it_happens(client, owner_manager, room_a):
    ten = next_weekday_at(10, days_ahead=3)
    requested = timezone.now() - datetime.timedelta(hours=3)
    pending = ReservationFactory(
        room=room_a, status=Status.PENDING, start=ten, end=ten.replace(hour=11)
    )
    Reservation.objects.filter(pk=pending.pk).update(created_at=requested)
    ReservationFactory(
        room=room_a,
        status=Status.APPROVED,
        start=ten.replace(hour=12),
        end=ten.replace(hour=13, minute=30),
    )
    ReservationFactory(
        room=room_a,
        status=Status.APPROVED,
        checked_in_at=ten.replace(hour=14),
        start=ten.replace(hour=14),
        end=ten.replace(hour=15),
    )
    ReservationFactory(
        room=room_a, status=Status.CANCELLED, start=ten.replace(hour=15), end=ten.replace(hour=16)
    )
    ClosureFactory(facility=room_a.facility, start=ten.replace(hour=16), end=ten.replace(hour=18), reason="Boiler repair")  # fmt: skip
    client.force_login(owner_manager)

    response = board_of(client, ten.date())

    assert cells_of(response)["Room Alpha"] == [
        (State.FREE, 1), (State.FREE, 1),  # 09:00, 09:30
        (State.PENDING, 2),  # 10:00–11:00
        (State.FREE, 1), (State.FREE, 1),
        (State.APPROVED, 3),  # 12:00–13:30
        (State.FREE, 1),
        (State.CHECKED_IN, 2),  # 14:00–15:00
        (State.FREE, 1), (State.FREE, 1),  # the cancelled booking frees its time
        (State.CLOSED, 4),  # 16:00–18:00
    ]  # fmt: skip
    page = response.content.decode()
    assert "waiting 3 hours" in page
    assert "Closed: Boiler repair" in page


def test_hours_the_site_is_shut_show_as_such(client, owner_manager, room_a):
    saturday = next_weekday_at(10, days_ahead=3).date()
    while saturday.weekday() != 5:
        saturday += datetime.timedelta(days=1)
    client.force_login(owner_manager)

    response = board_of(client, saturday)

    assert cells_of(response)["Room Alpha"] == [(State.SHUT, 18)]


def test_the_board_is_read_in_a_fixed_number_of_queries(
    client, owner_manager, facility_a, django_assert_max_num_queries
):
    day = next_weekday_at(9, days_ahead=3)
    client.force_login(owner_manager)
    client.get(BOARD)  # the session and the user's groups, read once

    def scene(rooms):
        for _ in range(rooms):
            room = RoomFactory(facility=facility_a)
            for hour in (9, 11, 13, 15):
                ReservationFactory(
                    room=room, booked_by=UserFactory(), status=Status.PENDING,
                    start=day.replace(hour=hour), end=day.replace(hour=hour + 1),
                )  # fmt: skip

    scene(1)
    with django_assert_max_num_queries(12) as few:
        board_of(client, day.date())
    scene(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = board_of(client, day.date())
    assert len(response.context["board"].rows) == 7


def test_a_rooms_week_shows_its_seven_days(client, owner_manager, room_a):
    monday = next_weekday_at(10, days_ahead=7)
    monday -= datetime.timedelta(days=monday.weekday())
    wednesday = monday + datetime.timedelta(days=2)
    ReservationFactory(
        room=room_a, status=Status.APPROVED, start=wednesday, end=wednesday.replace(hour=12)
    )
    client.force_login(owner_manager)

    response = client.get(
        reverse("workspace:room_week", args=[room_a.pk]), {"date": wednesday.date().isoformat()}
    )

    board = response.context["board"]
    assert [row.day for row in board.rows] == [
        monday.date() + datetime.timedelta(days=offset) for offset in range(7)
    ]
    assert (State.APPROVED, 4) in [(cell.state, cell.span) for cell in board.rows[2].cells]


HOSTILE = ["9999-12-31", "0001-01-01", "\x00", "\x1b[2J", "x" * 100_000, "é".encode("latin-1")]


@pytest.mark.parametrize("name", ["date", "facility"])
@pytest.mark.parametrize("value", HOSTILE, ids=["far", "early", "nul", "control", "huge", "latin1"])
def test_the_boards_parameters_refuse_hostile_values_with_a_400(client, owner_manager, facility_a, name, value):  # fmt: skip
    client.force_login(owner_manager)

    assert client.get(BOARD, {name: value}).status_code == 400
    assert client.get(BOARD, {name: ["", value]}).status_code == 400
    week = reverse("workspace:room_week", args=[RoomFactory(facility=facility_a).pk])
    assert client.get(week, {"date": value}).status_code == 400


@pytest.mark.parametrize("facility", ["abc", "1.5", "-1", "99999999999999999999"])
def test_a_facility_that_is_not_an_id_is_refused(client, owner_manager, facility_a, facility):
    client.force_login(owner_manager)

    assert client.get(BOARD, {"facility": facility}).status_code == 400


def test_day_board_of_no_rooms_is_empty(facility_a):
    board = day_board(facility_a.rooms.all(), next_weekday_at(9).date())

    assert board.rows == []
