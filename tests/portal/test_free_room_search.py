"""The search finds free rooms: what it lists is what the booking service would accept."""

import datetime
import random

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.forms import SearchForm
from portal.search import search
from reservations import rules
from reservations.models import Reservation, Status
from reservations.rules import RULES, BookingError
from reservations.services import book
from rooms.models import RoomKind
from tests.factories import (
    BoothFactory,
    ClosureFactory,
    DistrictFactory,
    FacilityFactory,
    HallFactory,
    ReservationFactory,
    RoomFactory,
    UserFactory,
    next_weekday_at,
)
from tests.reservations.test_rules_stated_once import SCENES

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)

# Rules about the period asked for: a room they refuse is found again at another time.
PERIOD_RULES = (
    rules.EndsAfterStart,
    rules.OnTheGrid,
    rules.NotInThePast,
    rules.WithinBookingWindow,
    rules.NotOnAHoliday,
    rules.WithinOpeningHours,
    rules.MinimumDuration,
    rules.MaximumDuration,
    rules.SomeoneAttends,
    rules.NotClosed,
    rules.NoOwnOverlap,
    rules.SlotFree,
)


def listed(client, start, end, attendees=None, **extra):
    local = timezone.localtime(start)
    minutes = int((end - start).total_seconds() // 60)
    query = {"date": f"{local:%Y-%m-%d}", "start": f"{local:%H:%M}", "duration": minutes}
    if attendees is not None:
        query["attendees"] = attendees
    response = client.get("/", {**query, **extra})
    if response.status_code != 200:
        assert response.status_code == 400
        return set()
    return {row.room_id for row in response.context["results"]}


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: type(rule).__name__)
def test_a_room_breaking_a_rule_is_not_listed_free_and_is_at_another_time(
    rule, client, monkeypatch
):
    scene = SCENES[type(rule)](monkeypatch)
    if scene.user is not None:
        client.force_login(scene.user)

    assert scene.room.pk not in listed(client, scene.start, scene.end, scene.attendees)

    if isinstance(rule, PERIOD_RULES):
        later = next_weekday_at(14, days_ahead=2)
        assert scene.room.pk in listed(client, later, later + HOUR, 2)


def test_the_free_rooms_are_those_the_booking_service_accepts_over_many_periods(monkeypatch):
    """A busy registry in miniature, and random periods across and beyond the booking window."""
    rng = random.Random(20261201)
    district = DistrictFactory()
    sites = [FacilityFactory(district=district) for _ in range(6)]
    sites.append(
        FacilityFactory(
            district=district,
            opening_hours=[(day, datetime.time(10), datetime.time(16)) for day in range(6)],
        )
    )
    rooms = [RoomFactory(facility=site, capacity=rng.choice([4, 10])) for site in sites]
    rooms += [BoothFactory(facility=site) for site in sites[:3]]
    rooms += [HallFactory(facility__district=district), RoomFactory(is_active=False)]
    first = next_weekday_at(9)
    for room in rooms:
        for _ in range(12):
            start = first + datetime.timedelta(days=rng.randrange(0, 35), hours=rng.randrange(0, 8))
            end = start + rng.choice([1, 2]) * HOUR
            if not Reservation.objects.filter(room=room).overlapping(start, end).exists():
                status = rng.choice([Status.APPROVED, Status.PENDING, Status.CANCELLED])
                ReservationFactory(room=room, start=start, end=end, status=status)
    ClosureFactory(facility=sites[0], start=first + 2 * HOUR, end=first + 30 * HOUR)
    ClosureFactory(facility=sites[1], room=rooms[1], start=first, end=first + 3 * 24 * HOUR)
    booker = UserFactory()
    person = UserFactory(account_type="individual", company="", business_number="")

    some_free = some_refused = 0
    for _ in range(40):
        day = timezone.localdate() + datetime.timedelta(days=rng.randrange(0, 95))
        start = timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(rng.randrange(7, 19), rng.choice([0, 30])))
        )
        length = rng.choice([1, 2, 3, 4, 6, 9]) * HOUR / 2
        attendees = rng.choice([None, 1, 5, 40])
        user = rng.choice([None, booker, person])
        form = SearchForm(
            {"date": f"{day:%Y-%m-%d}", "start": f"{timezone.localtime(start):%H:%M}",
             "duration": int(length.total_seconds() // 60), "attendees": attendees or ""}
        )  # fmt: skip
        assert form.is_valid(), form.errors
        found = set(search(form, user, 1).page.paginator.object_list)
        accepted = set()
        for room in rooms:
            with transaction.atomic():
                try:
                    book(user or booker, room, start, start + length,
                         attendees=attendees or 1, purpose="회의")  # fmt: skip
                except BookingError:
                    continue
                accepted.add(room.pk)
                transaction.set_rollback(True)
        assert found == accepted, (start, length, attendees, user)
        some_free += bool(accepted)
        some_refused += bool(accepted) and len(accepted) < len(rooms)
    # The periods were not all trivially empty or all trivially free.
    assert some_free >= 10 and some_refused >= 10, (some_free, some_refused)


def test_past_the_standard_window_only_halls_are_listed_and_the_page_says_why(client):
    room, hall = RoomFactory(), HallFactory()
    days = rules.POLICIES[RoomKind.STANDARD].max_days_ahead + 5
    later = next_weekday_at(10, days_ahead=days)

    response = client.get("/", {"date": f"{later:%Y-%m-%d}", "start": "10:00"})

    assert {row.room_id for row in response.context["results"]} == {hall.pk}
    assert room.pk not in {row.room_id for row in response.context["results"]}
    assert "30일" in response.content.decode()


def test_past_every_window_nothing_is_listed_green(client):
    RoomFactory(), HallFactory()
    later = next_weekday_at(10, days_ahead=100)
    response = client.get("/", {"date": f"{later:%Y-%m-%d}", "start": "10:00"})
    assert response.context["results"] == []
    assert "status--free" not in response.content.decode()
    assert response.context["outcome"].notices


def test_a_holiday_says_so_instead_of_listing_rooms(client):
    RoomFactory()
    response = client.get("/", {"date": "2027-02-08", "start": "10:00"}, HTTP_ACCEPT_LANGUAGE="ko")
    assert response.context["results"] == []
    assert "설날" in response.content.decode()


def test_after_hours_the_home_page_lands_on_the_next_open_half_hour_with_the_date_filled(
    client, monkeypatch
):
    room = RoomFactory()
    evening = next_weekday_at(19)
    monkeypatch.setattr("portal.search.timezone.now", lambda: evening)

    response = client.get("/")

    outcome = response.context["outcome"]
    assert timezone.localtime(outcome.start) == next_weekday_at(9, days_ahead=2) or (
        timezone.localtime(outcome.start).time() == datetime.time(9)
        and outcome.start.date() > evening.date()
    )
    assert [row.room_id for row in response.context["results"]] == [room.pk]
    body = response.content.decode()
    assert f'value="{timezone.localtime(outcome.start):%Y-%m-%d}"' in body
    assert "status--busy" not in body


def test_during_the_day_the_home_page_lands_on_the_next_half_hour(client, monkeypatch):
    RoomFactory()
    morning, expected = next_weekday_at(10, 10), next_weekday_at(10, 30)
    monkeypatch.setattr("portal.search.timezone.now", lambda: morning)
    outcome = client.get("/").context["outcome"]
    assert timezone.localtime(outcome.start) == expected


def test_any_time_that_day_lists_each_rooms_free_stretches_that_fit(client):
    room, full = RoomFactory(), RoomFactory()
    nine = next_weekday_at(9)
    ReservationFactory(room=room, start=nine + HOUR, end=nine + 2 * HOUR)
    ReservationFactory(room=room, start=nine + 3 * HOUR, end=nine + 9 * HOUR)
    ReservationFactory(room=full, start=nine, end=nine + 9 * HOUR)

    response = client.get("/", {"date": f"{nine:%Y-%m-%d}", "duration": 60, "mode": "day"})

    rows = {row.room_id: row for row in response.context["results"]}
    assert full.pk not in rows
    stretches = [
        (f"{s:%H:%M}", f"{e:%H:%M}")
        for s, e in (map(timezone.localtime, w) for w in rows[room.pk].windows)
    ]
    assert stretches == [("09:00", "10:00"), ("11:00", "12:00")]
    two_hours = client.get("/", {"date": f"{nine:%Y-%m-%d}", "duration": 120, "mode": "day"})
    assert room.pk not in {row.room_id for row in two_hours.context["results"]}


def test_all_rooms_mode_sorts_the_soonest_free_first_and_its_next_time_fits_the_length(client):
    short, later, soon = RoomFactory(), RoomFactory(), RoomFactory()
    nine = next_weekday_at(9)
    ReservationFactory(room=soon, start=nine, end=nine + HOUR)
    ReservationFactory(room=later, start=nine, end=nine + 2 * HOUR)
    # A half hour free at 10:00, too short for the hour asked for.
    ReservationFactory(room=short, start=nine, end=nine + HOUR)
    ReservationFactory(room=short, start=nine + 1.5 * HOUR, end=nine + 3 * HOUR)

    response = client.get("/", {"date": f"{nine:%Y-%m-%d}", "start": "09:00", "mode": "all"})

    rows = response.context["results"]
    assert [row.room_id for row in rows] == [soon.pk, later.pk, short.pk]
    assert [f"{timezone.localtime(row.start):%H:%M}" for row in rows] == ["10:00", "11:00", "12:00"]


def test_near_me_sorts_nearest_first_and_the_order_can_be_changed(client):
    district = DistrictFactory()
    far = RoomFactory(
        facility=FacilityFactory(district=district, latitude="35.1", longitude="129.0")
    )
    near = RoomFactory(
        facility=FacilityFactory(district=district, latitude="37.56", longitude="126.97")
    )
    here = {"lat": "37.5663", "lng": "126.9779"}

    assert [r.room_id for r in client.get("/", here).context["results"]] == [near.pk, far.pk]
    by_region = client.get("/", {**here, "sort": "region"}).context["results"]
    assert {r.room_id for r in by_region} == {near.pk, far.pk}
    assert client.get("/", {**here, "sort": "region"}).context["outcome"].order == "region"


def test_the_visible_map_area_filters_the_results(client):
    district = DistrictFactory()
    busan = RoomFactory(
        facility=FacilityFactory(district=district, latitude="35.1", longitude="129.0")
    )
    seoul = RoomFactory(
        facility=FacilityFactory(district=district, latitude="37.56", longitude="126.97")
    )
    results = client.get("/", {"area": "37.4,126.8,37.7,127.2"}).context["results"]
    assert [row.room_id for row in results] == [seoul.pk]
    assert busan.pk not in [row.room_id for row in results]


@pytest.mark.parametrize("area", ["1,2,3", "a,b,c,d", "37.7,126.8,37.4,127.2", "91,0,92,1"])
def test_an_unreadable_map_area_is_a_bad_request(client, area):
    assert client.get("/", {"area": area}).status_code == 400


def test_result_links_carry_the_searched_date_start_and_duration(client):
    room = RoomFactory()
    ten = next_weekday_at(10)
    response = client.get("/", {"date": f"{ten:%Y-%m-%d}", "start": "10:00", "duration": 90})
    body = response.content.decode()
    query = f"date={ten:%Y-%m-%d}&amp;start=10:00&amp;duration=90"
    assert f'href="/rooms/{room.pk}/?{query}"' in body
    assert f'href="/book/{room.pk}/?{query}"' in body


def test_a_rooms_title_does_not_repeat_a_site_named_after_it(client):
    room = RoomFactory(facility__name="서울창업허브 화상회의실", name="화상회의실")
    booth = BoothFactory(facility=room.facility, name="스마트워크 부스")
    body = client.get("/").content.decode()
    assert "서울창업허브 화상회의실 · 화상회의실" not in body
    assert "서울창업허브 화상회의실 · 스마트워크 부스" in body
    room_page = client.get(f"/rooms/{room.pk}/").content.decode()
    assert "<title>서울창업허브 화상회의실 · BOMS</title>" in room_page
    assert str(booth) == "서울창업허브 화상회의실 · 스마트워크 부스"


def test_the_live_refresh_asks_for_the_page_it_shows(client):
    RoomFactory.create_batch(23)
    body = client.get("/?page=2").content.decode()
    assert 'hx-get="/?page=2"' in body
    body = client.get("/?region=&page=2&kind=standard").content.decode()
    assert 'hx-get="/?region=&amp;page=2&amp;kind=standard"' in body


def test_the_language_switch_returns_to_the_search_with_its_filters(client):
    RoomFactory()
    body = client.get("/?kind=standard&duration=90").content.decode()
    assert 'name="next" value="/?kind=standard&amp;duration=90"' in body


def test_a_booker_who_cannot_book_at_that_time_is_told_why(client):
    user = UserFactory()
    ten = next_weekday_at(10)
    ReservationFactory(booked_by=user, start=ten, end=ten + HOUR)
    RoomFactory()
    client.force_login(user)
    response = client.get(
        "/", {"date": f"{ten:%Y-%m-%d}", "start": "10:00"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.context["results"] == []
    assert "You already have a booking at that time" in response.content.decode()


def test_an_individual_is_not_shown_halls(client):
    room, _hall = RoomFactory(), HallFactory()
    client.force_login(UserFactory(account_type="individual", company="", business_number=""))
    ten = next_weekday_at(10)
    results = client.get("/", {"date": f"{ten:%Y-%m-%d}", "start": "10:00"}).context["results"]
    assert [row.room_id for row in results] == [room.pk]


def test_the_map_draws_the_configured_tile_server_which_the_policy_admits(client):
    RoomFactory()
    response = client.get("/")
    assert f'data-tiles="{settings.MAP_TILE_URL}"' in response.content.decode()
    assert settings.MAP_TILE_ORIGIN in response["Content-Security-Policy"]
    assert settings.MAP_TILE_URL.startswith(settings.MAP_TILE_ORIGIN + "/")


def test_map_points_carry_free_or_busy_and_the_booking_link(client):
    free, busy = RoomFactory(), RoomFactory()
    ten = next_weekday_at(10)
    ReservationFactory(room=busy, start=ten, end=ten + HOUR)
    query = {"date": f"{ten:%Y-%m-%d}", "start": "10:00", "mode": "all"}
    points = {p["url"].split("?")[0]: p for p in client.get("/", query).context["map_points"]}
    assert points[f"/rooms/{free.pk}/"]["free"] and points[f"/rooms/{free.pk}/"]["book"]
    assert not points[f"/rooms/{busy.pk}/"]["free"]


HOSTILE = ["9999-12-31", "0001-01-01", "\x00", "\x1b[2J", "x" * 100_000, "é".encode("latin-1")]


@pytest.mark.parametrize("name", ["mode", "sort", "area", "start", "duration", "date"])
@pytest.mark.parametrize("value", HOSTILE, ids=["far", "early", "nul", "control", "huge", "latin1"])
def test_the_searchs_parameters_refuse_hostile_values_with_a_400(client, name, value):
    RoomFactory()
    assert client.get("/", {name: value}).status_code == 400
    # A repeated parameter counts with its last value.
    assert client.get("/", {name: ["free", value]}).status_code == 400


@pytest.mark.parametrize("name", ["start", "duration", "date"])
@pytest.mark.parametrize("value", HOSTILE, ids=["far", "early", "nul", "control", "huge", "latin1"])
def test_the_room_page_refuses_a_hostile_searched_period_and_the_form_only_prefills(
    client, name, value
):
    """The room page validates the period a search hands it; the booking form's GET only
    prefills (its POST validates), so a bad prefill shows the form, never a server error."""
    room = RoomFactory()
    ten = next_weekday_at(10)
    query = {"date": f"{ten:%Y-%m-%d}", "start": "10:00", "duration": "60", name: value}
    assert client.get(f"/rooms/{room.pk}/", query).status_code == 400
    client.force_login(UserFactory())
    assert client.get(f"/book/{room.pk}/", query).status_code in (200, 400)
    assert client.get(f"/book/{room.pk}/", query, HTTP_HX_REQUEST="true").status_code in (200, 400)
