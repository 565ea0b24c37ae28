"""The API's free-room search is the portal's: for the same parameters, on a busy day, it
lists the same rooms, in the same order, with the same next free times and stretches. And a
room's day shows when it is busy, never who booked it."""

import datetime
import random
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from reservations.models import Status
from tests.factories import (
    BoothFactory,
    ClosureFactory,
    DistrictFactory,
    FacilityFactory,
    HallFactory,
    RegionFactory,
    ReservationFactory,
    RoomFactory,
    UserFactory,
    next_weekday_at,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_day():
    """Forty-odd rooms in two regions, most of them booked here and there on one day."""
    shuffle = random.Random(20)
    busan = RegionFactory(code="26", slug="busan", name_ko="부산", name_en="Busan", order=2)
    districts = [DistrictFactory() for _ in range(3)] + [
        DistrictFactory(region=busan, code="26110")
    ]
    day = next_weekday_at(9, days_ahead=3)
    booker = UserFactory(company="주식회사 비밀", phone="010-9999-8888")
    rooms = []
    for n in range(36):
        facility = FacilityFactory(
            district=districts[n % len(districts)],
            latitude=Decimal("37.4") + Decimal(n) / 100,
            longitude=Decimal("127.0") + Decimal(n % 7) / 50,
            requires_approval=n % 9 == 0,
        )
        rooms.append(RoomFactory(facility=facility, capacity=4 + n % 12, has_pc=n % 3 != 0))
        if n % 5 == 0:
            rooms.append(BoothFactory(facility=facility))
    rooms.append(HallFactory(facility__district=districts[0]))
    for room in rooms:
        for _ in range(shuffle.randint(0, 4)):
            start = day + datetime.timedelta(minutes=30 * shuffle.randint(0, 16))
            length = datetime.timedelta(minutes=30 * shuffle.randint(1, 4))
            status = shuffle.choice([Status.APPROVED, Status.APPROVED, Status.PENDING])
            if not any(
                r.room_id == room.pk and r.start < start + length and r.end > start
                for r in room.reservations.all()
            ):
                ReservationFactory(
                    room=room, start=start, end=start + length, status=status, booked_by=booker,
                    purpose="비밀 회의", company_name="주식회사 비밀", contact_phone="010-9999-8888",
                )  # fmt: skip
    ClosureFactory(facility=rooms[3].facility, start=day, end=day + datetime.timedelta(hours=4))
    return day


def _portal(client, query):
    response = client.get("/", query)
    assert response.status_code == 200
    page = response.context["page"]
    rows = [
        (row.room_id, row.free, row.start, [tuple(w) for w in row.windows], row.book_url)
        for row in response.context["results"]
    ]
    return rows, page.paginator.count, response.context["outcome"].notices


def _api(client, query):
    response = client.get("/api/v1/free-rooms", query)
    assert response.status_code == 200, response.content
    body = response.json()
    parse = datetime.datetime.fromisoformat
    rows = [
        (
            row["room"]["id"],
            row["free"],
            parse(row["start"]) if row["start"] else None,
            [(parse(w["start"]), parse(w["end"])) for w in row["windows"]],
            row["book_url"].removeprefix("http://localhost:8000") if row["book_url"] else "",
        )
        for row in body["results"]
    ]
    return rows, body["count"], body["notices"]


QUESTIONS = [
    {},
    {"start": "10:00", "duration": 60},
    {"start": "10:00", "duration": 60, "page": 2},
    {"start": "13:30", "duration": 120, "mode": "all"},
    {"start": "13:30", "duration": 120, "mode": "all", "page": 2},
    {"start": "11:00", "duration": 90, "mode": "all", "sort": "region"},
    {"start": "09:00", "duration": 60, "mode": "day"},
    {"start": "10:00", "duration": 30, "lat": 37.55, "lng": 127.05},
    {"start": "10:00", "duration": 30, "mode": "all", "lat": 37.55, "lng": 127.05, "page": 2},
    {"start": "15:00", "duration": 60, "region": "busan"},
    {"start": "15:00", "duration": 60, "kind": "booth"},
    {"start": "10:00", "duration": 60, "equipment": ["pc", "camera"], "attendees": 10},
    {"start": "10:00", "duration": 60, "area": "37.4,127.0,37.6,127.2", "mode": "all"},
    {"start": "14:00", "duration": 240},
]


@pytest.mark.parametrize("question", QUESTIONS, ids=[str(i) for i in range(len(QUESTIONS))])
def test_the_api_answers_the_free_room_question_as_the_portal_does(client, busy_day, question):
    query = dict(question)
    if query:
        query["date"] = f"{timezone.localtime(busy_day):%Y-%m-%d}"
    with time_machine.travel(timezone.now(), tick=False):
        portal = _portal(client, query)
        api = _api(client, query)
    assert api == portal
    assert portal[0], "the question finds rooms"


def test_pages_of_the_api_cover_the_portals_results_once_each(client, busy_day):
    query = {"date": f"{timezone.localtime(busy_day):%Y-%m-%d}", "start": "12:00",
             "mode": "all"}  # fmt: skip
    seen, page = [], 1
    while page:
        body = client.get("/api/v1/free-rooms", {**query, "page": page}).json()
        seen += [row["room"]["id"] for row in body["results"]]
        page = page + 1 if body["next"] else None
    assert len(seen) == len(set(seen)) == body["count"]


def test_the_free_room_results_and_a_rooms_day_never_name_the_booker(client, busy_day):
    day = f"{timezone.localtime(busy_day):%Y-%m-%d}"
    texts = [client.get("/api/v1/free-rooms", {"date": day, "mode": "day"}).content.decode()]
    for room_id in range(1, 50):
        texts.append(
            client.get(f"/api/v1/rooms/{room_id}/availability", {"date": day}).content.decode()
        )
    texts.append(client.get("/api/v1/registry.json").content.decode())
    texts.append(client.get("/api/v1/registry.csv").content.decode())
    for text in texts:
        for secret in ("비밀", "010-9999-8888", "@", "booked_by", "purpose", "company"):
            assert secret not in text


def test_a_rooms_day_shows_its_busy_and_free_periods(client):
    room = RoomFactory(facility__requires_approval=False)
    ten = next_weekday_at(10, days_ahead=2)
    ReservationFactory(room=room, start=ten, end=ten + datetime.timedelta(hours=2))
    ClosureFactory(
        facility=room.facility, start=ten + datetime.timedelta(hours=4),
        end=ten + datetime.timedelta(hours=5), reason="소독",
    )  # fmt: skip
    body = client.get(f"/api/v1/rooms/{room.pk}/availability", {"date": f"{ten:%Y-%m-%d}"}).json()
    periods = [
        (p["start"][11:16], p["end"][11:16], p["free"], p["reason"]) for p in body["periods"]
    ]
    assert periods == [
        ("09:00", "10:00", True, ""),
        ("10:00", "12:00", False, "예약됨"),
        ("12:00", "14:00", True, ""),
        ("14:00", "15:00", False, "소독"),
        ("15:00", "18:00", True, ""),
    ]
    assert body["opens"].endswith("09:00:00+09:00") and body["closed_reason"] == ""


def test_a_booking_shows_at_once_in_the_rooms_day(client):
    room = RoomFactory()
    ten = next_weekday_at(10, days_ahead=2)
    url, query = f"/api/v1/rooms/{room.pk}/availability", {"date": f"{ten:%Y-%m-%d}"}
    assert all(p["free"] for p in client.get(url, query).json()["periods"])
    ReservationFactory(room=room, start=ten, end=ten + datetime.timedelta(hours=1))
    assert not all(p["free"] for p in client.get(url, query).json()["periods"])


def test_a_day_the_site_is_closed_says_why(client):
    room = RoomFactory()
    saturday = timezone.localdate() + datetime.timedelta(
        days=(5 - timezone.localdate().weekday()) % 7 or 7
    )
    body = client.get(f"/api/v1/rooms/{room.pk}/availability", {"date": f"{saturday}"}).json()
    assert body["opens"] is None and body["periods"] == [] and body["closed_reason"]
