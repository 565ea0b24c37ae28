"""Booking a recurring series on the portal: every date's outcome before confirming, the
booking of the bookable ones, the series' page and .ics, cancelling one date or this and all
later ones from "my reservations", and bad input refused with a 400 and nothing written."""

import datetime

import icalendar
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from reservations.models import Reservation, Series, Status
from rooms.calendar import at
from tests.factories import ClosureFactory, ReservationFactory, RoomFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = at(datetime.date(2026, 9, 9), datetime.time(9))
THURSDAY = datetime.date(2026, 9, 10)
HTMX = {"HTTP_HX_REQUEST": "true"}


def day(month, number):
    return datetime.date(2026, month, number)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def room():
    """Thursdays: 24 September a holiday, closed 1 October, 8 October taken by someone else."""
    room = RoomFactory()
    ClosureFactory(
        facility=room.facility,
        start=at(day(10, 1), datetime.time(9)),
        end=at(day(10, 1), datetime.time(18)),
    )
    ten = at(day(10, 8), datetime.time(10))
    ReservationFactory(room=room, start=ten, end=ten + datetime.timedelta(hours=1))
    return room


@pytest.fixture
def english(booker_client):
    booker_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return booker_client


def series_url(room):
    return reverse("booking:book_series", args=[room.pk])


def series_data(**overrides):
    data = {
        "date": "2026-09-10",
        "start": "10:00",
        "duration": "60",
        "frequency": "weekly",
        "ends": "count",
        "count": "6",
        "until": "",
        "attendees": "4",
        "purpose": "주간 화상회의",
        "company_name": "주식회사 가나다",
        "contact_phone": "010-2222-3333",
    }
    data.update(overrides)
    return data


def test_the_series_form_needs_sign_in(client, room):
    response = client.get(series_url(room))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_series_form_takes_the_single_booking_forms_choices(booker_client, room):
    page = booker_client.get(f"{series_url(room)}?date=2026-09-10&start=10:00&duration=90")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="2026-09-10"' in html and '<option value="90" selected>' in html
    assert 'value="주식회사 가나다"' in html


def test_the_single_booking_form_links_to_the_series_form(booker_client, room):
    page = booker_client.get(reverse("booking:book", args=[room.pk])).content.decode()
    assert series_url(room) in page


def test_checking_the_dates_shows_each_outcome_and_books_nothing(
    english, room, django_assert_max_num_queries
):
    with django_assert_max_num_queries(16):  # the rules read once per date
        response = english.post(series_url(room), series_data())
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-outcome="bookable"') == 2
    assert 'data-refusal="holiday"' in html and "The facility is closed on" in html
    assert 'data-refusal="closed"' in html and "The room is closed at that time." in html
    assert 'data-refusal="slot_taken"' in html and "The room is booked 10:00–11:00" in html
    assert 'data-outcome="later"' in html and "Booked on 2026-09-15" in html
    assert "Book the 2 bookable dates" in html
    assert not Series.objects.exists()
    assert not Reservation.objects.filter(series__isnull=False).exists()


def test_the_dates_read_in_korean(booker_client, room):
    html = booker_client.post(series_url(room), series_data()).content.decode()
    assert "추석 전날에는 시설이 휴무입니다." in html
    assert "예약 가능" in html


def test_confirming_books_the_bookable_dates_and_shows_the_series(english, booker, room):
    response = english.post(series_url(room), series_data(confirm="1"))
    series = Series.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("booking:series", args=[series.pk])
    dates = Reservation.objects.filter(series=series, booked_by=booker)
    assert sorted(timezone.localdate(r.start) for r in dates) == [day(9, 10), day(9, 17)]

    page = english.get(response["Location"]).content.decode()
    assert page.count('data-status="approved"') == 2
    assert "2026-10-01 (Thu) 10:00" in page and "The room is closed at that time." in page
    assert page.count('class="series-skipped"') == 3
    assert "Dates still to come" in page and "booked on 2026-09-15" in page


def test_with_htmx_the_dates_swap_in_and_confirming_redirects(booker_client, room):
    preview = booker_client.post(series_url(room), series_data(), **HTMX)
    assert preview.content.decode().lstrip().startswith("<form")
    done = booker_client.post(series_url(room), series_data(confirm="1"), **HTMX)
    assert done["HX-Redirect"] == reverse("booking:series", args=[Series.objects.get().pk])


def test_a_series_with_no_bookable_date_says_so_and_keeps_nothing(english, room):
    taken = {"date": "2026-10-01", "count": "2", "confirm": "1"}  # closed, then 8 Oct taken
    response = english.post(series_url(room), series_data(**taken))
    assert response.status_code == 200
    assert "None of the dates of the series can be booked now" in response.content.decode()
    assert not Series.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"count": "0"}, "Ensure this value is greater than or equal to 2."),
        ({"count": "-1"}, "Ensure this value is greater than or equal to 2."),
        ({"count": "1"}, "Ensure this value is greater than or equal to 2."),
        ({"count": "1000000000"}, "Ensure this value is less than or equal to 26."),
        ({"count": "abc"}, "Enter a whole number."),
        ({"count": "2.5"}, "Enter a whole number."),
        ({"count": ""}, "Give the number of dates."),
        ({"ends": "until", "until": ""}, "Give the series&#x27; last date."),
        ({"ends": "until", "until": "0001-01-01"}, "Enter a date between 2000-01-01"),
        ({"ends": "until", "until": "9999-12-31"}, "Enter a date between 2000-01-01"),
        ({"ends": "until", "until": "2026-09-10"}, "The last date must come after the first."),
        ({"ends": "until", "until": "2100-12-31"}, "A series has at most 26 dates"),
        ({"ends": "until", "until": "10-10-2026"}, "Enter a valid date."),
        ({"ends": "forever"}, "Select a valid choice."),
        ({"frequency": "daily"}, "Select a valid choice."),
        ({"date": "0001-01-01"}, "Enter a date between 2000-01-01"),
        ({"date": "9999-12-31"}, "Enter a date between 2000-01-01"),
        ({"attendees": "-1"}, "Ensure this value is greater than or equal to 1."),
        ({"purpose": "x" * 100_000}, "Ensure this value has at most 200 characters"),
        ({"count": "3\x00"}, "control characters"),
        ({"until": "2026-10-01\x1b", "ends": "until"}, "control characters"),
    ],
)
@pytest.mark.parametrize("step", [{}, {"confirm": "1"}], ids=["check", "confirm"])
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(
    english, room, fields, message, step
):
    response = english.post(series_url(room), series_data(**fields, **step))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Series.objects.exists()
    assert not Reservation.objects.filter(series__isnull=False).exists()


def test_bad_input_reads_in_korean(booker_client, room):
    response = booker_client.post(series_url(room), series_data(ends="until", until="2100-12-31"))
    assert response.status_code == 400
    assert "반복 예약은 최대 26회" in response.content.decode()


def test_a_repeated_parameter_takes_its_last_value_and_never_errs(english, room):
    data = series_data(confirm="1")
    data["count"] = ["3", "1000000000"]
    response = english.post(series_url(room), data)
    assert response.status_code == 400
    assert not Series.objects.exists()


def test_json_instead_of_the_form_is_a_400(english, room):
    response = english.post(series_url(room), {"count": 3}, content_type="application/json")
    assert response.status_code == 400
    assert not Series.objects.exists()


def test_a_non_integer_room_id_is_not_found(booker_client):
    assert booker_client.get("/book/abc/series/").status_code == 404
    assert booker_client.get("/book/series/abc/").status_code == 404


# --- the series afterwards: its page, its .ics, my reservations ---


@pytest.fixture
def series(booker_client, room):
    booker_client.post(series_url(room), series_data(confirm="1"))
    return Series.objects.get()


def test_someone_elses_series_is_not_found(client, series):
    client.force_login(UserFactory())
    assert client.get(reverse("booking:series", args=[series.pk])).status_code == 404
    assert client.get(reverse("booking:series_ics", args=[series.pk])).status_code == 404


def test_the_series_ics_has_one_event_per_booked_date(booker_client, series):
    response = booker_client.get(reverse("booking:series_ics", args=[series.pk]))
    calendar = icalendar.Calendar.from_ical(response.content)
    starts = sorted(event.decoded("dtstart") for event in calendar.walk("VEVENT"))
    assert starts == [at(day(9, 10), datetime.time(10)), at(day(9, 17), datetime.time(10))]
    assert {str(event["status"]) for event in calendar.walk("VEVENT")} == {"CONFIRMED"}


def test_my_reservations_marks_the_dates_of_a_series(
    english, series, django_assert_max_num_queries
):
    with django_assert_max_num_queries(7):  # as without series: the series comes in the join
        page = english.get(reverse("mine:list")).content.decode()
    assert page.count(reverse("booking:series", args=[series.pk])) == 2
    assert "Recurring booking: Every week" in page


def test_the_cancel_page_of_a_series_date_offers_this_or_this_and_later(english, series):
    first = series.occurrences.order_by("start").first()
    page = english.get(reverse("mine:cancel", args=[first.pk])).content.decode()
    assert 'name="scope" value="this"' in page and 'name="scope" value="later"' in page


def test_cancelling_this_and_later_from_my_reservations_keeps_the_earlier_date(english, series):
    first, second = series.occurrences.order_by("start")
    response = english.post(reverse("mine:cancel", args=[second.pk]), {"scope": "later"})
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.APPROVED, Status.CANCELLED)
    series.refresh_from_db()
    assert series.stopped_at == second.start
    page = english.get(reverse("mine:list")).content.decode()
    assert "1 date of the series has been cancelled; no later date will be booked." in page


def test_cancelling_one_date_keeps_the_later_ones(english, series):
    first, second = series.occurrences.order_by("start")
    english.post(reverse("mine:cancel", args=[first.pk]), {"scope": "this"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.CANCELLED, Status.APPROVED)
    series.refresh_from_db()
    assert series.stopped_at is None


@pytest.mark.parametrize("scope", ["all", "", "later\x00", "x" * 100_000])
def test_an_unknown_cancel_scope_is_a_400_and_cancels_nothing(english, series, scope):
    first = series.occurrences.order_by("start").first()
    response = english.post(reverse("mine:cancel", args=[first.pk]), {"scope": scope})
    assert response.status_code == 400
    assert not series.occurrences.filter(status=Status.CANCELLED).exists()


def test_this_and_later_of_a_single_booking_is_a_400(english, booker):
    single = ReservationFactory(booked_by=booker)
    response = english.post(reverse("mine:cancel", args=[single.pk]), {"scope": "later"})
    assert response.status_code == 400
    single.refresh_from_db()
    assert single.status == Status.APPROVED


def test_someone_elses_series_date_cannot_be_cancelled(client, series):
    client.force_login(UserFactory())
    first = series.occurrences.order_by("start").first()
    response = client.post(reverse("mine:cancel", args=[first.pk]), {"scope": "later"})
    assert response.status_code == 404
    assert not series.occurrences.filter(status=Status.CANCELLED).exists()
