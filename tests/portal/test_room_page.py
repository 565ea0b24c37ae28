import datetime

import holidays
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reservations.rules import POLICIES
from rooms.models import RoomKind
from tests.factories import (
    ClosureFactory,
    FacilityFactory,
    HallFactory,
    ReservationFactory,
    RoomFactory,
    next_weekday_at,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def room_url(room, day=None):
    url = reverse("room", args=[room.pk])
    return f"{url}?date={day:%Y-%m-%d}" if day else url


def next_weekday_holiday():
    """The next Korean public holiday on a Monday–Friday, for a site open on weekdays."""
    today = timezone.localdate()
    calendar = holidays.KR(years=[today.year, today.year + 1])
    return min(day for day in calendar if day > today and day.weekday() < 5)


def test_room_page_shows_facility_details_opening_hours_and_map_data(client):
    room = HallFactory(facility__phone="02-123-4567", description="무대와 통역 부스")
    response = client.get(room_url(room))
    page = response.content.decode()
    assert response.status_code == 200
    assert room.name in page
    assert room.facility.name in page
    assert room.facility.address in page
    assert "02-123-4567" in page
    assert "480.1 m²" in page
    assert "통역 시스템" in page or "Interpretation system" in page
    assert "09:00–18:00" in page
    assert 'id="room-map-data"' in page
    assert "<script>" not in page  # no inline script: only json_script data and static files


def test_room_page_in_english(client):
    room = RoomFactory()
    response = client.get(room_url(room), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "Opening hours" in page
    assert "Monday" in page
    assert "Previous day" in page


def test_room_page_in_korean(client):
    room = RoomFactory()
    page = client.get(room_url(room), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "이전 날" in page
    assert "운영 시간" in page


def test_free_slots_link_to_the_booking_form_with_the_slot_prefilled(client):
    room = RoomFactory()
    day = next_weekday_at(9).date()
    page = client.get(room_url(room, day)).content.decode()
    book = reverse("booking:book", args=[room.pk])
    assert f'href="{book}?date={day:%Y-%m-%d}&amp;start=09:00&amp;duration=60"' in page
    # The last slot of the day offers the half hour that is left, not an hour that is refused.
    assert f"{book}?date={day:%Y-%m-%d}&amp;start=17:30&amp;duration=30" in page


def test_booked_slot_is_not_offered(client):
    room = RoomFactory()
    start = next_weekday_at(10)
    ReservationFactory(room=room, start=start)
    page = client.get(room_url(room, start.date())).content.decode()
    book = reverse("booking:book", args=[room.pk])
    assert f"{book}?date={start:%Y-%m-%d}&amp;start=10:00" not in page
    assert f"{book}?date={start:%Y-%m-%d}&amp;start=11:00" in page


def test_timeline_partial_for_htmx_request(client):
    room = RoomFactory()
    day = next_weekday_at(9).date()
    response = client.get(room_url(room, day), **HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="timeline"')
    assert "<html" not in page
    assert "every 45s" in page
    assert reverse("booking:book", args=[room.pk]) in page


def test_day_navigation_links_previous_and_next_day(client):
    room = RoomFactory()
    day = next_weekday_at(9).date()
    page = client.get(room_url(room, day)).content.decode()
    previous_day, next_day = day - datetime.timedelta(days=1), day + datetime.timedelta(days=1)
    assert f'href="?date={previous_day:%Y-%m-%d}"' in page
    assert f'href="?date={next_day:%Y-%m-%d}"' in page
    assert 'type="date"' in page


def test_closure_shows_its_reason(client):
    room = RoomFactory()
    start = next_weekday_at(13)
    ClosureFactory(
        facility=room.facility,
        start=start,
        end=start + datetime.timedelta(hours=2),
        reason="공조기 교체 공사",
    )
    page = client.get(room_url(room, start.date())).content.decode()
    assert "공조기 교체 공사" in page
    book = reverse("booking:book", args=[room.pk])
    assert f"{book}?date={start:%Y-%m-%d}&amp;start=13:00" not in page
    assert f"{book}?date={start:%Y-%m-%d}&amp;start=15:00" in page


def test_holiday_shows_its_name(client):
    room = RoomFactory()
    day = next_weekday_holiday()
    page = client.get(room_url(room, day)).content.decode()
    assert holidays.KR(language="ko")[day].split(";")[0] in page
    assert reverse("booking:book", args=[room.pk]) + "?" not in page


def test_christmas_2026_is_a_holiday_with_its_name(client):
    room = RoomFactory()
    page = client.get(room_url(room, datetime.date(2026, 12, 25))).content.decode()
    assert "기독탄신일" in page


def test_weekend_day_shows_closed(client):
    room = RoomFactory()
    day = timezone.localdate()
    while day.weekday() != 6:
        day += datetime.timedelta(days=1)
    page = client.get(room_url(room, day), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Closed all day" in page


def test_day_beyond_the_booking_window_says_so(client):
    room = RoomFactory()
    day = timezone.localdate() + datetime.timedelta(
        days=POLICIES[RoomKind.STANDARD].max_days_ahead + 3
    )
    page = client.get(room_url(room, day), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "outside the booking window" in page
    assert reverse("booking:book", args=[room.pk]) + "?" not in page


def test_past_day_offers_no_booking(client):
    room = RoomFactory(
        facility=FacilityFactory(
            opening_hours=[(d, datetime.time(9), datetime.time(18)) for d in range(7)]
        )
    )
    day = timezone.localdate() - datetime.timedelta(days=2)
    page = client.get(room_url(room, day), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This day has passed" in page
    assert reverse("booking:book", args=[room.pk]) + "?" not in page


def test_inactive_room_says_it_is_not_bookable_and_offers_no_slot(client):
    room = RoomFactory(is_active=False)
    day = next_weekday_at(9).date()
    page = client.get(room_url(room, day), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "not bookable" in page
    assert reverse("booking:book", args=[room.pk]) + "?" not in page


def test_unknown_room_is_404(client):
    assert client.get("/rooms/999999/").status_code == 404


@pytest.mark.parametrize("bad", ["2026-02-30", "yesterday", "2026-13-01", "99999-01-01", "'"])
def test_impossible_date_is_a_form_error_not_a_crash(client, bad):
    room = RoomFactory()
    response = client.get(reverse("room", args=[room.pk]), {"date": bad})
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()


def _room_page_queries(client, room, day):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(room_url(room, day))
    assert response.status_code == 200
    return len(queries)


def test_room_page_query_count_does_not_grow_with_bookings(client):
    quiet, busy = RoomFactory(), RoomFactory()
    start = next_weekday_at(9)
    for n in range(20):
        ReservationFactory(
            room=busy,
            start=start + datetime.timedelta(minutes=25 * n),
            end=start + datetime.timedelta(minutes=25 * n + 20),
        )
    empty_day = _room_page_queries(client, quiet, start.date())
    busy_day = _room_page_queries(client, busy, start.date())
    assert busy_day == empty_day
    assert busy_day <= 8


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_day_outside_the_accepted_range_is_a_bad_request_naming_the_range(client, day):
    room = RoomFactory()

    response = client.get(f"/rooms/{room.pk}/", {"date": day}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "Enter a date between 2000-01-01 and 2100-12-31." in response.content.decode()


def test_an_individual_sees_a_hall_with_who_may_book_it_and_no_booking_links(client):
    from accounts.models import AccountType
    from tests.factories import HallFactory, UserFactory

    hall = HallFactory()
    client.force_login(
        UserFactory(account_type=AccountType.INDIVIDUAL, company="", business_number="")
    )

    day = f"{next_weekday_at(9):%Y-%m-%d}"
    page = client.get(f"/rooms/{hall.pk}/?date={day}", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Extended halls are booked by business accounts." in page
    assert reverse("booking:book", args=[hall.pk]) + "?" not in page


def test_a_business_account_books_a_hall_from_its_page(client):
    from tests.factories import HallFactory, UserFactory

    hall = HallFactory()
    client.force_login(UserFactory())

    day = f"{next_weekday_at(9):%Y-%m-%d}"
    page = client.get(f"/rooms/{hall.pk}/?date={day}", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Business accounts (companies with a business registration number)." in page
    assert reverse("booking:book", args=[hall.pk]) + "?" in page
