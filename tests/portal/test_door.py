"""The room's door page: anonymous, times and free or busy only, check-in by code, throttled."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from reservations.models import Reservation, Status
from tests.factories import (
    ClosureFactory,
    ReservationFactory,
    RoomFactory,
    UserFactory,
    next_weekday_at,
)

pytestmark = pytest.mark.django_db
MINUTE = datetime.timedelta(minutes=1)
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def room():
    return RoomFactory(name="세미나실 A")


@pytest.fixture
def day_of(room):
    """Three bookings of the room on one day, by a named person of a named company."""
    booker = UserFactory(name="홍길동", email="gildong@example.com", company="비밀상사")
    start = next_weekday_at(9)
    return [
        ReservationFactory(
            room=room,
            booked_by=booker,
            start=start + offset,
            end=start + offset + HOUR,
            purpose="인수합병 극비 협상",
            company_name="비밀상사",
            contact_phone="010-9876-5432",
        )  # fmt: skip
        for offset in (0 * HOUR, 2 * HOUR, 5 * HOUR)
    ]


def door(client, room, **headers):
    return client.get(reverse("door", args=[room.pk]), headers=headers)


def test_anonymous_visitors_see_times_and_free_or_busy_never_who_or_why(client, room, day_of):
    first, second, _third = day_of
    with time_machine.travel(first.start + 30 * MINUTE, tick=False):
        response = door(client, room)

    page = response.content.decode()
    assert response.status_code == 200
    assert "세미나실 A" in page
    assert "09:00–10:00" in page and "11:00–12:00" in page
    assert "사용 중" not in page and "예약됨" in page
    for private in (
        "홍길동",
        "gildong",
        "비밀상사",
        "인수합병",
        "010-9876",
        first.code,
        second.code,
    ):
        assert private not in page
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_board_says_free_until_the_next_booking(client, room, day_of):
    first, second, _third = day_of
    with time_machine.travel(first.end + 10 * MINUTE, tick=False):
        page = door(client, room).content.decode()

    assert "빈 회의실" in page and "11:00까지" in page


def test_a_checked_in_meeting_shows_as_in_use(client, room, day_of):
    first = day_of[0]
    Reservation.objects.filter(pk=first.pk).update(checked_in_at=first.start)
    with time_machine.travel(first.start + 5 * MINUTE, tick=False):
        page = door(client, room).content.decode()

    assert "사용 중" in page


def test_the_board_refreshes_itself_with_htmx_and_without_script(client, room, day_of):
    page = door(client, room).content.decode()
    assert 'hx-trigger="every 30s' in page
    assert '<noscript><meta http-equiv="refresh" content="60"></noscript>' in page
    assert "<script>" not in page

    partial = door(client, room, HX_Request="true").content.decode()
    assert partial.lstrip().startswith('<section id="board"')
    assert "<html" not in partial


def test_a_closed_day_and_a_closure_show_as_closed(client, room):
    saturday = next_weekday_at(10)
    while saturday.weekday() != 5:
        saturday += datetime.timedelta(days=1)
    with time_machine.travel(saturday, tick=False):
        assert "휴무" in door(client, room).content.decode()
    start = next_weekday_at(9)
    ClosureFactory(facility=room.facility, start=start, end=start + 3 * HOUR, reason="누수 공사")
    with time_machine.travel(start + HOUR, tick=False):
        page = door(client, room).content.decode()
    assert "휴무" in page and "누수" not in page


def check_in(client, room, code, headers=None, **extra):
    url = reverse("door_check_in", args=[room.pk])
    return client.post(url, {"code": code}, headers=headers, **extra)


def test_whoever_has_the_code_checks_in_at_the_door(client, room, day_of):
    first = day_of[0]
    with time_machine.travel(first.start - 5 * MINUTE, tick=False):
        response = check_in(client, room, first.code.lower())
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()

    assert "체크인했습니다" in page and "door__entry--in_use" in page
    assert Reservation.objects.get(pk=first.pk).checked_in_at == first.start - 5 * MINUTE


def test_with_htmx_the_form_is_swapped_and_the_board_told_to_refresh(client, room, day_of):
    first = day_of[0]
    with time_machine.travel(first.start, tick=False):
        response = check_in(client, room, first.code, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "boms:checked-in" in response["HX-Trigger"]
    assert response.content.decode().lstrip().startswith('<section id="check-in"')


def test_a_wrong_code_is_refused_with_a_translated_400(client, room, day_of):
    with time_machine.travel(day_of[0].start, tick=False):
        response = check_in(client, room, "ZZZZZZZ")

    assert response.status_code == 400
    assert "이 회의실의 예약 중 그 코드는 없습니다" in response.content.decode()


def test_too_early_is_refused_with_the_time_check_in_opens(client, room, day_of):
    second = day_of[1]
    with time_machine.travel(second.start - HOUR, tick=False):
        response = check_in(client, room, second.code)

    assert response.status_code == 400
    assert "10:45" in response.content.decode()


def test_an_empty_or_oversized_code_is_a_400(client, room):
    assert check_in(client, room, "").status_code == 400
    assert check_in(client, room, "A" * 100_000).status_code == 400


def test_guessing_codes_is_stopped_after_five_wrong_ones_from_one_address(client, room, day_of):
    first = day_of[0]
    with time_machine.travel(first.start, tick=False):
        statuses = [check_in(client, room, f"WRONG{n}").status_code for n in range(5)]
        refused = check_in(client, room, first.code)
        elsewhere = check_in(client, room, first.code, REMOTE_ADDR="10.0.0.9")

    assert statuses == [400] * 5
    assert refused.status_code == 429
    assert "잠시 후" in refused.content.decode()
    assert elsewhere.status_code == 302  # another device at another address


def test_the_check_in_form_needs_its_csrf_token(room, day_of):
    strict = Client(enforce_csrf_checks=True)
    with time_machine.travel(day_of[0].start, tick=False):
        response = check_in(strict, room, day_of[0].code)

    assert response.status_code == 403
    assert Reservation.objects.get(pk=day_of[0].pk).checked_in_at is None


def test_an_unknown_room_is_a_404(client):
    assert client.get("/rooms/999999/door/").status_code == 404
    assert client.get("/rooms/abc/door/").status_code == 404


def test_the_door_page_takes_a_fixed_number_of_queries(
    client, room, day_of, django_assert_max_num_queries
):
    ReservationFactory(
        room=room, status=Status.PENDING, start=day_of[2].end, end=day_of[2].end + HOUR
    )
    with time_machine.travel(day_of[0].start, tick=False), django_assert_max_num_queries(6):
        door(client, room)
